"""Fixed-N versus adaptive sampling for generator ``llm`` and the judge (not a timed test).

    .venv/bin/python bench/llm_adaptive.py [--tier standard] [--out bench/out]

A small corpus of changes is built as git repositories in a temporary directory; the model is
the scripted fake Messages API (tests/fakes/anthropic_api.py) driven through the real SDK; every
proposed test runs in the real process sandbox. Both modes see the same scripted model:

- fixed-N: every function gets the tier's cap of proposal samples, every verified behavior
  change the cap of judge samples;
- adaptive: the generator's policy (one sample first, a verified witness stops, the next
  untried angle for a function without evidence; see bot/llm/propose.py); judges stop when
  unanimous. (``bench/llm_cost.py`` is the fuller measurement: tokens, cache, dollars.)

The corpus has a clear boundary bug, a split case (only some angles find a lost cent), a
refactor without behavior change, an intended change the PR announces, and a test that needs a
refinement round. Adaptive must reach the same findings with fewer calls; the script prints
both side by side and the ratio, and writes JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine.candidates import GenerationContext  # noqa: E402
from bot.engine.change.reading import Analysis, analyse  # noqa: E402
from bot.engine.plan import BUDGETS  # noqa: E402
from bot.engine.rulebook import load_rules  # noqa: E402
from bot.git import GitRepo  # noqa: E402
from bot.llm.client import AnthropicSampler, Ledger, LLMSession, LLMSettings  # noqa: E402
from bot.llm.judge import judge_change  # noqa: E402
from bot.llm.propose import LLM_BUDGETS, LLMGenerator  # noqa: E402
from bot.models import (  # noqa: E402
    Finding,
    PRContext,
    Witness,
)
from sandbox.process_runner import ProcessRunner  # noqa: E402
from sandbox.results import CandidateResult  # noqa: E402
from sandbox.spec import SandboxSpec  # noqa: E402
from sandbox.workspace import Candidate, Workspace  # noqa: E402
from tests.fakes.anthropic_api import (  # noqa: E402
    FakeAnthropicAPI,
    ScriptedModel,
    checks_reply,
    prediction_reply,
    verdict_reply,
)
from tests.fakes.gitrepos import make_repo  # noqa: E402


def _t(imports: str, name: str, body: str) -> str:
    return f"{imports}\n\n\ndef {name}():\n{body}"


FEES = """GRACE_DAYS = 5


def late_fee_cents(days_late: int) -> int:
    \"\"\"No fee within the grace period (GRACE_DAYS days included).\"\"\"
    if days_late <= GRACE_DAYS:
        return 0
    return 1000 + 150 * (days_late - GRACE_DAYS)
"""
SPLIT = """from decimal import ROUND_DOWN, Decimal


def split_amount(amount: Decimal, parts: int) -> list[Decimal]:
    \"\"\"Split amount into parts that add up to amount.\"\"\"
    share = (amount / parts).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    shares = [share] * parts
    remainder = amount - share * parts
    i = 0
    while remainder > 0:
        shares[i] += Decimal("0.01")
        remainder -= Decimal("0.01")
        i += 1
    return shares
"""
SLUG = """def slugify(title: str) -> str:
    \"\"\"Lower-case words joined by dashes.\"\"\"
    words = title.lower().split()
    return "-".join(words)
"""
GREET = """def greeting(name: str) -> str:
    return "Hello, " + name
"""
ROUND = """from decimal import ROUND_HALF_EVEN, Decimal


