"""The benchmark behind ``deepcheck bench``: every case through the engine, one child each.

Each case of a corpus (:mod:`bot.benchmark.corpus`) goes through
:func:`bot.engine.pipeline.check` exactly as ``deepcheck check`` would run it, with the sandbox
runner chosen as the CLI chooses it, in its own child process (a hard per-case wall-clock
budget; CPU seconds from ``getrusage``, which includes the process backend's sandbox processes,
plus what Docker containers spent as their harness supervisor measured it).
:mod:`bot.benchmark.summary` aggregates the results; the command line (``bot.cli.bench``) only
renders them.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.benchmark.corpus import Case, materialize
from bot.benchmark.peers import run_peers
from bot.engine.plan import AUTO, TIER_ORDER

# Bench tiers in the order a table shows them: the fixed tiers, then auto.
TIERS: tuple[str, ...] = (*TIER_ORDER, AUTO)
BLOCKING = ("defect", "behavior-change")
# Per-case wall-clock budget (seconds) when none is given: the tier's sandbox time plus slack.
DEFAULT_BUDGET_S = {"quick": 180.0, "standard": 420.0, "deep": 1200.0, "auto": 1200.0}


@dataclass
class CaseResult:
    id: str
    kind: str
    operator: str
    module: str
    category: str
    function: str
    tier: str
    status: str = "ok"  # ok | timeout | error
    caught: bool = False  # a verified blocking finding on the changed function
    label: str = "none"  # strongest verified kind on the changed function: defect | behavior-change
    findings: list[str] = field(default_factory=list)  # "kind:function" of verified findings
    sources: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall clock of the check
    # CPU of the whole check: the host process and its waited-for children (which include the
    # process backend's sandboxes) plus, on the Docker backend, what the containers spent
    # (measured inside by the harness supervisor: the host's getrusage never sees it).
    cpu_s: float = 0.0
    sandbox_cpu_s: float = 0.0  # the sandboxes' share, whichever backend
    analysed: int = 0  # changed functions the engine tried to check
    unchecked: int = 0  # of those, how many no check ran on
    unchecked_reasons: list[str] = field(default_factory=list)
    sandbox_runs: int = 0
    examples: int = 0
    tier_path: list[str] = field(default_factory=list)
    witness: str = ""
    outside_domain: bool = False  # caught only with witnesses outside the callers' domain
    error: str = ""
    peers: list[dict[str, Any]] = field(default_factory=list)  # bot.benchmark.peers.PeerResult

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CaseResult:
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in names})


# --- the corpus --------------------------------------------------------------------------------


def _matches(finding_function: str, function: str) -> bool:
    return finding_function == function or finding_function.endswith("." + function)


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def classify(case: Case, tier: str, report: Any) -> CaseResult:
    """A per-case result from a pipeline ``Report`` (duck-typed: findings, spent)."""
    res = CaseResult(case.id, case.kind, case.operator, case.module, case.category,
                     case.function, tier)  # fmt: skip
    on_fn = [
        f
        for f in report.findings
        if f.verified and f.kind in BLOCKING and _matches(f.function, case.function)
    ]
    res.findings = [f"{f.kind}:{f.function}" for f in report.findings if f.verified]
    res.caught = bool(on_fn)
    if on_fn:
        res.label = "defect" if any(f.kind == "defect" for f in on_fn) else "behavior-change"
        res.sources = sorted({s for f in on_fn for s in f.sources})
        res.outside_domain = all(getattr(f, "outside_domain", "") for f in on_fn)
        first = next((f for f in on_fn if f.witness is not None), None)
        if first is not None and first.witness is not None:
            res.witness = (
                f"{first.witness.call} -> base {first.witness.base}, head {first.witness.head}"
            )
    res.sandbox_runs = report.spent.sandbox_runs
    res.sandbox_cpu_s = round(report.spent.sandbox_cpu_s, 3)
    res.analysed = report.analysed
    res.unchecked = len(report.unchecked)
    res.unchecked_reasons = [f"{u.function}: {u.reason}" for u in report.unchecked]
    res.examples = report.spent.examples
    res.seconds = report.spent.seconds
    res.tier_path = list(report.spent.tier_path)
    return res


def run_one(
    case: Case,
    tier: str,
    *,
    corpus: Path,
    sandbox: str,
    cache_dir: Path,
    seed: int = 0,
    peer_budget_s: float | None = None,
) -> CaseResult:
    """Materialize and check one case in this process (then the peers, when given a budget)."""
    from bot.engine.pipeline import CheckRequest, Deps, check
    from bot.engine.repo_image import with_environments
    from bot.engine.rulebook import load_rules
    from sandbox.select import select_runner

    started_cpu, started = cpu_seconds(), time.monotonic()
    with tempfile.TemporaryDirectory(prefix="dc-bench-") as tmp:
        repo = materialize(case, corpus, Path(tmp) / "repo")
        runner = select_runner(sandbox, allow_process=True, warn=lambda _m: None)
        try:
            # the case's declared dependencies, installed as `deepcheck check` installs them
            checked, image_for = with_environments(runner)
            deps = Deps(
                runner=checked, rules=load_rules(), cache_dir=cache_dir, image_for=image_for
            )
            report = check(CheckRequest(repo, "main~1", "main", tier=tier, seed=seed), deps)
            res = classify(case, tier, report)
            host_cpu = cpu_seconds() - started_cpu
            in_containers = res.sandbox_cpu_s if runner.name == "docker" else 0.0
            res.cpu_s = round(host_cpu + in_containers, 3)
            res.seconds = round(time.monotonic() - started, 3)
            if peer_budget_s is not None:
                res.peers = run_peers(case, repo, runner, peer_budget_s)
        finally:
            close = getattr(runner, "close", None)
            if callable(close):
                close()
    return res


def _child(case_json: dict[str, Any], tier: str, options: dict[str, Any], out: str) -> None:
    case = Case.from_json(case_json)
    try:
        res = run_one(
            case, tier, corpus=Path(options["corpus"]), sandbox=options["sandbox"],
            cache_dir=Path(options["cache_dir"]), seed=options["seed"],
            peer_budget_s=options["peer_budget_s"] if options["peers_tier"] == tier else None,
        )  # fmt: skip
    except Exception as exc:  # reported per case as an error, never as a verdict
        res = CaseResult(case.id, case.kind, case.operator, case.module, case.category,
                         case.function, tier, status="error",
                         error=f"{type(exc).__name__}: {exc}"[:500])  # fmt: skip
    Path(out).write_text(json.dumps(asdict(res)), encoding="utf-8")


@dataclass
class RunOptions:
    corpus: Path
    out_dir: Path
    sandbox: str = "auto"
    jobs: int = 1
    seed: int = 0
    cache_dir: Path = Path(tempfile.gettempdir()) / "deepcheck-bench-cache"
    budget_s: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_BUDGET_S))
    peer_budget_s: float | None = None  # run the peers (first tier only) with this budget


Advance = Callable[[CaseResult], None]


def run_cases(
    cases: Sequence[Case], tiers: Sequence[str], opts: RunOptions, advance: Advance | None = None
) -> list[CaseResult]:
    """Every case at every tier, ``opts.jobs`` child processes at once, each within its budget."""
    ctx = multiprocessing.get_context("spawn")
    case_dir = opts.out_dir / "cases"
    case_dir.mkdir(parents=True, exist_ok=True)
    peers_tier = tiers[0] if opts.peer_budget_s is not None else None
    options = {"corpus": str(opts.corpus), "sandbox": opts.sandbox, "seed": opts.seed,
               "cache_dir": str(opts.cache_dir), "peer_budget_s": opts.peer_budget_s,
               "peers_tier": peers_tier}  # fmt: skip
    peer_slack = 0.0 if opts.peer_budget_s is None else 2 * (opts.peer_budget_s + 60.0)
    queue = [(tier, case) for tier in tiers for case in cases]
    running: list[tuple[Any, str, Case, float, Path]] = []
    results: list[CaseResult] = []

    def finish(proc: Any, tier: str, case: Case, started: float, out: Path, late: bool) -> None:
        if late:
            proc.kill()
        proc.join()
        if out.exists() and not late:
            res = CaseResult.from_json(json.loads(out.read_text(encoding="utf-8")))
        else:
            status = "timeout" if late else "error"
            res = CaseResult(case.id, case.kind, case.operator, case.module, case.category,
                             case.function, tier, status=status,
                             seconds=round(time.monotonic() - started, 3),
                             error="" if late else f"child exited {proc.exitcode}")  # fmt: skip
            out.write_text(json.dumps(asdict(res)), encoding="utf-8")
        results.append(res)
        if advance is not None:
            advance(res)

    try:
        while queue or running:
            while queue and len(running) < max(1, opts.jobs):
                tier, case = queue.pop(0)
                out = case_dir / f"{tier}-{case.id}.json"
                out.unlink(missing_ok=True)
                proc = ctx.Process(target=_child, args=(_case_json(case), tier, options, str(out)))
                proc.start()
                running.append((proc, tier, case, time.monotonic(), out))
            time.sleep(0.2)
            still = []
            for item in running:
                proc, tier, case, started, out = item
                allowed = opts.budget_s.get(tier, 600.0) + (
                    peer_slack if tier == peers_tier else 0.0
                )
                late = time.monotonic() - started > allowed
                if not proc.is_alive() or late:
                    finish(proc, tier, case, started, out, late)
                else:
                    still.append(item)
            running = still
    finally:  # interrupted: no orphaned checks (each child's sandbox dies with it)
        for proc, *_rest in running:
            if proc.is_alive():
                proc.kill()
                proc.join()
    return results


def _case_json(case: Case) -> dict[str, Any]:
    return asdict(case)


# --- aggregation ------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in load],
    }


# --- the plot ---------------------------------------------------------------------------------
