"""``deepcheck bench``: the command-line face of :mod:`bot.benchmark` (rendering only).

Registered in ``bot.cli.main`` as ``app.command("bench")(cli_bench.bench)``.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.benchmark.corpus import CorpusError, load_corpus, select_cases
from bot.benchmark.output import write_results
from bot.benchmark.plot import plot_sweep
from bot.benchmark.runner import (
    DEFAULT_BUDGET_S,
    TIERS,
    CaseResult,
    RunOptions,
    machine,
    run_cases,
)
from bot.benchmark.summary import summarize, summarize_peers
from bot.benchmark.sweep import SWEEP_SIZES, run_sweep
from bot.cache import cache_dir

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

SANDBOXES = ("auto", "docker", "process")


def _fail(code: int, message: str) -> typer.Exit:
    err.print(f"deepcheck: {message}", markup=False, soft_wrap=True)
    return typer.Exit(code)


def _pct(x: float) -> str:
    return f"{100.0 * x:.0f}%"


def render_summary(summary: dict[str, Any], console: Console) -> None:
    """One table of headline figures (a column per tier) and one per generator."""
    tiers = list(summary)
    table = Table(title="deepcheck bench", show_lines=False)
    table.add_column("")
    for t in tiers:
        table.add_column(t, justify="right")

    def row(name: str, fmt: Any) -> None:
        table.add_row(name, *[fmt(summary[t]) for t in tiers])

    row("bugs caught (verified witness)",
        lambda s: f"{s['caught']}/{s['bugs']} ({_pct(s['detection'])})")  # fmt: skip
    row("false positives on refactors",
        lambda s: f"{s['false_positives']}/{s['refactors']} "
                  f"({_pct(s['false_positive_rate'])})")  # fmt: skip
    row("fixes: defect / behavior-change / none",
        lambda s: "{defect} / {behavior-change} / {none}".format(**s["fix_labels"]))  # fmt: skip
    row("seconds per PR: median / p90", lambda s: f"{s['seconds_median']} / {s['seconds_p90']}")
    row("CPU seconds per PR: mean (in sandboxes)",
        lambda s: f"{s['cpu_s_mean']} ({s.get('sandbox_cpu_s_mean', 0.0)})")  # fmt: skip
    row("changed functions left unchecked",
        lambda s: f"{s.get('functions_unchecked', 0)}/{s.get('functions_analysed', 0)} "
                  f"({_pct(s.get('unchecked_share', 0.0))})")  # fmt: skip
    row("sandbox runs per PR", lambda s: f"{s['sandbox_runs_mean']}")
    row("examples per PR", lambda s: f"{s['examples_mean']}")
    row("timeouts / errors", lambda s: f"{s['timeouts']} / {s['errors']}")
    console.print(table)
    ops = sorted({op for s in summary.values() for op in s["by_operator"]})
    if ops:
        per = Table(title="bugs caught per generator (mutation operator)")
        per.add_column("operator")
        for t in tiers:
            per.add_column(t, justify="right")
        for op in ops:
            cells = []
            for t in tiers:
                o = summary[t]["by_operator"].get(op)
                cells.append(f"{o['caught']}/{o['bugs']}" if o else "-")
            per.add_row(op, *cells)
        console.print(per)


def render_peers(peers: dict[str, Any], console: Console) -> None:
    """Peers side by side with deepcheck on the same cases, and as ratios against it."""
    if not peers:
        return
    table = Table(title=f"peers on {peers['cases']} cases (deepcheck tier {peers['tier']})")
    for col in ("tool", "bugs reported", "false positives", "fixes reported", "s median / p90",
                "detection ×", "false positives ×", "time ×"):  # fmt: skip
        table.add_column(col, justify="right" if col != "tool" else "left")

    def ratio(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    for name in ("deepcheck", *[k for k in peers if k not in ("tier", "cases", "deepcheck")]):
        s = peers[name]
        r = s.get("ratios_vs_deepcheck", {"detection": 1.0, "false_positives": 1.0,
                                          "seconds_median": 1.0})  # fmt: skip
        table.add_row(
            name,
            f"{s['caught']}/{s['bugs']} ({_pct(s['detection'])})",
            f"{s['false_positives']}/{s['refactors']}",
            f"{s['fixes_reported']}/{s['fixes']}",
            f"{s['seconds_median']} / {s['seconds_p90']}",
            ratio(r["detection"]),
            ratio(r["false_positives"]),
            ratio(r["seconds_median"]),
        )
    console.print(table)


def bench(
    corpus: Annotated[
        Path, typer.Option(help="Corpus directory (manifest.json, sources/).")
    ] = Path("bench/corpus"),
    tiers: Annotated[str, typer.Option(help="Comma-separated: quick,standard,deep,auto.")] = (
        "standard"
    ),
    jobs: Annotated[int, typer.Option(help="Cases checked at once (child processes).")] = 1,
    output: Annotated[Path, typer.Option(help="Directory for bench.json and bench.png.")] = Path(
        "bench/out/latest"
    ),
    sandbox: Annotated[str, typer.Option(help="auto | docker | process")] = "auto",
    limit: Annotated[
        int | None, typer.Option(help="A stratified subset of this many cases.")
    ] = None,
    budget: Annotated[
        float | None, typer.Option(help="Wall-clock seconds per case (default: per tier).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for the subset and the checks.")] = 0,
    peers: Annotated[
        bool, typer.Option(help="Also run hypothesis --equivalent and crosshair diffbehavior.")
    ] = False,
    sweep: Annotated[
        bool,
        typer.Option(help="Instead of the corpus: cost of PRs changing 1, 5, 20, 50 functions."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Accuracy against compute on the labelled corpus: a table per tier, JSON and a PNG."""
    chosen = [t.strip() for t in tiers.split(",") if t.strip()]
    bad = [t for t in chosen if t not in TIERS]
    if not chosen or bad:
        raise _fail(2, f"--tiers must name tiers among {', '.join(TIERS)} (got {tiers!r})")
    if sandbox not in SANDBOXES:
        raise _fail(2, f"--sandbox must be one of {', '.join(SANDBOXES)} (got {sandbox!r})")
    if jobs < 1:
        raise _fail(2, "--jobs must be at least 1")
    if sweep:
        _sweep(chosen, sandbox, output, budget, quiet)
        return
    try:
        cases = select_cases(load_corpus(corpus), limit, seed=seed)
    except CorpusError as exc:
        raise _fail(2, str(exc)) from exc
    if not cases:
        raise _fail(2, f"no cases in {corpus}")
    budgets = {t: budget if budget is not None else DEFAULT_BUDGET_S[t] for t in chosen}
    # Peers get the same wall-clock budget per case as deepcheck's first tier.
    peer_budget = budgets[chosen[0]] if peers else None
    opts = RunOptions(corpus=corpus, out_dir=output, sandbox=sandbox, jobs=jobs, seed=seed,
                      cache_dir=cache_dir() / "bench", budget_s=budgets,
                      peer_budget_s=peer_budget)  # fmt: skip
    started = time.monotonic()
    total = len(cases) * len(chosen)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
    ) as progress:
        task = progress.add_task("checking", total=total)
        caught = {"n": 0}

        def advance(res: CaseResult) -> None:
            caught["n"] += int(res.caught and res.kind == "bug")
            progress.update(task, advance=1, description=f"{res.tier} {res.id}: {res.status}")

        results = run_cases(cases, chosen, opts, advance)
    config = {
        "corpus": str(corpus), "tiers": chosen, "jobs": jobs, "sandbox": sandbox,
        "limit": limit, "cases": len(cases), "seed": seed, "budget_s": budgets,
        "wall_seconds": round(time.monotonic() - started, 1), "peers": peers,
    }  # fmt: skip
    js, png = write_results(output, results, config=config)
    render_summary(summarize(results), out)
    if peers:
        render_peers(summarize_peers(results), out)
    out.print(f"wrote {js} and {png}")


