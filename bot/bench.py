"""The benchmark behind ``deepcheck bench``: accuracy against compute on a labelled corpus.

A corpus (``bench/corpus``: ``manifest.json`` plus the pinned ``sources/``) lists cases; each
materializes as a git repository with a base and a head commit whose subject and body are the
PR title and description, and goes through :func:`bot.pipeline.check` exactly as ``deepcheck
check`` would run it, with the sandbox runner chosen as the CLI chooses it. Each case runs in its
own child process (a hard per-case wall-clock budget; CPU seconds from ``getrusage``, which
includes the process backend's sandbox processes but not a Docker container's). This module
aggregates per-case results into per-tier figures and draws the detection/compute plot; the
command line (``bot.cli_bench``) only renders them.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("bug", "refactor", "fix")
TIERS = ("quick", "standard", "deep", "auto")
BLOCKING = ("defect", "behavior-change")
# Per-case wall-clock budget (seconds) when none is given: the tier's sandbox time plus slack.
DEFAULT_BUDGET_S = {"quick": 180.0, "standard": 420.0, "deep": 1200.0, "auto": 1200.0}

GIT_ENV = {
    "GIT_AUTHOR_NAME": "deepcheck bench",
    "GIT_AUTHOR_EMAIL": "bench@deepcheck.invalid",
    "GIT_COMMITTER_NAME": "deepcheck bench",
    "GIT_COMMITTER_EMAIL": "bench@deepcheck.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}


class CorpusError(Exception):
    """The corpus is missing or malformed (a usage error for the command line)."""


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # bug | refactor | fix
    module: str
    path: str  # repo-relative path of the changed module
    bundle: str  # directory under sources/ that becomes the repository
    function: str  # qualified name of the changed function
    category: str  # money | date | other
    operator: str  # mutation operator or refactor kind ("generator" in the tables)
    title: str
    description: str
    patch: str  # unified diff base → head
    base_patch: str | None = None  # applied to the snapshot to make base (fixes)
    change: str = ""
    origin: str = ""
    witness: Mapping[str, str] | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Case:
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in names})


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
    cpu_s: float = 0.0  # CPU of the check's process and its waited-for children
    sandbox_runs: int = 0
    examples: int = 0
    tier_path: list[str] = field(default_factory=list)
    witness: str = ""
    error: str = ""
    peers: list[dict[str, Any]] = field(default_factory=list)  # bot.bench_peers.PeerResult

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CaseResult:
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in names})


# --- the corpus --------------------------------------------------------------------------------


def load_corpus(corpus: Path) -> list[Case]:
    manifest = corpus / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CorpusError(f"no corpus manifest at {manifest}") from exc
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{manifest}: not JSON ({exc.msg}, line {exc.lineno})") from exc
    try:
        return [Case.from_json(c) for c in data["cases"]]
    except (KeyError, TypeError) as exc:
        raise CorpusError(f"{manifest}: malformed case ({exc})") from exc


def select_cases(
    cases: Sequence[Case], limit: int | None, *, seed: int = 0, kinds: Iterable[str] = KINDS
) -> list[Case]:
    """A deterministic subset of ``limit`` cases, stratified by kind then module (round robin)."""
    wanted = [c for c in cases if c.kind in set(kinds)]
    if limit is None or limit >= len(wanted):
        return wanted
    rng = random.Random(seed)
    strata: dict[tuple[str, str], list[Case]] = {}
    for c in wanted:
        strata.setdefault((c.kind, c.module), []).append(c)
    for group in strata.values():
        rng.shuffle(group)
    # Bugs first in proportion: half the sample, the rest split between refactors and fixes.
    share = {"bug": 0.5, "refactor": 0.3, "fix": 0.2}
    picked: list[Case] = []
    for kind in KINDS:
        quota = round(limit * share[kind]) if kind != "fix" else limit - len(picked)
        groups = [g for (k, _m), g in sorted(strata.items()) if k == kind]
        taken = 0
        while taken < quota and any(groups):
            for g in groups:
                if g and taken < quota:
                    picked.append(g.pop())
                    taken += 1
    return picked


def _git(repo: Path, *args: str, stdin: str | None = None) -> None:
    env = {**os.environ, **GIT_ENV}
    subprocess.run(
        ["git", "-C", str(repo), *args], check=True, env=env, capture_output=True, input=stdin,
        text=True,
    )  # fmt: skip


def materialize(case: Case, corpus: Path, dest: Path) -> Path:
    """The case as a git repository: ``main~1`` is base, ``main`` the PR (title + description)."""
    src = corpus / "sources" / case.bundle
    if not src.is_dir():
        raise CorpusError(f"case {case.id}: no sources for bundle {case.bundle!r} in {corpus}")
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__"))
    _git(dest, "init", "-q", "-b", "main")
    if case.base_patch:
        _git(dest, "apply", "-", stdin=case.base_patch)
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", f"{case.module}: as shipped")
    _git(dest, "apply", "-", stdin=case.patch)
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", case.title, "-m", case.description or case.title)
    return dest


# --- one case, in a child process -------------------------------------------------------------


def _matches(finding_function: str, function: str) -> bool:
    return finding_function == function or finding_function.endswith("." + function)


def _cpu() -> float:
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
        first = next((f for f in on_fn if f.witness is not None), None)
        if first is not None and first.witness is not None:
            res.witness = (
                f"{first.witness.call} -> base {first.witness.base}, head {first.witness.head}"
            )
    res.sandbox_runs = report.spent.sandbox_runs
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
    from bot.pipeline import CheckRequest, Deps, check
    from rules.loader import load_rules
    from sandbox.select import select_runner

    started_cpu, started = _cpu(), time.monotonic()
    with tempfile.TemporaryDirectory(prefix="dc-bench-") as tmp:
        repo = materialize(case, corpus, Path(tmp) / "repo")
        runner = select_runner(sandbox, allow_process=True, warn=lambda _m: None)
        try:
            deps = Deps(runner=runner, rules=load_rules(), cache_dir=cache_dir)
            report = check(CheckRequest(repo, "main~1", "main", tier=tier, seed=seed), deps)
            res = classify(case, tier, report)
            res.cpu_s = round(_cpu() - started_cpu, 3)
            res.seconds = round(time.monotonic() - started, 3)
            if peer_budget_s is not None:
                from bot.bench_peers import run_peers

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


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100.0
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _rate(n: int, d: int) -> float:
    return round(n / d, 4) if d else 0.0


def summarize(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Per-tier figures: detection, false positives, fix labels, time and sandbox spend."""
    out: dict[str, Any] = {}
    for tier in dict.fromkeys(r.tier for r in results):
        rs = [r for r in results if r.tier == tier]
        bugs = [r for r in rs if r.kind == "bug"]
        refs = [r for r in rs if r.kind == "refactor"]
        fixes = [r for r in rs if r.kind == "fix"]
        secs = [r.seconds for r in rs]
        ops: dict[str, dict[str, Any]] = {}
        for r in bugs:
            o = ops.setdefault(r.operator, {"bugs": 0, "caught": 0, "cpu_s": []})
            o["bugs"] += 1
            o["caught"] += int(r.caught)
            o["cpu_s"].append(r.cpu_s)
        by_op = {
            op: {
                "bugs": o["bugs"],
                "caught": o["caught"],
                "detection": _rate(o["caught"], o["bugs"]),
                "cpu_s_mean": round(statistics.fmean(o["cpu_s"]), 3),
            }
            for op, o in sorted(ops.items())
        }
        cats: dict[str, list[int]] = {}
        for r in bugs:
            cats.setdefault(r.category, [0, 0])
            cats[r.category][0] += 1
            cats[r.category][1] += int(r.caught)
        out[tier] = {
            "cases": len(rs),
            "bugs": len(bugs),
            "caught": sum(r.caught for r in bugs),
            "detection": _rate(sum(r.caught for r in bugs), len(bugs)),
            "refactors": len(refs),
            "false_positives": sum(r.caught for r in refs),
            "false_positive_rate": _rate(sum(r.caught for r in refs), len(refs)),
            "fixes": len(fixes),
            "fix_labels": {k: sum(1 for r in fixes if r.label == k) for k in (*BLOCKING, "none")},
            "seconds_median": round(percentile(secs, 50), 2),
            "seconds_p90": round(percentile(secs, 90), 2),
            "cpu_s_mean": round(statistics.fmean([r.cpu_s for r in rs]), 2) if rs else 0.0,
            "cpu_s_median": round(percentile([r.cpu_s for r in rs], 50), 2),
            "sandbox_runs_mean": round(statistics.fmean([r.sandbox_runs for r in rs]), 2)
            if rs
            else 0.0,
            "examples_mean": round(statistics.fmean([r.examples for r in rs]), 1) if rs else 0.0,
            "timeouts": sum(r.status == "timeout" for r in rs),
            "errors": sum(r.status == "error" for r in rs),
            "by_operator": by_op,
            "by_category": {c: {"bugs": v[0], "caught": v[1]} for c, v in sorted(cats.items())},
        }
    return out


