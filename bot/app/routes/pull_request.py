"""``pull_request`` opened / synchronize / reopened / ready_for_review → verify the head."""

from __future__ import annotations

from bot.app.jobs import CheckPR, Command, Ignore
from bot.app.routes.router import Delivery, Router
from bot.app.routes.senders import is_bot
from bot.app.settings import Settings

router = Router()


@router.register("pull_request", "opened", "synchronize", "reopened", "ready_for_review")
def check_pull_request(delivery: Delivery, settings: Settings) -> list[Command]:
    if not delivery.has("installation"):
        return [Ignore("pull_request: no installation in the payload")]
    if settings.skip_drafts and delivery.get("pull_request", dict).get("draft") is True:
        return [Ignore("pull_request: draft (DEEPCHECK_SKIP_DRAFTS)")]
    if settings.skip_bots and is_bot(delivery, "pull_request.user", settings):
        return [Ignore("pull_request: opened by a bot (DEEPCHECK_SKIP_BOTS)")]
    return [
        CheckPR(
            repo=delivery.repo(),
            number=delivery.get("pull_request.number", int),
            head_sha=delivery.get("pull_request.head.sha", str),
            base_sha=delivery.get("pull_request.base.sha", str),
            trigger="pull_request",
            delivery_id=delivery.delivery_id,
        )
    ]