def _sweep(tiers: list[str], sandbox: str, output: Path, budget: float | None, quiet: bool) -> None:
    budgets = {t: budget if budget is not None else DEFAULT_BUDGET_S[t] for t in tiers}
    opts = RunOptions(corpus=Path("."), out_dir=output, sandbox=sandbox,
                      cache_dir=cache_dir() / "bench", budget_s=budgets)  # fmt: skip
    with Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), console=err, disable=quiet,
    ) as progress:  # fmt: skip
        task = progress.add_task("sweep", total=len(tiers) * len(SWEEP_SIZES))
        points = run_sweep(
            tiers, opts, advance=lambda p: progress.update(
                task, advance=1, description=f"{p.tier} {p.changed} functions: {p.status}")
        )  # fmt: skip
    table = Table(title="cost against PR size")
    for col in ("tier", "changed", "analysed", "not analysed", "findings", "seconds",
                "CPU s", "sandbox runs", "examples", "status"):  # fmt: skip
        table.add_column(col, justify="left" if col in ("tier", "status") else "right")
    for p in points:
        table.add_row(p.tier, str(p.changed), str(p.analysed), str(len(p.not_analysed)),
                      str(p.findings), f"{p.seconds:.1f}", f"{p.cpu_s:.1f}",
                      str(p.sandbox_runs), str(p.examples), p.status)  # fmt: skip
    out.print(table)
    output.mkdir(parents=True, exist_ok=True)
    js = output / "sweep.json"
    payload = {"machine": machine(), "points": [asdict(p) for p in points]}
    js.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    png = plot_sweep(points, output / "sweep.png")
    out.print(f"wrote {js} and {png}")
