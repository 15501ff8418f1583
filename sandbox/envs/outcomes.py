"""pip's failures as one line a user reads: the package, what went wrong, and the fix (pure)."""

from __future__ import annotations

import re

from sandbox.envs.errors import EnvError
from sandbox.envs.request import EnvRequest, Target

__all__ = ["ADD_INDEX", "ALLOW_SDISTS", "last_error", "pip_failure", "redact"]

ALLOW_SDISTS = "allow sdists for this repository in .deepcheck.yml (sandbox.sdists: [{name}])"
ADD_INDEX = "add the index that serves it: set PIP_EXTRA_INDEX_URL (or PIP_INDEX_URL)"
_NOT_FOUND = re.compile(
    r"(?:Could not find a version that satisfies the requirement|"
    r"No matching distribution found for) ([A-Za-z0-9][A-Za-z0-9._-]*)"
)
_VERSIONS = re.compile(r"\(from versions: ([^)]*)\)")
_CONFLICT = re.compile(r"Cannot install (.+?) because these package versions have conflicting")
_CONFLICT_ALT = re.compile(r"The conflict is caused by:\s*\n\s*(.+)")
_URL_AUTH = re.compile(r"(\w+://)[^/@\s]+@")


def redact(text: str) -> str:
    """Credentials in URLs (``https://user:token@host``) removed."""
    return _URL_AUTH.sub(r"\1***@", text)


def last_error(stderr: str) -> str:
    errors = [ln.strip() for ln in stderr.splitlines() if ln.startswith("ERROR")]
    last = errors or [ln.strip() for ln in stderr.splitlines() if ln.strip()] or ["no output"]
    return redact(last[-1])[:300]


def pip_failure(stderr: str, request: EnvRequest, target: Target, *, sdist_only: bool) -> EnvError:
    """The error for a failed ``pip download`` (``sdist_only``: the package exists on the
    index as a source distribution only, as a second look found)."""
    found = _NOT_FOUND.search(stderr)
    if found is not None:
        name = found.group(1)
        versions = _VERSIONS.search(stderr[found.start() :])
        listed = versions.group(1).strip() if versions else ""
        if sdist_only and not request.sdist_allowed(name):
            return EnvError(
                f"dependency {name!r} has no wheel for {target.describe()} (only a source "
                "distribution, and building one runs its code)",
                package=name,
                fix=ALLOW_SDISTS.format(name=name),
            )
        if listed and listed != "none":
            return EnvError(
                f"dependency {name!r}: no version satisfies the declared requirement "
                f"(available: {listed[:120]})",
                package=name,
                fix="relax the requirement in the repository's declaration",
            )
        return EnvError(
            f"dependency {name!r} cannot be resolved: no wheel for {target.describe()} on the "
            "configured index",
            package=name,
            fix=ADD_INDEX
            + "; if it publishes only a source distribution, "
            + ALLOW_SDISTS.format(name=name),
        )
    conflict = _CONFLICT.search(stderr)
    if conflict is not None or "ResolutionImpossible" in stderr:
        cause = _CONFLICT_ALT.search(stderr)
        what = conflict.group(1) if conflict else (cause.group(1).strip() if cause else "")
        return EnvError(
            f"the dependencies conflict with each other or with the sandbox's own packages "
            f"(pytest, hypothesis, crosshair): {redact(what)[:200]}",
            fix="pin compatible versions in the repository's declaration",
        )
    return EnvError(f"resolving the dependencies failed: {last_error(stderr)}")
