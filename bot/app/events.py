"""Webhook deliveries in, commands out: sans-I/O (gidgethub's ``sansio``, for deepcheck).

- ``verify_signature`` checks ``X-Hub-Signature-256``: HMAC-SHA256 of the raw body, compared as
  bytes; a missing, non-ASCII, sha1-only or malformed header fails closed.
- ``route`` hands a verified, parsed delivery to the handlers registered for its
  (event, action) in ``bot.app.routes`` and returns their commands (``bot.app.jobs``). GitHub's
  event
  strings stay strings. ``ping`` gives no command; an unhandled delivery gives one ``Ignore``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from bot.app.jobs import Command
from bot.app.routes import ROUTER, Delivery
from bot.app.settings import Settings

__all__ = ["SIGNATURE_HEADER", "handled_events", "route", "sign", "verify_signature"]

SIGNATURE_HEADER = "X-Hub-Signature-256"
_PREFIX = b"sha256="


def sign(secret: bytes, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value GitHub sends for ``body`` (tests and the bench use it)."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify_signature(secret: bytes, body: bytes, header: str | None) -> bool:
    """True only when ``header`` is ``sha256=<hex HMAC-SHA256 of body under secret>``."""
    if not secret or header is None:
        return False
    try:
        received = header.strip().encode("ascii")
    except UnicodeEncodeError:  # compare_digest on a non-ASCII str raises TypeError
        return False
    if not received.startswith(_PREFIX):
        return False
    expected = _PREFIX + hmac.new(secret, body, hashlib.sha256).hexdigest().encode("ascii")
    return hmac.compare_digest(expected, received.lower())


def route(
    event: str, payload: Mapping[str, Any], settings: Settings, *, delivery_id: str = ""
) -> list[Command]:
    """The commands for one verified delivery (``[]`` for ``ping``)."""
    return ROUTER.route(Delivery(event, payload, delivery_id), settings)


def handled_events() -> frozenset[str]:
    """The event names some handler is registered for (bounds metric labels)."""
    return ROUTER.events()
