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
gets N proposal samples and every verified behaviour change N judge samples; adaptive is the
generator's policy (stop at a verified witness, more samples only on a split or for a risky
function that found nothing, refuted tests refined once with the observed values). Prints a
Markdown table; ``--results`` appends it to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
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

from bot.llm.client import AnthropicSampler, Ledger, LLMSession, LLMSettings  # noqa: E402
from bot.llm.judge import judge_change  # noqa: E402
from bot.llm.propose import LLM_BUDGETS, LLMBudget, LLMGenerator  # noqa: E402
from bot.models import Finding, PRContext, Witness  # noqa: E402
from tests.fakes.anthropic_api import FakeAnthropicAPI, ScriptedModel  # noqa: E402

POLICIES = ("N=1", "N=2", "N=4", "N=8", "adaptive")


def _budget(policy: str, tier: str) -> tuple[LLMBudget, bool]:
    base = LLM_BUDGETS[tier]
    if policy == "adaptive":
        return base, True
    n = int(policy.split("=")[1])
    return replace(base, start=n, max_samples=n, step=n, judge_start=n, judge_max=n), False


def run_case(b: Built, policy: str, tier: str, cache_min: int) -> dict[str, Any]:
    budget, adaptive = _budget(policy, tier)
    with FakeAnthropicAPI(ScriptedModel(**b.case.model), cache_min_tokens=cache_min) as api:
        settings = LLMSettings(api_key="bench-key", base_url=api.url, model="claude-sonnet-4-6")
        llm = LLMSession(settings, AnthropicSampler(settings, Ledger(settings)))
        try:
            sandbox = Sandbox(b)
            pr = PRContext(b.case.title, b.case.description)
            gen = LLMGenerator(llm, adaptive=adaptive, budgets={tier: budget})
            evidence = gen.explore(b.analysis.analysed, b.ctx, sandbox, pr)
            verified, defects = 0, 0
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
                j = judge_change(
                    finding,
                    ev.function,
                    pr,
                    llm.sampler,
                    start=budget.judge_start,
                    cap=budget.judge_max,
                )
                defects += j.verdict == "bug"
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
        "sandbox_starts": sandbox.starts,
    }


def table(rows: dict[str, dict[str, dict[str, Any]]], cases: list[str]) -> str:
    keys = ("calls", "input", "output", "cache_write", "cache_read", "usd", "verified", "defects")
    out = [
        "| policy | calls/PR | input/PR | output/PR | cache write/PR | cache read/PR | $/PR "
        "| verified (of 5 PRs) | defects after judging | sandbox starts |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    n = len(cases)
    for policy, per_case in rows.items():
        tot = {k: sum(per_case[c][k] for c in cases) for k in (*keys, "sandbox_starts")}
        out.append(
            f"| {policy} | {tot['calls'] / n:.1f} | {tot['input'] / n:,.0f} "
            f"| {tot['output'] / n:,.0f} | {tot['cache_write'] / n:,.0f} "
            f"| {tot['cache_read'] / n:,.0f} | {tot['usd'] / n:.4f} | {tot['verified']} "
            f"| {tot['defects']} | {tot['sandbox_starts']} |"
        )
    out += ["", "| case | " + " | ".join(rows) + " |", "|---|" + "---:|" * len(rows)]
    for c in cases:
        cells = [
            f"{rows[p][c]['calls']} calls, ${rows[p][c]['usd']:.4f}, {rows[p][c]['verified']} v"
            for p in rows
        ]
        out.append(f"| {c} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tier", default="standard", choices=sorted(LLM_BUDGETS))
    parser.add_argument("--cache-min-tokens", type=int, default=1024)
    parser.add_argument("--results", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args(argv)
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
    head = (
        f"tier {args.tier}; {len(cases)} PRs; SCRIPTED replies (not a live model); "
        f"cache minimum {args.cache_min_tokens} tokens; {time.monotonic() - started:.0f} s"
    )
    print(head + "\n\n" + text)
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
