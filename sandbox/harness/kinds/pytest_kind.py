"""Kind ``pytest``: run the candidate's test files on each side and grade from the channel.

A side is ``passed`` only when the session-finished record arrived, at least one test ran and
every test that ran passed (skips and xfails neither count as run nor fail). ``failed`` when a
test failed; ``error`` on collection errors, no tests, setup/teardown errors, or a worker that
exited before the session-finished record (``os._exit(0)`` mid-test, a crash).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..launcher import WorkerRun
from . import Unit, register
from .outcome import killed_outcome, side_outcome

if TYPE_CHECKING:
    from ..supervisor import CandidateJob, Job

# Extra pytest args a candidate may ask for (params.args); everything else is refused.
_ALLOWED_ARGS = re.compile(
    r"^(-x|--exitfirst|-l|--showlocals|--strict-markers|--tb=(auto|long|short|line|native|no)"
    r"|--maxfail=\d{1,4}|-r[fEsxXpPaA]{1,10}|-v|-vv)$"
)


def pytest_args(params: dict[str, Any], rootdir: str, seed: int) -> list[str]:
    """The pytest command line for one side; ValueError for a refused parameter."""
    args = [
        "-q",
        "--import-mode=importlib",
        "-p",
        "no:cacheprovider",
        f"--rootdir={rootdir}",
        f"--hypothesis-seed={seed}",
    ]
    for extra in params.get("args") or []:
        if not isinstance(extra, str) or not _ALLOWED_ARGS.match(extra):
            raise ValueError(f"pytest arg not allowed: {extra!r}")
        args.append(extra)
    keyword = params.get("keyword")
    if keyword:
        args += ["-k", str(keyword)]
    select = params.get("select") or []
    if isinstance(select, str):
        select = [select]
    for nodeid in select:
        if not isinstance(nodeid, str) or nodeid.startswith("-"):
            raise ValueError(f"bad node id in select: {nodeid!r}")
    args += [str(n) for n in select] if select else [rootdir]
    return args


def _out_of_memory(message: str) -> bool:
    head = message.strip().split("\n", 1)[0]
    return head.startswith(("MemoryError", "E   MemoryError")) or head.endswith("MemoryError")


def grade(run: WorkerRun, timeout_s: float) -> dict[str, Any]:
    killed = killed_outcome(run, timeout_s)
    tests = run.reports.of_type("test")
    for t in tests:
        t.pop("type", None)
    if killed is not None:
        killed["tests"] = tests
        return killed
    collect_errors = run.reports.of_type("collect_error")
    finished = run.reports.last("session_finished")
    if collect_errors:
        first = collect_errors[0]
        detail = f"collection error in {first.get('nodeid') or 'session'}: {first.get('message')}"
        return side_outcome("error", detail, run, tests)
    if finished is None:
        detail = (
            f"worker ended before the session-finished record ({run.exit_description()}); "
            f"{len(tests)} test(s) reported"
        )
        return side_outcome("error", detail, run, tests)
    failed = [t for t in tests if t["outcome"] == "failed"]
    errors = [t for t in tests if t["outcome"] == "error"]
    # Out of memory under the address-space limit (process backend) is a resource outcome,
    # like the OOM killer's SIGKILL in Docker: never a verdict about the code.
    starved = [t for t in failed + errors if _out_of_memory(str(t.get("message", "")))]
    if starved:
        detail = f"out of memory in {starved[0]['nodeid']}: {starved[0]['message']}"
        return side_outcome("resource", detail, run, tests)
    ran = [t for t in tests if t["outcome"] in ("passed", "failed", "xpassed", "error")]
    if failed:
        first = failed[0]
        detail = f"{len(failed)} failed; first {first['nodeid']}: {first['message']}"
        return side_outcome("failed", detail, run, tests)
    if errors:
        first = errors[0]
        detail = f"{len(errors)} error(s); first {first['nodeid']}: {first['message']}"
        return side_outcome("error", detail, run, tests)
    if not ran:
        detail = f"no tests ran (collected {finished.get('collected', 0)}, {len(tests)} skipped)"
        return side_outcome("error", detail, run, tests)
    if finished.get("exitstatus") != 0:
        detail = f"pytest exit status {finished.get('exitstatus')} although every test passed"
        return side_outcome("error", detail, run, tests)
    return side_outcome("passed", f"{len(ran)} passed", run, tests)


@register("pytest")
class PytestKind:
    name = "pytest"

    def units(self, cand: CandidateJob, job: Job) -> list[Unit]:
        return [
            Unit(side, lambda side=side: self._run_side(cand, job, side)) for side in cand.sides
        ]

    def _run_side(self, cand: CandidateJob, job: Job, side: str) -> dict[str, Any]:
        scratch = job.scratch(cand, side, side)  # as this side's uid, in its own directory
        try:
            args = pytest_args(cand.params, scratch.cand_dir, job.seed)
        except ValueError as exc:
            return side_outcome("error", str(exc))
        config = {"sys_path": job.sys_path(side), "args": args}
        run = job.run_worker("pytest_worker", config, scratch, cand.timeout_s)
        return grade(run, cand.timeout_s)

    def answer(self, cand: CandidateJob, job: Job, results: dict[str, Any]) -> dict[str, Any]:
        return {"sides": results, "data": {}}
