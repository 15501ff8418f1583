"""Kind ``crosshair``: CrossHair's symbolic ``diffbehavior`` between base and head.

``params``: ``module``, ``base_module`` (optional), ``qualname``, ``deadline_s`` (CrossHair's
time box) and optionally ``per_path_timeout_s``. The answer has the differential shape:
``data.status`` is ``different`` (with a concretely confirmed ``witness``), ``equal``,
``flaky`` (CrossHair reported differences that did not reproduce concretely), ``unsupported``
or ``error``; ``examples`` counts the paths CrossHair explored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..launcher import WorkerRun
from . import Unit, register
from .outcome import cap, killed_outcome, side_outcome

if TYPE_CHECKING:
    from ..supervisor import CandidateJob, Job


@register("crosshair")
class CrosshairKind:
    name = "crosshair"

    def units(self, cand: CandidateJob, job: Job) -> list[Unit]:
        return [Unit("crosshair", lambda: self._run(cand, job))]

    def _run(self, cand: CandidateJob, job: Job) -> WorkerRun | str:
        if not all(side in cand.sides and job.tree(side) for side in ("base", "head")):
            return "crosshair compares two versions: needs both base and head"
        # CrossHair runs both versions in one process: the head side's uid (it runs head code).
        scratch = job.scratch(cand, "crosshair", "head")
        config = {
            "params": cand.params,
            "sys_paths": {"base": job.sys_path("base"), "head": job.sys_path("head")},
        }
        return job.run_worker("crosshair_worker", config, scratch, cand.timeout_s)

    def answer(self, cand: CandidateJob, job: Job, results: dict[str, Any]) -> dict[str, Any]:
        run = results["crosshair"]
        if isinstance(run, str):
            outcome = side_outcome("error", run)
            data = {"status": "unsupported", "examples": 0, "detail": run}
            return {"sides": {s: dict(outcome) for s in cand.sides}, "data": data}
        record = run.reports.last("crosshair")
        killed = killed_outcome(run, cand.timeout_s)
        if killed is not None or record is None:
            outcome = killed or side_outcome(
                "error",
                f"the CrossHair worker ended without an answer ({run.exit_description()})",
                run,
            )
            data = {
                "status": "error",
                "examples": 0,
                "detail": outcome["detail"],
                "log": cap(run.log),
            }
            return {"sides": {s: dict(outcome) for s in cand.sides}, "data": data}
        data = dict(record.get("data") or {})
        status = "error" if data.get("status") == "error" else "passed"
        outcome = side_outcome(status, str(data.get("detail", "")), run)
        return {"sides": {s: dict(outcome) for s in cand.sides}, "data": data}
