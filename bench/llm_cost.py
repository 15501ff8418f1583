"""What the model costs per PR: fixed N in {1, 2, 4, 8} versus the adaptive policy.

    .venv/bin/python bench/llm_cost.py [--tier standard] [--cache-min-tokens 1024]

The replies are SCRIPTED (``tests/fakes/anthropic_api.py``: a ``ScriptedModel`` through the
real SDK against the fake Messages API), not a live model: the calls, the proposed tests and the
verdicts are the script's, the input tokens are measured from the requests (4 characters a
token), the output tokens are the script's (200 per proposal, 60 per verdict), and the cache
figures follow the API's rules (the first request with a prefix of at least
``--cache-min-tokens`` tokens writes it, later identical prefixes read it). Every proposed test
runs in the real process sandbox. Dollars at the configured model's price (claude-sonnet-4-6:
$3 / $15 per million input / output tokens; cache writes 1.25x, reads 0.1x the input price).

The cases are ``bench/llm_adaptive.py``'s five (a boundary bug, a lost cent only some angles
find, a refactor, an intended change, a test that needs refinement). For fixed N every function
gets N proposal samples and every verified behaviour change N intent predictions and N judge
samples; adaptive is the generator's policy (one sample first, stop at a verified witness, the
next untried angle for a function without evidence until two samples said nothing, or every
angle for a risky one, from the budget verified functions freed; refuted tests refined once with
the observed values) and the judge's (predict, then 2 judges, more only on a split). Prints a
Markdown table and the adaptive/N=8 dollar ratio; ``--results`` appends it to bench/RESULTS.md
and draws ``bench/results/llm_cost.png``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from llm_adaptive import Built, Sandbox, build, corpus  # noqa: E402

from bot.llm.budget import CACHE_READ, CACHE_WRITE, price_for  # noqa: E402
from bot.llm.client import AnthropicSampler, Ledger, LLMSession, LLMSettings  # noqa: E402
from bot.llm.judge import judge_grounded  # noqa: E402
from bot.llm.propose import LLM_BUDGETS, LLMBudget, LLMGenerator  # noqa: E402
from bot.models import Finding, PRContext, Witness  # noqa: E402
from tests.fakes.anthropic_api import FakeAnthropicAPI, ScriptedModel  # noqa: E402

POLICIES = ("N=1", "N=2", "N=4", "N=8", "adaptive", "N=8 uncached")


def _budget(policy: str, tier: str) -> tuple[LLMBudget, bool]:
    base = LLM_BUDGETS[tier]
    if policy == "adaptive":
        return base, True
    n = int(policy.split("=")[1].split()[0])
    return replace(base, start=n, max_samples=n, step=n, judge_start=n, judge_max=n), False


def run_case(b: Built, policy: str, tier: str, cache_min: int) -> dict[str, Any]:
    budget, adaptive = _budget(policy, tier)
    if policy.endswith("uncached"):  # the same requests, as if nothing were cached
        cache_min = 10**9
    with FakeAnthropicAPI(ScriptedModel(**b.case.model), cache_min_tokens=cache_min) as api:
        settings = LLMSettings(api_key="bench-key", base_url=api.url, model="claude-sonnet-4-6")
        llm = LLMSession(settings, AnthropicSampler(settings, Ledger(settings)))
        try:
            sandbox = Sandbox(b)
            pr = PRContext(b.case.title, b.case.description)
            gen = LLMGenerator(llm, adaptive=adaptive, budgets={tier: budget})
            evidence = gen.explore(b.analysis.analysed, b.ctx, sandbox, pr)
            verified, defects, intended, found = 0, 0, 0, []
            for ev in evidence:
                if ev.status != "difference" or ev.witness is None:
                    continue
                verified += 1
                w = ev.witness
                finding = Finding(
                    id="bench",
                    kind="behavior-change",
                    severity="low",
                    verified=True,
                    path=ev.function.path,
                    line=ev.function.start_line,
                    function=ev.function.function,
                    title="",
                    message="",
                    witness=Witness(
                        str(w["call"]), str(w["base"]), str(w["head"]), ev.test_source or ""
                    ),
                )
                found.append(f"{ev.function.function}: {w['call']} {w['base']} -> {w['head']}")
                # Predict, then run (bot.llm.judge.apply_judgments): fixed N draws N blind
                # predictions up front, adaptive one (more only if the judges lean intended).
                j, _pred = judge_grounded(
                    finding,
                    ev.function,
                    pr,
                    llm.sampler,
                    start=budget.judge_start,
                    cap=budget.judge_max,
                    predictions=None if adaptive else budget.judge_start,
                )
                defects += j.verdict == "bug"
                intended += j.verdict == "intended"
        finally:
            llm.close()
    led = llm.ledger
    return {
        "calls": led.calls,
        "input": led.input_tokens,
        "output": led.output_tokens,
        "cache_write": led.cache_write_tokens,
        "cache_read": led.cache_read_tokens,
        "usd": led.cost_usd,
        "verified": verified,
        "defects": defects,
        "intended": intended,
        "found": sorted(found),
        "sandbox_starts": sandbox.starts,
    }


def table(rows: dict[str, dict[str, dict[str, Any]]], cases: list[str]) -> str:
    keys = ("calls", "input", "output", "cache_write", "cache_read", "usd", "verified")
    out = [
        "| policy | calls/PR | input/PR | output/PR | cache write/PR | cache read/PR | $/PR "
        "| $ vs N=8 | verified findings/PR | same findings as N=8 | defects | intended "
        "| sandbox starts |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    n = len(cases)
    eight = sum(rows["N=8"][c]["usd"] for c in cases)
    for policy, per_case in rows.items():
        tot = {k: sum(per_case[c][k] for c in cases) for k in (*keys, "defects", "intended")}
        starts = sum(per_case[c]["sandbox_starts"] for c in cases)
        same = sum(per_case[c]["found"] == rows["N=8"][c]["found"] for c in cases)
        out.append(
            f"| {policy} | {tot['calls'] / n:.1f} | {tot['input'] / n:,.0f} "
            f"| {tot['output'] / n:,.0f} | {tot['cache_write'] / n:,.0f} "
            f"| {tot['cache_read'] / n:,.0f} | {tot['usd'] / n:.4f} "
            f"| {100 * tot['usd'] / eight:.0f} % | {tot['verified'] / n:.1f} | {same}/{n} PRs "
            f"| {tot['defects']} | {tot['intended']} | {starts} |"
        )
    out += ["", "| case | " + " | ".join(rows) + " |", "|---|" + "---:|" * len(rows)]
    for c in cases:
        cells = [
            f"{rows[p][c]['calls']} calls, ${rows[p][c]['usd']:.4f}, {rows[p][c]['verified']} v"
            for p in rows
        ]
        out.append(f"| {c} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def ratio(rows: dict[str, dict[str, dict[str, Any]]], cases: list[str], of: str = "N=8") -> float:
    """Adaptive dollars over N=8 dollars (or ``of``'s), all PRs together."""
    eight = sum(rows[of][c]["usd"] for c in cases)
    return sum(rows["adaptive"][c]["usd"] for c in cases) / eight if eight else float("nan")


def plot(rows: dict[str, dict[str, dict[str, Any]]], cases: list[str], path: Path) -> Path:
    """Dollars per PR by what they pay for (stacked), with the verified findings per PR and the
    share of N=8 on top; calls per PR beside."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    price = price_for("claude-sonnet-4-6")
    parts = (
        ("input (uncached)", "input", price.input),
        ("output", "output", price.output),
        ("cache writes (1.25x)", "cache_write", price.input * CACHE_WRITE),
        ("cache reads (0.1x)", "cache_read", price.input * CACHE_READ),
    )
    n = len(cases)
    names = list(rows)
    eight = sum(rows["N=8"][c]["usd"] for c in cases) / n
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    bottom = [0.0] * len(names)
    for label, key, per_million in parts:
        vals = [sum(rows[p][c][key] for c in cases) / n * per_million / 1e6 for p in names]
        left.bar(names, vals, bottom=bottom, label=label)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    for x, p in enumerate(names):
        usd = sum(rows[p][c]["usd"] for c in cases) / n
        found = sum(rows[p][c]["verified"] for c in cases)
        left.annotate(
            f"{100 * usd / eight:.0f} %\n{found} found",
            (x, usd),
            textcoords="offset points",
            xytext=(0, 4),
            ha="center",
            fontsize=8,
        )
    left.set_ylabel("dollars per PR (claude-sonnet-4-6 prices)")
    left.set_title("Dollars per PR, % of N=8, verified findings (scripted replies)")
    left.set_ylim(0, max(bottom) * 1.25)
    left.legend(fontsize=8, loc="upper left")
    left.tick_params(axis="x", labelrotation=20)
    calls = [sum(rows[p][c]["calls"] for c in cases) / n for p in names]
    colors = ["tab:orange" if p == "adaptive" else "tab:blue" for p in names]
    right.bar(names, calls, color=colors)
    right.set_ylabel("model calls per PR")
    right.set_title("Calls per PR (proposals, refinements, predictions, judges)")
    right.tick_params(axis="x", labelrotation=20)
    right.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tier", default="standard", choices=sorted(LLM_BUDGETS))
    parser.add_argument("--cache-min-tokens", type=int, default=1024)
    parser.add_argument("--results", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument(
        "--plot-only", action="store_true", help="redraw the plot from bench/results/llm_cost.json"
    )
    args = parser.parse_args(argv)
    if args.plot_only:
        saved = json.loads((ROOT / "bench/results/llm_cost.json").read_text(encoding="utf-8"))
        print(plot(saved["rows"], saved["cases"], ROOT / "bench/results/llm_cost.png"))
        return 0
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="deepcheck-llm-cost-") as tmp:
        built = [build(c, Path(tmp) / f"case{i}", args.tier) for i, c in enumerate(corpus())]
        cases = [b.case.name for b in built]
        for policy in POLICIES:
            rows[policy] = {
                b.case.name: run_case(b, policy, args.tier, args.cache_min_tokens) for b in built
            }
    text = table(rows, cases)
    text += (
        f"\n\nAdaptive (with caching) / N=8 (with caching) dollars: "
        f"{100 * ratio(rows, cases):.1f} %; / N=8 without caching: "
        f"{100 * ratio(rows, cases, 'N=8 uncached'):.1f} %."
    )
    head = (
        f"tier {args.tier}; {len(cases)} PRs; SCRIPTED replies (not a live model); "
        f"cache minimum {args.cache_min_tokens} tokens; {time.monotonic() - started:.0f} s"
    )
    print(head + "\n\n" + text)
    if args.results:
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "llm_cost.json").write_text(
            json.dumps({"cases": cases, "rows": rows}, indent=1) + "\n", encoding="utf-8"
        )
        plot(rows, cases, out / "llm_cost.png")
    if args.results:
        path = ROOT / "bench" / "RESULTS.md"
        section = (
            f"\n## LLM cost per PR: fixed N versus adaptive (scripted replies, not a live model)"
            f"\n\n`.venv/bin/python bench/llm_cost.py --cache-min-tokens {args.cache_min_tokens}`"
            f", {time.strftime('%Y-%m-%d')}. {head}. The model is a script through the real SDK "
            "against the fake Messages API: which tests are proposed and which verdicts given "
            "is the script's, so the findings column measures the pipeline (verification, "
            "stopping), not a model's skill; tokens are measured from the real prompts "
            "(4 characters a token), output tokens are the script's; dollars at "
            "claude-sonnet-4-6 prices with cache writes at 1.25x and reads at 0.1x input.\n\n"
            + text
            + "\n"
        )
        with path.open("a", encoding="utf-8") as fh:
            fh.write(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
