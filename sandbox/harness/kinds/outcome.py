"""Per-side outcome documents (the ``sides`` entries of the answer) built from a WorkerRun."""

from __future__ import annotations

from typing import Any

from ..launcher import WorkerRun

DETAIL_CAP = 4000


def cap(text: str, limit: int = DETAIL_CAP) -> str:
    return text if len(text) <= limit else text[: limit - 15] + "… [truncated]"


def side_outcome(
    status: str,
    detail: str,
    run: WorkerRun | None = None,
    tests: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "status": status,
        "detail": cap(detail),
        "duration_s": run.duration_s if run else 0.0,
        "tests": tests or [],
        "log": run.log if run else "",
        "log_truncated_bytes": run.log_truncated_bytes if run else 0,
    }


def killed_outcome(run: WorkerRun, timeout_s: float) -> dict[str, Any] | None:
    """The outcome when the run was cut short by us or the kernel, else None."""
    if run.spawn_error:
        return side_outcome("infrastructure", run.spawn_error, run)
    if run.timed_out:
        return side_outcome("timeout", f"killed at the {timeout_s:g}s wall-clock limit", run)
    if run.oom_killed:
        return side_outcome(
            "resource", "killed by SIGKILL we did not send (out of memory or pids)", run
        )
    return None
