"""Secrets: what must never reach a log, the store, a check run, a prompt or an error message.

- :func:`scrub`: installation tokens (also as the ``x-access-token`` Basic credential git
  sends), credentials in URLs and authorization headers are replaced with ``***``;
- :func:`redact`: anything in PR content that looks like a token or a private key is replaced
  with ``[redacted]`` before it reaches a model;
- :func:`is_placeholder_secret`: a configured secret that is a placeholder (``changeme``,
  ``xxxx``...) is refused at start, whoever reads it (the App's settings, the model's key).
"""

from __future__ import annotations

import base64
import re

__all__ = ["PLACEHOLDER_SECRETS", "is_placeholder_secret", "redact", "scrub"]

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


# Compared after strip() and lower(); a value made of one repeated character ("xxxx", "****")
# is a placeholder too.
PLACEHOLDER_SECRETS = frozenset(
    {
        "",
        "changethis",
        "changeme",
        "change-me",
        "change_me",
        "secret",
        "password",
        "xxx",
        "todo",
        "fixme",
        "none",
        "null",
        "test",
        "example",
        "your-secret",
        "webhook-secret",
        "development",
        "your-key",
        "sk-ant-...",
    }
)
_REPEATED = re.compile(r"^(.)\1*$", re.DOTALL)


def is_placeholder_secret(value: str) -> bool:
    """Empty, a well-known placeholder, or one character repeated (compared folded)."""
    folded = value.strip().lower()
    return folded in PLACEHOLDER_SECRETS or bool(_REPEATED.match(folded))


_SECRET_PATTERNS = (
    re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"),
)


def redact(text: str) -> str:
    """``text`` with anything that looks like a token or a private key replaced."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub("[redacted]", text)
    return text
