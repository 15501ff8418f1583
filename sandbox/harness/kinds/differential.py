"""Kind ``differential``: the trusted driver compares base and head on generated inputs.

One unit per candidate (one pool slot): the driver worker plus its two call servers. The
driver's ``differential`` record carries the ``data`` answer; ``sides`` report, per side,
whether the function could be imported and the call server's capped log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..launcher import WorkerRun
from . import Unit, register
from .outcome import cap, killed_outcome, side_outcome

if TYPE_CHECKING:
    from ..supervisor import CandidateJob, Job


@register("differential")
class DifferentialKind:
    name = "differential"

    def units(self, cand: CandidateJob, job: Job) -> list[Unit]:
        return [Unit("driver", lambda: self._run(cand, job))]

    def _run(self, cand: CandidateJob, job: Job) -> WorkerRun:
        scratch = job.scratch(cand, "driver")
        sys_paths = {
            side: job.sys_path(side) if side in cand.sides and job.tree(side) else None
            for side in ("base", "head")
        }
        # The driver is trusted and stays our uid; each side's call server drops to that
        # side's uid and works in that side's directory.
        servers = {
            side: {
                "identity": list(ids) if (ids := job.identity(side)) else None,
                "root": job.side_scratch(side, f"{cand.index}-server"),
            }
            for side, path in sys_paths.items()
            if path is not None
        }
        config = {
            "params": cand.params,
            "seed": job.seed,
            "sys_paths": sys_paths,
            "servers": servers,
            "log_bytes": job.output_bytes,
        }
        return job.run_worker("driver", config, scratch, cand.timeout_s)

    def answer(self, cand: CandidateJob, job: Job, results: dict[str, Any]) -> dict[str, Any]:
        run: WorkerRun = results["driver"]
        record = run.reports.last("differential")
        killed = killed_outcome(run, cand.timeout_s)
        if killed is not None or record is None:
            outcome = killed or side_outcome(
                "error", f"the driver ended without an answer ({run.exit_description()})", run
            )
            data = {
                "status": "error",
                "examples": 0,
                "detail": outcome["detail"],
                "driver_log": cap(run.log),
            }
            return {"sides": {s: dict(outcome) for s in cand.sides}, "data": data}
        sides = {}
        for side, info in (record.get("sides") or {}).items():
            error = info.get("import_error")
            outcome = side_outcome("error" if error else "passed", error or "", run)
            outcome["log"] = str(info.get("log", ""))
            outcome["log_truncated_bytes"] = int(info.get("log_truncated_bytes", 0))
            sides[side] = outcome
        data = dict(record.get("data") or {})
        for side in cand.sides:  # the driver stopped before starting this side's server
            sides.setdefault(side, side_outcome("error", str(data.get("detail", "")), run))
        if data.get("status") == "error":
            data["driver_log"] = cap(run.log)
        return {"sides": sides, "data": data}
