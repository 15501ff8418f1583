"""The ``/deep-check`` comment command: a pure parser, no I/O.

Only the first line of a comment counts, and only when it starts with ``/deep-check`` (leading
blanks allowed; ``/deep-checker`` is not the command). After it, in any order:

- a tier: ``quick``, ``standard``, ``deep`` (``high`` is accepted for ``deep``); at most one;
- paths narrowing the analysis: repository-relative, with a ``/`` or a ``.`` in them
  (``ledger/interest.py``, ``ledger/``, ``setup.py``); no ``..``, no absolute paths;
- ``help`` alone asks for the usage text.

A bare ``/deep-check`` asks for the ``deep`` tier: a person typed it to spend more than the
automatic run did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from rules.schema import TIER_ORDER

__all__ = [
    "COMMAND",
    "DEFAULT_TIER",
    "MAX_PATHS",
    "NO_WRITE_ACCESS",
    "USAGE",
    "CommandError",
    "DeepCheckRequest",
    "HelpRequest",
    "is_command",
    "parse_command",
    "refusal",
]

COMMAND = "/deep-check"
DEFAULT_TIER = "deep"
MAX_PATHS = 20
MAX_PATH_LENGTH = 400
TIER_ALIASES = {"high": "deep"}

USAGE = """\
**deepcheck** usage — comment on a pull request:

- `/deep-check` — verify the PR again at the `deep` tier
- `/deep-check quick|standard|deep` — choose the tier
- `/deep-check path/to/file.py [more/paths/]` — only the changed functions under these paths
- `/deep-check help` — this message

Tier and paths combine: `/deep-check standard ledger/`. Only people with write access to the
repository can run it."""

NO_WRITE_ACCESS = "it needs write access to the repository"
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")

_COMMAND_LINE = re.compile(r"^\s*/deep-check(?:\s|$)")
_PATH_CHARS = re.compile(r"^[A-Za-z0-9_.\-/+@]+$")


@dataclass(frozen=True)
class DeepCheckRequest:
    tier: str = DEFAULT_TIER
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class HelpRequest:
    pass


class CommandError(ValueError):
    """A ``/deep-check`` line that cannot be understood; ``str()`` is a one-line reason."""


def is_command(body: str | None) -> bool:
    """True when the comment's first line is a ``/deep-check`` command."""
    if not body:
        return False
    return bool(_COMMAND_LINE.match(body.split("\n", 1)[0]))


def parse_command(body: str) -> DeepCheckRequest | HelpRequest:
    """Parse a comment whose first line is a command; raise ``CommandError`` otherwise."""
    if not is_command(body):
        raise CommandError(f"not a {COMMAND} command")
    line = body.split("\n", 1)[0].strip()
    words = line.split()[1:]
    if any(word.lower() in {"help", "-h", "--help"} for word in words):
        if len(words) > 1:
            raise CommandError("`help` takes no other arguments")
        return HelpRequest()
    tier: str | None = None
    paths: list[str] = []
    for word in words:
        folded = TIER_ALIASES.get(word.lower(), word.lower())
        if folded in TIER_ORDER:
            if tier is not None and tier != folded:
                raise CommandError(f"two tiers given: `{tier}` and `{folded}`")
            tier = folded
        elif "/" in word or "." in word:
            path = _clean_path(word)
            if path not in paths:
                paths.append(path)
        else:
            raise CommandError(f"unknown argument `{_quote(word)}` (a tier or a path/with/slash)")
    if len(paths) > MAX_PATHS:
        raise CommandError(f"at most {MAX_PATHS} paths")
    return DeepCheckRequest(tier=tier or DEFAULT_TIER, paths=tuple(paths))


def _clean_path(word: str) -> str:
    if len(word) > MAX_PATH_LENGTH or not _PATH_CHARS.match(word):
        raise CommandError(f"`{_quote(word)}` is not a repository path")
    if word.startswith("/"):
        raise CommandError(f"`{_quote(word)}` is absolute; give a path relative to the repository")
    parts = PurePosixPath(word).parts
    if ".." in parts:
        raise CommandError(f"`{_quote(word)}` leaves the repository")
    cleaned = "/".join(part for part in parts if part != ".")
    if not cleaned:
        raise CommandError(f"`{_quote(word)}` names no file")
    return cleaned + "/" if word.endswith("/") else cleaned


def _quote(word: str) -> str:
    """A user's word, safe to echo inside inline code in a reply (short, no backticks)."""
    shown = word.replace("`", "'")
    return shown if len(shown) <= 60 else shown[:57] + "..."


def refusal(login: str, reason: str, asked: str = COMMAND) -> str:
    """The reply to a command that was not run, saying why (``asked``: the command as
    understood, e.g. ``/deep-check deep ledger/``; plain words, no backticks)."""
    who = f"@{login}: " if _LOGIN.match(login or "") else ""
    return f"{who}`{asked.replace('`', '')}` was not run: {reason}."
