"""Redaction: what must never reach a log, the store, a check run or an error message.

Installation tokens (also as the ``x-access-token`` Basic credential git sends), credentials in
URLs and authorization headers are replaced with ``***``.
"""

from __future__ import annotations

import base64
import re

__all__ = ["scrub"]

_CREDENTIALS = re.compile(r"(?i)(://)[^/@\s]+@")
_AUTH_HEADER = re.compile(r"(?i)(authorization:\s*\w+\s+)\S+")


def scrub(text: str, *secrets: str | None) -> str:
    """``text`` without the given secrets, URL credentials or authorization headers."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
            text = text.replace(
                base64.b64encode(f"x-access-token:{secret}".encode()).decode(), "***"
            )
    text = _CREDENTIALS.sub(r"\1***@", text)
    return _AUTH_HEADER.sub(r"\1***", text)
