"""``ping``: GitHub's hello when the webhook is set up (it has no ``installation``): nothing."""

from __future__ import annotations

from bot.jobs import Command
from bot.routes.router import Delivery, Router
from bot.settings import Settings

router = Router()


@router.register("ping")
def pong(delivery: Delivery, settings: Settings) -> list[Command]:
    return []
