"""The cost sweep: how a check's time grows with the number of changed functions."""

from __future__ import annotations

import json
import multiprocessing
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.benchmark.corpus import run_git
from bot.benchmark.runner import RunOptions, cpu_seconds

SWEEP_SIZES = (1, 5, 20, 50)
SWEEP_FUNCTIONS = 50


def sweep_sources(changed: int) -> tuple[str, str]:
    """A money module of 50 small functions; head changes the first ``changed`` of them
    (even ones get a grace period one day longer, odd ones a local renamed: bugs and
    refactors mixed)."""

    def fn(i: int, *, changed_fn: bool) -> str:
        grace, local = i % 7, "rate"
        if changed_fn:
            grace, local = (grace + 1, "rate") if i % 2 == 0 else (grace, "pct")
        return (
            f"def late_fee_{i}(amount_cents: int, days_late: int) -> int:\n"
            f'    """Late fee {i}: {i + 1}% of the amount per day past a grace period."""\n'
            f"    if days_late <= {grace}:\n"
            f"        return 0\n"
            f"    {local} = {i + 1}\n"
            f"    return amount_cents * {local} * days_late // 100\n"
        )

    header = '"""Late fees (synthetic, for the cost sweep)."""\n\n\n'
    base = header + "\n\n".join(fn(i, changed_fn=False) for i in range(SWEEP_FUNCTIONS))
    head = header + "\n\n".join(fn(i, changed_fn=i < changed) for i in range(SWEEP_FUNCTIONS))
    return base, head


@dataclass
class SweepPoint:
    tier: str
    changed: int
    status: str = "ok"
    analysed: int = 0
    not_analysed: list[str] = field(default_factory=list)  # "function: reason"
    findings: int = 0
    seconds: float = 0.0
    cpu_s: float = 0.0
    sandbox_runs: int = 0
    examples: int = 0
    error: str = ""


def _sweep_child(changed: int, tier: str, options: dict[str, Any], out: str) -> None:
    from bot.engine.pipeline import CheckRequest, Deps, check
    from bot.engine.rulebook import load_rules
    from sandbox.select import select_runner

    point = SweepPoint(tier, changed)
    started_cpu, started = cpu_seconds(), time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="dc-sweep-") as tmp:
            repo = Path(tmp) / "repo"
            (repo / "ledger").mkdir(parents=True)
            base, head = sweep_sources(changed)
            (repo / "ledger" / "__init__.py").write_text("", encoding="utf-8")
            (repo / "ledger" / "fees.py").write_text(base, encoding="utf-8")
            run_git(repo, "init", "-q", "-b", "main")
            run_git(repo, "add", "-A")
            run_git(repo, "commit", "-q", "-m", "base")
            (repo / "ledger" / "fees.py").write_text(head, encoding="utf-8")
            run_git(repo, "commit", "-qam", f"Change {changed} late-fee functions")
            runner = select_runner(options["sandbox"], allow_process=True, warn=lambda _m: None)
            deps = Deps(runner=runner, rules=load_rules(), cache_dir=Path(options["cache_dir"]))
            report = check(CheckRequest(repo, "main~1", "main", tier=tier), deps)
        skipped = [s for s in report.skipped if s.function]
        point.not_analysed = [f"{s.function}: {s.reason}" for s in skipped]
        point.analysed = len(report.changed_functions) - len(skipped)
        point.findings = sum(1 for f in report.findings if f.verified)
        point.sandbox_runs, point.examples = report.spent.sandbox_runs, report.spent.examples
    except Exception as exc:  # recorded, never raised past the sweep
        point.status, point.error = "error", f"{type(exc).__name__}: {exc}"[:500]
    point.cpu_s = round(cpu_seconds() - started_cpu, 3)
    point.seconds = round(time.monotonic() - started, 3)
    Path(out).write_text(json.dumps(asdict(point)), encoding="utf-8")


def run_sweep(
    tiers: Sequence[str],
    opts: RunOptions,
    sizes: Sequence[int] = SWEEP_SIZES,
    advance: Callable[[SweepPoint], None] | None = None,
) -> list[SweepPoint]:
    """Seconds, CPU and sandbox runs per PR for PRs changing 1, 5, 20, 50 functions (one
    child process at a time: the sweep measures cost, concurrency would blur it)."""
    ctx = multiprocessing.get_context("spawn")
    options = {"sandbox": opts.sandbox, "cache_dir": str(opts.cache_dir)}
    out_dir = opts.out_dir / "sweep"
    out_dir.mkdir(parents=True, exist_ok=True)
    points = []
    for tier in tiers:
        for n in sizes:
            out = out_dir / f"{tier}-{n}.json"
            out.unlink(missing_ok=True)
            proc = ctx.Process(target=_sweep_child, args=(n, tier, options, str(out)))
            started = time.monotonic()
            proc.start()
            proc.join(opts.budget_s.get(tier, 600.0) * 3)
            if proc.is_alive():
                proc.kill()
                proc.join()
                point = SweepPoint(tier, n, status="timeout",
                                   seconds=round(time.monotonic() - started, 3))  # fmt: skip
            elif out.exists():
                point = SweepPoint(**json.loads(out.read_text(encoding="utf-8")))
            else:
                point = SweepPoint(tier, n, status="error", error=f"exit {proc.exitcode}")
            points.append(point)
            if advance is not None:
                advance(point)
    return points