def summarize_peers(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Each peer's detection, false positives and time, and as ratios against deepcheck on the
    same cases (the tier the peers ran with)."""
    with_peers = [r for r in results if r.peers]
    if not with_peers:
        return {}
    tier = with_peers[0].tier
    mine = [r for r in with_peers if r.tier == tier]
    dc = _side_summary([(r.kind, r.caught, r.seconds) for r in mine if r.status == "ok"])
    out: dict[str, Any] = {"tier": tier, "cases": len(mine), "deepcheck": dc}
    names = sorted({p["peer"] for r in mine for p in r.peers})
    for name in names:
        rows = [
            (r.kind, bool(p["reported"]), float(p["seconds"]), str(p["status"]))
            for r in mine
            if r.status == "ok"
            for p in r.peers
            if p["peer"] == name
        ]
        s = _side_summary([(k, c, t) for k, c, t, _st in rows])
        s["statuses"] = {
            st: sum(1 for *_x, x in rows if x == st) for st in sorted({x for *_y, x in rows})
        }
        s["ratios_vs_deepcheck"] = {
            "detection": round(s["detection"] / dc["detection"], 3) if dc["detection"] else None,
            "false_positives": (
                round(s["false_positives"] / dc["false_positives"], 3)
                if dc["false_positives"]
                else None
            ),
            "seconds_median": (
                round(s["seconds_median"] / dc["seconds_median"], 3)
                if dc["seconds_median"]
                else None
            ),
        }
        out[name] = s
    return out


def _side_summary(rows: Sequence[tuple[str, bool, float]]) -> dict[str, Any]:
    bugs = [c for k, c, _t in rows if k == "bug"]
    refs = [c for k, c, _t in rows if k == "refactor"]
    fixes = [c for k, c, _t in rows if k == "fix"]
    secs = [t for _k, _c, t in rows]
    return {
        "bugs": len(bugs),
        "caught": sum(bugs),
        "detection": _rate(sum(bugs), len(bugs)),
        "refactors": len(refs),
        "false_positives": sum(refs),
        "fixes": len(fixes),
        "fixes_reported": sum(fixes),
        "seconds_median": round(percentile(secs, 50), 2),
        "seconds_p90": round(percentile(secs, 90), 2),
    }


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


def plot(results: Sequence[CaseResult], path: Path) -> Path:
    """Detection against CPU seconds per PR: per tier (share of bugs caught within x CPU
    seconds) and per generator (detection at each tier against that tier's mean CPU)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    tiers = list(dict.fromkeys(r.tier for r in results))
    for tier in tiers:
        bugs = [r for r in results if r.tier == tier and r.kind == "bug"]
        if not bugs:
            continue
        costs = sorted(r.cpu_s for r in bugs)
        xs = [0.0, *costs]
        ys = [0.0] + [
            100.0 * sum(1 for r in bugs if r.caught and r.cpu_s <= x) / len(bugs) for x in costs
        ]
        left.step(xs, ys, where="post", label=f"{tier} (n={len(bugs)})")
    left.set_xlabel("CPU seconds per PR")
    left.set_ylabel("bugs caught with a verified witness (%)")
    left.set_title("Detection within a CPU budget, per tier")
    left.set_ylim(0, 100)
    left.grid(alpha=0.3)
    left.legend(loc="lower right", fontsize=8)
    summary = summarize(results)
    operators = sorted({r.operator for r in results if r.kind == "bug"})
    for op in operators:
        pts = [
            (s["by_operator"][op]["cpu_s_mean"], 100.0 * s["by_operator"][op]["detection"])
            for t, s in summary.items()
            if op in s["by_operator"]
        ]
        if pts:
            pts.sort()
            right.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=op)
    for t, s in summary.items():
        if s["bugs"]:
            right.annotate(t, (s["cpu_s_mean"], 100.0 * s["detection"]), fontsize=8)
            right.scatter([s["cpu_s_mean"]], [100.0 * s["detection"]], color="black", zorder=3)
    right.set_xlabel("mean CPU seconds per PR")
    right.set_ylabel("detection (%)")
    right.set_title("Per generator (mutation operator), one point per tier; black: all")
    right.set_ylim(0, 100)
    right.grid(alpha=0.3)
    right.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_results(
    out_dir: Path,
    results: Sequence[CaseResult],
    *,
    config: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
) -> tuple[Path, Path]:
    """``bench.json`` (config, machine, summary, per-case results) and ``bench.png``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "version": 1,
        "config": dict(config),
        "machine": machine(),
        "summary": summarize(results),
        "peers": summarize_peers(results),
        "results": [asdict(r) for r in results],
        **(extra or {}),
    }
    js = out_dir / "bench.json"
    js.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    png = plot(results, out_dir / "bench.png")
    return js, png


# --- the cost sweep ---------------------------------------------------------------------------

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
    from bot.pipeline import CheckRequest, Deps, check
    from rules.loader import load_rules
    from sandbox.select import select_runner

    point = SweepPoint(tier, changed)
    started_cpu, started = _cpu(), time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="dc-sweep-") as tmp:
            repo = Path(tmp) / "repo"
            (repo / "ledger").mkdir(parents=True)
            base, head = sweep_sources(changed)
            (repo / "ledger" / "__init__.py").write_text("", encoding="utf-8")
            (repo / "ledger" / "fees.py").write_text(base, encoding="utf-8")
            _git(repo, "init", "-q", "-b", "main")
            _git(repo, "add", "-A")
            _git(repo, "commit", "-q", "-m", "base")
            (repo / "ledger" / "fees.py").write_text(head, encoding="utf-8")
            _git(repo, "commit", "-qam", f"Change {changed} late-fee functions")
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
    point.cpu_s = round(_cpu() - started_cpu, 3)
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


def plot_sweep(points: Sequence[SweepPoint], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for tier in dict.fromkeys(p.tier for p in points):
        ps = sorted((p for p in points if p.tier == tier and p.status == "ok"),
                    key=lambda p: p.changed)  # fmt: skip
        left.plot([p.changed for p in ps], [p.seconds for p in ps], marker="o", label=tier)
        right.plot([p.changed for p in ps], [p.analysed for p in ps], marker="o", label=tier)
    left.set_xlabel("functions changed in the PR")
    left.set_ylabel("seconds per PR")
    left.set_title("Cost against PR size")
    right.set_xlabel("functions changed in the PR")
    right.set_ylabel("functions analysed (the rest are listed as not analysed)")
    right.set_title("The tier's cap")
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
