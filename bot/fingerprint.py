"""Stable finding ids: the same finding on the next push gets the same id.

A finding id is the first 16 hex characters of a SHA-256 over, in this order:

1. a scheme tag (``deepcheck-finding/1``), so a future change of recipe cannot collide;
2. the finding ``kind`` (``defect``, ``behavior-change``, ``risk``);
3. the repo-relative head ``path``, posix, without a leading ``./``;
4. the function's qualified name (``Ledger.post``, ``outer.<locals>.inner``);
5. a normalized ``anchor``: what makes the finding itself, e.g. the witness call for a
   verified finding or the rule id (plus what it matched) for a risk. Runs of whitespace are
   collapsed to one space and the ends stripped, so reformatting does not change the id.

It deliberately does **not** depend on line numbers, messages, confidence, votes or
severity: an edit elsewhere in the file moves the line but keeps the id, and a better worded
message or a re-vote keeps it too. Renaming the file or the function gives a new id; so does
a different witness call, which is why callers should pass the *shrunk* (minimal) call.

The ids are used for idempotent review comments (a hidden marker), SARIF
``partialFingerprints``, the JSON report, and "resolved since the last push" bookkeeping.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["FINGERPRINT_SCHEME", "finding_id", "normalize_anchor", "normalize_path"]

FINGERPRINT_SCHEME = "deepcheck-finding/1"
_WHITESPACE = re.compile(r"\s+")
_SEPARATOR = "\x1f"  # ASCII unit separator: cannot appear in a path or qualname by accident


def normalize_anchor(anchor: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _WHITESPACE.sub(" ", anchor).strip()


def normalize_path(path: str) -> str:
    """A repo-relative posix path without a leading ``./``."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return posix


def finding_id(kind: str, path: str, function: str, anchor: str) -> str:
    """The stable fingerprint of a finding: 16 lowercase hex characters.

    >>> first = finding_id("defect", "ledger/interest.py", "compound", "compound(periods=1)")
    >>> first == finding_id("defect", "./ledger/interest.py", "compound", " compound(periods=1)")
    True
    """
    parts = (
        FINGERPRINT_SCHEME,
        kind.strip(),
        normalize_path(path.strip()),
        function.strip(),
        normalize_anchor(anchor),
    )
    digest = hashlib.sha256(_SEPARATOR.join(parts).encode("utf-8"))
    return digest.hexdigest()[:16]