def to_cents(amount: Decimal) -> Decimal:
    \"\"\"Round to cents, half to even (banker's rounding).\"\"\"
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
"""


@dataclass(frozen=True)
class Case:
    name: str
    base: dict[str, str]
    head: dict[str, str]
    title: str
    description: str
    model: dict[str, Any]  # ScriptedModel keyword arguments


def corpus() -> list[Case]:
    fees_good = _t(
        "from fees import late_fee_cents",
        "test_last_grace_day",
        "    assert late_fee_cents(5) == 0\n",
    )
    fees_bogus = _t(
        "from fees import late_fee_cents", "test_ten", "    assert late_fee_cents(10) == 1750\n"
    )
    split_good = _t(
        "from decimal import Decimal\n\nfrom billing import split_amount",
        "test_total",
        '    assert sum(split_amount(Decimal("10.00"), 3)) == Decimal("10.00")\n',
    )
    split_bogus = _t(
        "from decimal import Decimal\n\nfrom billing import split_amount",
        "test_even",
        '    assert split_amount(Decimal("9.00"), 3) == [Decimal("3.00")] * 3\n',
    )
    slug_bogus = _t("from text import slugify", "test_slug", '    assert slugify("A b") == "a-b"\n')
    greet_good = _t(
        "from hello import greeting",
        "test_greeting",
        '    assert greeting("Ann") == "Hello, Ann"\n',
    )
    round_broken = _t(
        "from decimal import Decimal\n\nfrom money import cents",
        "test_half_even",
        '    assert cents(Decimal("0.125")) == Decimal("0.12")\n',
    )
    round_good = _t(
        "from decimal import Decimal\n\nfrom money import to_cents",
        "test_half_even",
        '    assert to_cents(Decimal("0.125")) == Decimal("0.12")\n',
    )

    def c(fn: str, claim: str, test: str) -> tuple[str, str, str]:
        return (fn, claim, test)

    return [
        Case(
            "boundary",
            {"fees.py": FEES},
            {"fees.py": FEES.replace("days_late <= GRACE_DAYS", "days_late < GRACE_DAYS")},
            "Simplify late fees",
            "",
            {
                "proposals": {
                    "late_fee_cents": [
                        checks_reply(c("late_fee_cents", "day 5 costs a fee", fees_good)),
                        checks_reply(
                            c("late_fee_cents", "day 5 costs a fee", fees_good),
                            c("late_fee_cents", "10 days", fees_bogus),
                        ),
                    ]
                },
                "verdicts": {"late_fee_cents": [verdict_reply("bug")]},
            },
        ),
        Case(
            "lost-cent (split samples)",
            {"billing.py": SPLIT},
            {
                "billing.py": SPLIT.replace(
                    "    while remainder > 0:\n"
                    '        shares[i] += Decimal("0.01")\n'
                    '        remainder -= Decimal("0.01")\n'
                    "        i += 1\n",
                    "",
                )
            },
            "Faster split",
            "",
            {
                "proposals": {
                    "split_amount": [
                        checks_reply(c("split_amount", "a cent is lost", split_good)),
                        checks_reply(c("split_amount", "even split", split_bogus)),
                        checks_reply(c("split_amount", "a cent is lost", split_good)),
                    ]
                },
                "verdicts": {"split_amount": [verdict_reply("bug"), verdict_reply("bug")]},
            },
        ),
        Case(
            "refactor (no change)",
            {"text.py": SLUG},
            {
                "text.py": SLUG.replace(
                    '    words = title.lower().split()\n    return "-".join(words)\n',
                    '    return "-".join(title.lower().split())\n',
                )
            },
            "Inline a variable",
            "",
            {"proposals": {"slugify": [checks_reply(c("slugify", "dashes", slug_bogus))]}},
        ),
        Case(
            "intended change",
            {"hello.py": GREET},
            {"hello.py": GREET.replace('"Hello, " + name', '"Hi, " + name')},
            "Friendlier greeting",
            "Greetings now say 'Hi, <name>' instead of 'Hello, <name>'.",
            {
                "proposals": {"greeting": [checks_reply(c("greeting", "wording", greet_good))]},
                "verdicts": {"greeting": [verdict_reply("intended", "the PR says so")]},
                # Read from the PR's text before the results: "Hi, <name>" for greeting('Ann').
                "predictions": {"greeting": [prediction_reply("'Hi, Ann'", True)]},
            },
        ),
        Case(
            "needs a refinement round",
            {"money.py": ROUND},
            {"money.py": ROUND.replace("ROUND_HALF_EVEN)", "ROUND_HALF_UP)")},
            "Rounding tweak",
            "",
            {
                "proposals": {
                    "to_cents": [checks_reply(c("to_cents", "half-even broken", round_broken))]
                },
                "refinements": {
                    "to_cents": [checks_reply(c("to_cents", "half-even broken", round_good))]
                },
                "verdicts": {"to_cents": [verdict_reply("bug")]},
            },
        ),
    ]


@dataclass
class Built:
    case: Case
    analysis: Analysis
    ctx: GenerationContext


def build(case: Case, root: Path, tier: str) -> Built:
    repo = GitRepo(make_repo(root, case.base, case.head, title=case.title, body=case.description))
    analysis = analyse(repo, repo.resolve("main~1"), repo.resolve("main"), root / ".cache")
    ctx = GenerationContext(
        head_tree=analysis.head_tree,
        base_tree=analysis.base_tree,
        head_files=analysis.head_files,
        base_files=analysis.base_files,
        rules=load_rules(),
        seed=0,
        tier=tier,
        budget=BUDGETS[tier],
        head_sources=analysis.head_sources,
        modules=analysis.modules,
    )
    return Built(case, analysis, ctx)


class Sandbox:
    """The process sandbox, with a count of starts and candidates."""

    def __init__(self, built: Built) -> None:
        self.built = built
        self.starts = 0
        self.candidates = 0

    def __call__(self, cands: Sequence[Candidate]) -> Mapping[str, CandidateResult]:
        self.starts += 1
        self.candidates += len(cands)
        a = self.built.analysis
        ws = Workspace(a.head_tree, a.base_tree, tuple(cands), a.import_roots)
        result = ProcessRunner().run(ws, SandboxSpec(seed=0))
        if not result.ok:
            raise SystemExit(f"sandbox failed: {result.infrastructure_error}")
        return result.candidates


def run_mode(built: list[Built], tier: str, adaptive: bool) -> dict[str, Any]:
    budget = LLM_BUDGETS[tier]
    totals = {"calls": 0, "tokens": 0, "cost_usd": 0.0, "sandbox_starts": 0, "candidates": 0}
    findings: list[str] = []
    per_case = []
    started = time.monotonic()
    for b in built:
        model = ScriptedModel(**b.case.model)
        with FakeAnthropicAPI(model) as api:
            settings = LLMSettings(api_key="bench-key", base_url=api.url, model="claude-sonnet-4-6")
            llm = LLMSession(settings, AnthropicSampler(settings, Ledger(settings)))
            sandbox = Sandbox(b)
            pr = PRContext(b.case.title, b.case.description)
            gen = LLMGenerator(llm, adaptive=adaptive)
            evidence = gen.explore(b.analysis.analysed, b.ctx, sandbox, pr)
            outcome = []
            for ev in evidence:
                if ev.status != "difference" or ev.witness is None:
                    outcome.append(f"{ev.function.function}: {ev.status}")
                    continue
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
                start = budget.judge_start if adaptive else budget.judge_max
                j = judge_change(
                    finding, ev.function, pr, llm.sampler, start=start, cap=budget.judge_max
                )
                kind = {"bug": "defect", "intended": "note (intended)"}.get(
                    j.verdict, "behavior-change"
                )
                outcome.append(f"{ev.function.function}: {kind}")
            ledger = llm.ledger
            totals["calls"] += ledger.calls
            totals["tokens"] += ledger.tokens
            totals["cost_usd"] += ledger.cost_usd
            totals["sandbox_starts"] += sandbox.starts
            totals["candidates"] += sandbox.candidates
            findings.extend(outcome)
            per_case.append({"case": b.case.name, "calls": ledger.calls, "outcome": outcome})
    totals["cost_usd"] = round(float(totals["cost_usd"]), 4)
    totals["seconds"] = round(time.monotonic() - started, 1)
    return {"totals": totals, "findings": sorted(findings), "cases": per_case}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="standard", choices=sorted(LLM_BUDGETS))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="deepcheck-llm-bench-") as tmp:
        built = [build(c, Path(tmp) / f"case{i}", args.tier) for i, c in enumerate(corpus())]
        fixed = run_mode(built, args.tier, adaptive=False)
        adaptive = run_mode(built, args.tier, adaptive=True)
    same = fixed["findings"] == adaptive["findings"]
    ratio = adaptive["totals"]["calls"] / max(1, fixed["totals"]["calls"])
    print(f"tier {args.tier}; {len(built)} changes; scripted model through the real SDK\n")
    print(f"{'case':28} {'fixed calls':>11} {'adaptive calls':>15}  outcome")
    for f_case, a_case in zip(fixed["cases"], adaptive["cases"], strict=True):
        outcome = "; ".join(a_case["outcome"])
        print(f"{f_case['case']:28} {f_case['calls']:>11} {a_case['calls']:>15}  {outcome}")
    print()
    for key in ("calls", "tokens", "cost_usd", "sandbox_starts", "candidates", "seconds"):
        print(f"{key:28} {fixed['totals'][key]:>11} {adaptive['totals'][key]:>15}")
    print(f"\nsame findings: {same}; adaptive/fixed calls = {ratio:.2f}")
    args.out.mkdir(parents=True, exist_ok=True)
    doc = {"tier": args.tier, "same_findings": same, "calls_ratio": round(ratio, 3),
           "fixed": fixed, "adaptive": adaptive}  # fmt: skip
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"llm_adaptive-{stamp}.json", "llm_adaptive-latest.json"):
        (args.out / name).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return 0 if same and ratio < 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
