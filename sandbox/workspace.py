"""What goes into a sandbox: base and head trees (read-only) and candidate checks.

A candidate is one sample of test-time compute. ``kind`` selects a runner registered inside
the harness (``sandbox/harness/kinds``):

- ``pytest``: ``files`` hold test modules; pytest runs them with the side's checkout first on
  ``sys.path``, once per side in ``sides``. Per-side outcomes.
- ``differential``: ``params`` describe a function and argument strategies; a trusted driver
  drives base and head in two worker processes with the same inputs and compares the results
  (paired outcome in ``CandidateResult.data``).

``params`` and file contents are JSON data; nothing here is executed on the host.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SIDES = ("base", "head")


@dataclass(frozen=True)
class Candidate:
    id: str
    kind: str
    files: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    sides: tuple[str, ...] = SIDES
    # Overrides Limits.candidate_timeout_s for this candidate (per side).
    timeout_s: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "files": sorted(self.files),
            "params": dict(self.params),
            "sides": list(self.sides),
            "timeout_s": self.timeout_s,
        }


@dataclass(frozen=True)
class Workspace:
    """Base may be None (a scan of one tree, or a file added by the PR)."""

    head: Path
    base: Path | None = None
    candidates: tuple[Candidate, ...] = ()
    # Extra import roots inside each checkout (e.g. "src"), relative paths.
    import_roots: tuple[str, ...] = (".",)

    def tree(self, side: str) -> Path | None:
        if side == "base":
            return self.base
        if side == "head":
            return self.head
        raise ValueError(f"unknown side {side!r}")
