"""Webhook routes, one concern per module, composed into ``ROUTER`` (see ``bot.app.events``).

To handle a new event: add a module with ``router = Router()`` and decorated handlers, and
list its router here.
"""

from __future__ import annotations

from bot.app.routes import check_run, installation, issue_comment, ping, pull_request
from bot.app.routes.router import Delivery, Handler, PayloadError, Router

__all__ = ["ROUTER", "Delivery", "Handler", "PayloadError", "Router"]

ROUTER = Router(
    pull_request.router,
    issue_comment.router,
    check_run.router,
    installation.router,
    ping.router,
)
