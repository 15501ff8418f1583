"""Who sent it: bots (any, and this App itself) never drive deepcheck."""

from __future__ import annotations

from bot.app.routes.router import Delivery
from bot.app.settings import Settings


def is_bot(delivery: Delivery, user_field: str, settings: Settings) -> bool:
    """True when ``payload[user_field]`` is a bot account or this App's own login."""
    kind = delivery.get(f"{user_field}.type", str)
    login = delivery.get(f"{user_field}.login", str)
    return (
        kind == "Bot"
        or login.lower() == settings.bot_login.lower()
        or login.lower().endswith("[bot]")
    )
