"""``ping``: GitHub's hello when the webhook is set up (it has no ``installation``): nothing."""

from __future__ import annotations

from bot.app.jobs import Command
from bot.app.routes.router import Delivery, Router
from bot.app.settings import Settings

router = Router()


@router.register("ping")
def pong(delivery: Delivery, settings: Settings) -> list[Command]:
    return []
