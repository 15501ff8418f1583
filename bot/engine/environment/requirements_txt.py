"""One ``requirements*.txt`` file, parsed as pip reads it (pure: text in, values out).

Kept: PEP 508 requirement lines (``name[extra]>=1; marker``), with line continuations, comments
and per-line options (``--hash=...``) removed. Followed by the caller: ``-r``/``--requirement``
(more requirements) and ``-c``/``--constraint`` (pins), as repository-relative paths resolved
against the including file's directory; an include that leaves the repository is refused.
Ignored, each with a note a user reads: editable installs (``-e``), URLs and VCS references,
local paths, and index options (the index is the operator's choice, never the repository's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from packaging.requirements import InvalidRequirement, Requirement

__all__ = ["RequirementsFile", "include_path", "parse_requirements"]

_INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)$")
_INDEX_OPTIONS = (
    "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--no-index",
    "--trusted-host", "--pre", "--prefer-binary", "--only-binary", "--no-binary",
    "--use-feature", "--config-settings",
)  # fmt: skip
_LINE_OPTION = re.compile(r"\s--(hash|global-option|config-settings)[=\s]\S+")


@dataclass
class RequirementsFile:
    requirements: list[str] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)  # pins from this file's own lines
    requirement_includes: list[str] = field(default_factory=list)  # repo-relative paths
    constraint_includes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def include_path(including: str, target: str) -> str | None:
    """The repository-relative path of ``target`` named in the file ``including``; None when it
    is absolute, a URL, or leaves the repository."""
    if "://" in target or target.startswith("/"):
        return None
    parts: list[str] = list(PurePosixPath(including).parent.parts)
    for part in PurePosixPath(target).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts) if parts else None


def _logical_lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            out.append((start, line))
    if pending.strip():
        out.append((start, pending.strip()))
    return out


def parse_requirements(text: str, path: str, *, as_constraints: bool = False) -> RequirementsFile:
    """The file at repository path ``path`` (its content ``text``)."""
    out = RequirementsFile()
    for number, line in _logical_lines(text):
        where = f"{path}:{number}"
        include = _INCLUDE.match(line)
        if include is not None:
            target = include_path(path, include.group(2))
            if target is None:
                out.notes.append(f"{where}: {include.group(2)} is outside the repository (ignored)")
            elif include.group(1) in ("-r", "--requirement") and not as_constraints:
                out.requirement_includes.append(target)
            else:
                out.constraint_includes.append(target)
            continue
        if line.startswith(("-e", "--editable")):
            out.notes.append(f"{where}: editable install ignored ({line})")
            continue
        if line.startswith("-"):
            option = line.split()[0].split("=")[0]
            if option in _INDEX_OPTIONS:
                out.notes.append(
                    f"{where}: {option} ignored (the index is set by the operator: "
                    "PIP_INDEX_URL / PIP_EXTRA_INDEX_URL)"
                )
            else:
                out.notes.append(f"{where}: option {option} ignored")
            continue
        spec = _LINE_OPTION.sub("", " " + line).strip()
        if "://" in spec or spec.startswith((".", "/")) or "@" in spec.split(";")[0]:
            out.notes.append(f"{where}: URL or path requirement ignored ({spec})")
            continue
        try:
            req = Requirement(spec)
        except InvalidRequirement as exc:
            out.notes.append(f"{where}: not a requirement, ignored ({exc})")
            continue
        (out.constraints if as_constraints else out.requirements).append(str(req))
    return out
