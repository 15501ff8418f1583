"""Outcomes of a sandbox run, and the signatures of infrastructure failures.

An infrastructure failure (engine down, image missing, harness killed, results unreadable) is
never a verdict about the code under test: callers report it as ``neutral``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # the check ran and failed: an assertion, an exception in a test
    ERROR = "error"  # could not run: collection/import error, exited before reporting
    TIMEOUT = "timeout"  # killed at the candidate's wall-clock limit
    RESOURCE = "resource"  # killed for memory / pids (OOM is SIGKILL with output lost)
    INFRASTRUCTURE = "infrastructure"  # the sandbox failed, not the code


@dataclass(frozen=True)
class Outcome:
    status: Status
    detail: str = ""  # failure message / reason, capped
    duration_s: float = 0.0
    tests: tuple[dict[str, Any], ...] = ()  # per-test records (pytest kinds)
    log: str = ""  # captured output, capped
    log_truncated_bytes: int = 0

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Outcome:
        return cls(
            status=Status(d["status"]),
            detail=str(d.get("detail", "")),
            duration_s=float(d.get("duration_s", 0.0)),
            tests=tuple(d.get("tests", ())),
            log=str(d.get("log", "")),
            log_truncated_bytes=int(d.get("log_truncated_bytes", 0)),
        )


@dataclass(frozen=True)
class CandidateResult:
    id: str
    kind: str
    sides: dict[str, Outcome] = field(default_factory=dict)
    # Paired kinds (differential) put their structured verdict here.
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> CandidateResult:
        return cls(
            id=str(d["id"]),
            kind=str(d["kind"]),
            sides={k: Outcome.from_json(v) for k, v in d.get("sides", {}).items()},
            data=dict(d.get("data", {})),
        )


@dataclass(frozen=True)
class RunResult:
    backend: str
    candidates: dict[str, CandidateResult] = field(default_factory=dict)
    infrastructure_error: str | None = None
    duration_s: float = 0.0
    start_s: float = 0.0  # container (or process) start to harness ready
    harness_log: str = ""
    cpu_s: float = 0.0  # user + system CPU of every process inside the sandbox (its supervisor's)

    @property
    def ok(self) -> bool:
        return self.infrastructure_error is None
