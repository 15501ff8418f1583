"""Tier budgets, the starting tier, escalation and function selection."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from bot.engine.plan import (
    BUDGETS,
    REQUESTABLE_TIERS,
    TIER_ORDER,
    Budget,
    EscalationEvidence,
    budget_for,
    initial_tier,
    next_tier,
    risk_score,
    select_functions,
)
from bot.engine.repo_config import load_repo_config
from bot.models import ChangedFunction, Param
from rules import RuleSet, load_rules


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def fn(
    name: str, source: str = "", *, path: str = "app/util.py", params: tuple[Param, ...] = ()
) -> ChangedFunction:
    text = textwrap.dedent(source) or f"def {name}():\n    return None\n"
    return ChangedFunction(
        path, name, 1, text.count("\n"), "modified", params=params, head_source=text
    )


PLAIN = fn("parse_header", "def parse_header(line: str) -> str:\n    return line.strip()\n")
DATES = fn(
    "next_run",
    """\
    def next_run(start: date, every: int) -> date:
        return start + timedelta(days=every)
    """,
)
MONEY = fn(
    "compound",
    """\
    def compound(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
        balance = principal
        for _ in range(periods):
            balance += balance * rate
        return balance.quantize(CENT, rounding=ROUND_HALF_EVEN)
    """,
    path="ledger/interest.py",
    params=(Param("principal", "Decimal"),),
)
FLOATY = fn(
    "pay",
    "def pay(amount: float) -> float:\n    return amount\n",
    params=(Param("amount", "float"),),
)


def test_tier_names_are_the_contract() -> None:
    assert TIER_ORDER == ("quick", "standard", "deep")
    assert ("auto", *TIER_ORDER) == REQUESTABLE_TIERS
    assert tuple(BUDGETS) == TIER_ORDER
    assert all(BUDGETS[t].tier == t for t in TIER_ORDER)


def test_budgets_grow_with_the_tier() -> None:
    quick, standard, deep = (BUDGETS[t] for t in TIER_ORDER)
    for field in dataclasses.fields(Budget):
        if field.name in ("tier", "symbolic_seconds", "run_existing_tests", "run_crosshair"):
            continue
        assert (
            getattr(quick, field.name) < getattr(standard, field.name) < getattr(deep, field.name)
        ), field.name
    assert (quick.examples, standard.examples, deep.examples) == (50, 200, 600)
    assert quick.symbolic_seconds == standard.symbolic_seconds == 0 < deep.symbolic_seconds
    assert (quick.run_crosshair, standard.run_crosshair, deep.run_crosshair) == (False, False, True)
    assert not quick.run_existing_tests and standard.run_existing_tests and deep.run_existing_tests


def test_budget_for_applies_the_repository_cap() -> None:
    config, _ = load_repo_config("max_functions: 12\n")
    assert budget_for("deep", config).max_functions == 12
    assert budget_for("quick", config).max_functions == BUDGETS["quick"].max_functions
    assert budget_for("deep") == BUDGETS["deep"]


def test_risk_scores_and_reasons(rules: RuleSet) -> None:
    assert risk_score(PLAIN, rules) == (0, [])
    score, reasons = risk_score(MONEY, rules)
    assert score >= 5
    assert "uses Decimal: 'Decimal' in the source" in reasons
    assert any(r.startswith("money module") for r in reasons)
    date_score, _ = risk_score(DATES, rules)
    assert 2 <= date_score < 5
    float_score, why = risk_score(FLOATY, rules)
    assert "risk: float used for money (line 1)" in why and float_score > 2


def test_initial_tier_from_rules(rules: RuleSet) -> None:
    assert initial_tier([PLAIN], rules, None) == ("quick", ["no risk signals: quick"])
    assert initial_tier([], rules, None)[0] == "quick"
    assert initial_tier([PLAIN, DATES], rules, None)[0] == "standard"
    tier, reasons = initial_tier([PLAIN, DATES, MONEY], rules, None)
    assert tier == "deep"
    assert any(r.startswith("ledger/interest.py:compound score") for r in reasons)


def test_repository_paths_only_raise_the_tier(rules: RuleSet) -> None:
    config, _ = load_repo_config(
        "tiers:\n  - {paths: ['app/**'], tier: deep}\n  - {paths: ['ledger/**'], tier: quick}\n"
    )
    tier, reasons = initial_tier([PLAIN], rules, config)
    assert tier == "deep" and "app/util.py: .deepcheck.yml tier deep" in reasons
    assert initial_tier([MONEY], rules, config)[0] == "deep"


def test_requested_tier_wins(rules: RuleSet) -> None:
    assert initial_tier([MONEY], rules, None, "quick") == ("quick", ["requested tier quick"])
    with pytest.raises(ValueError, match="unknown tier 'max'"):
        initial_tier([MONEY], rules, None, "max")


@pytest.mark.parametrize(
    ("current", "evidence", "expected"),
    [
        ("quick", EscalationEvidence(), None),
        ("quick", EscalationEvidence(risky_without_evidence=2), "standard"),
        ("standard", EscalationEvidence(flaky=1), "deep"),
        ("quick", EscalationEvidence(disagreements=1), "standard"),
        ("deep", EscalationEvidence(risky_without_evidence=1, flaky=3), None),
        # a function quick found nothing in gets standard too, but only risky ones go deeper
        ("quick", EscalationEvidence(unexplored=1), "standard"),
        ("standard", EscalationEvidence(unexplored=1), None),
    ],
)
def test_next_tier(current: str, evidence: EscalationEvidence, expected: str | None) -> None:
    tier, reason = next_tier(current, evidence)
    assert tier == expected and reason


def test_next_tier_reasons() -> None:
    evidence = EscalationEvidence(risky_without_evidence=1, flaky=2, disagreements=3)
    assert next_tier("quick", evidence) == (
        "standard",
        "1 risky function(s) without evidence yet; 2 flaky witness(es); "
        "generators disagree on 3 function(s)",
    )
    assert next_tier("deep", evidence)[1].startswith("already at deep: ")
    assert next_tier("quick", EscalationEvidence()) == (None, "nothing calls for more compute")
    with pytest.raises(ValueError):
        next_tier("extreme", evidence)


def test_select_functions(rules: RuleSet) -> None:
    functions = [PLAIN, DATES, MONEY, FLOATY]
    assert select_functions(functions, BUDGETS["deep"]) == (functions, [])
    analysed, rest = select_functions(functions, 2, rules=rules)
    assert [f.function for f in analysed] == ["compound", "pay"]
    assert [f.function for f in rest] == ["next_run", "parse_header"]
    small = dataclasses.replace(BUDGETS["quick"], max_functions=1)
    assert select_functions(functions, small) == ([PLAIN], [DATES, MONEY, FLOATY])


def test_changed_lines_not_executed_yet_ask_for_more_compute() -> None:
    """Coverage is the process score: a search that never ran the change has not looked."""
    tier, why = next_tier("quick", EscalationEvidence(unexecuted=2))
    assert tier == "standard" and "changed lines not executed yet in 2 function(s)" in why
    assert next_tier("standard", EscalationEvidence(unexecuted=1))[0] == "deep"
    assert next_tier("deep", EscalationEvidence(unexecuted=1))[0] is None
    assert next_tier("standard", EscalationEvidence())[0] is None


def test_line_coverage_counts_what_the_differential_executed() -> None:
    from bot.engine.pipeline import line_coverage
    from bot.engine.verdict.evidence import Evidence

    fn = dataclasses.replace(FLOATY, changed_lines=(2, 3, 4))
    other = dataclasses.replace(FLOATY, function="other", changed_lines=(9,))
    evidence = [
        Evidence("differential", fn, "clean", covered=(2, 4)),
        Evidence("invariant", fn, "clean"),
        Evidence("differential", other, "error"),  # never ran: no coverage to speak of
    ]
    [c] = line_coverage([fn, other], evidence)
    assert (c.function, c.executed, c.total) == ("pay", 2, 3)
