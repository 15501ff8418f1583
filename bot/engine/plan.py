"""Tiers, budgets and escalation: how much compute a change gets.

Pure functions over changed functions, the rule set and the repository configuration. A
function's risk score is the sum of the weights of the money signals (``rules/money.yml``) and
risk rules (``rules/risks.yml``) it matches; the tier mapping (``rules/tiers.yml``) and the
repository's ``tiers:`` paths turn scores into a starting tier; evidence escalates one tier at
a time, never beyond ``deep``. The numbers in ``BUDGETS`` are tuned by the benchmark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine.repo_config import path_matches
from bot.engine.risks import find_risks, signals
from bot.models import ChangedFunction
from rules.schema import TIER_ORDER, Tier

if TYPE_CHECKING:
    from bot.engine.repo_config import RepoConfig
    from rules.ruleset import RuleSet

__all__ = [
    "AUTO",
    "BUDGETS",
    "REQUESTABLE_TIERS",
    "TIER_ORDER",
    "Budget",
    "EscalationEvidence",
    "Tier",
    "budget_for",
    "initial_tier",
    "next_tier",
    "risk_score",
    "select_functions",
]


# The tier names are the rules' (rules.schema.TIER_ORDER, cheapest first); "auto" asks the
# planner to start where the rules say and escalate on evidence.
AUTO = "auto"
REQUESTABLE_TIERS: tuple[str, ...] = (AUTO, *TIER_ORDER)


@dataclass(frozen=True)
class Budget:
    """What one tier may spend."""

    tier: Tier
    examples: int  # Hypothesis examples per function (differential: base vs head)
    max_functions: int  # changed functions analysed; the riskiest first when over
    sandbox_seconds: int  # wall clock for the tier's sandbox run
    function_seconds: int  # driver deadline per function
    symbolic_seconds: int  # CrossHair per function (0: no symbolic execution)
    reruns: int  # reruns of a witness before it counts (fewer reproductions: flaky)
    invariant_examples: int  # examples for the money invariants per function
    run_existing_tests: bool  # run the repository's own tests on base and head
    run_crosshair: bool


# One readable table; quick < standard < deep on every axis.
BUDGETS: Mapping[str, Budget] = {
    "quick": Budget(
        "quick",
        examples=50,
        max_functions=10,
        sandbox_seconds=120,
        function_seconds=10,
        symbolic_seconds=0,
        reruns=2,
        invariant_examples=50,
        run_existing_tests=False,
        run_crosshair=False,
    ),
    "standard": Budget(
        "standard",
        examples=200,
        max_functions=25,
        sandbox_seconds=600,
        function_seconds=20,
        symbolic_seconds=0,
        reruns=3,
        invariant_examples=200,
        run_existing_tests=True,
        run_crosshair=False,
    ),
    "deep": Budget(
        "deep",
        examples=600,
        max_functions=60,
        sandbox_seconds=1800,
        function_seconds=60,
        symbolic_seconds=20,
        reruns=5,
        invariant_examples=600,
        run_existing_tests=True,
        run_crosshair=True,
    ),
}


def budget_for(tier: Tier, config: RepoConfig | None = None) -> Budget:
    """The tier's budget, with the repository's ``max_functions`` as a further cap."""
    budget = BUDGETS[tier]
    if config is not None and config.max_functions is not None:
        cap = min(budget.max_functions, config.max_functions)
        budget = Budget(**{**budget.__dict__, "max_functions": cap})
    return budget


@dataclass(frozen=True)
class EscalationEvidence:
    """What a tier's run established, as far as escalation cares."""

    risky_without_evidence: int = 0  # risky functions with no witness yet
    flaky: int = 0  # witnesses that did not reproduce on rerun
    disagreements: int = 0  # functions where one generator saw a difference, another none
    unexplored: int = 0  # functions of any risk with no witness yet (quick -> standard only)
    # functions without a witness whose changed lines the checks have not all executed yet
    unexecuted: int = 0


def risk_score(fn: ChangedFunction, rules: RuleSet) -> tuple[int, list[str]]:
    """The function's risk score and the reasons, e.g. "money word 'interest' in the name"."""
    score, reasons = 0, []
    for signal in signals(fn, rules):
        score += signal.weight
        reasons.append(signal.reason)
    for risk in find_risks(fn, rules):
        spec = rules.risk(risk.rule_id)
        weight = spec.weight if spec is not None else 1
        if weight:
            score += weight
            reasons.append(f"risk: {risk.title} (line {risk.line})")
    return score, reasons


def _tier_of_score(score: int, rules: RuleSet) -> Tier:
    tier = rules.tiers.start
    for step in rules.tiers.scores:
        if score >= step.min_score:
            tier = _higher(tier, step.tier)
    return tier


def _higher(a: Tier, b: Tier) -> Tier:
    return a if TIER_ORDER.index(a) >= TIER_ORDER.index(b) else b


def initial_tier(
    functions: Sequence[ChangedFunction],
    rules: RuleSet,
    config: RepoConfig | None,
    requested: str = "auto",
) -> tuple[Tier, list[str]]:
    """The tier to start at: the requested one, or the highest any function calls for.

    With ``auto`` each function gets the tier of its risk score (``rules/tiers.yml``), raised
    by the rules' and the repository's path tiers; the change starts at the highest of them.
    """
    if requested != "auto":
        if requested not in TIER_ORDER:
            raise ValueError(f"unknown tier {requested!r}")
        return requested, [f"requested tier {requested}"]
    tier: Tier = rules.tiers.start
    reasons: list[str] = []
    for fn in functions:
        score, why = risk_score(fn, rules)
        own = _tier_of_score(score, rules)
        if own != rules.tiers.start:
            reasons.append(f"{fn.path}:{fn.function} score {score} → {own}: {'; '.join(why)}")
        for rule in rules.tiers.paths:
            if any(path_matches(g, fn.path) for g in rule.paths):
                own = _higher(own, rule.tier)
                reasons.append(f"{fn.path}: rules path tier {rule.tier}")
        configured = config.tier_for(fn.path) if config is not None else None
        if configured is not None:
            own = _higher(own, configured)
            reasons.append(f"{fn.path}: .deepcheck.yml tier {configured}")
        tier = _higher(tier, own)
    if not reasons:
        reasons.append(f"no risk signals: {tier}")
    return tier, reasons


def next_tier(current: Tier | str, evidence: EscalationEvidence) -> tuple[Tier | None, str]:
    """One tier up when the evidence asks for more compute, else None (and why not)."""
    if current not in TIER_ORDER:
        raise ValueError(f"unknown tier {current!r}")
    index = TIER_ORDER.index(current)
    wants = []
    if evidence.risky_without_evidence:
        wants.append(f"{evidence.risky_without_evidence} risky function(s) without evidence yet")
    if evidence.flaky:
        wants.append(f"{evidence.flaky} flaky witness(es)")
    if evidence.disagreements:
        wants.append(f"generators disagree on {evidence.disagreements} function(s)")
    if evidence.unexecuted:
        # coverage is the process score: a search that never ran the changed lines has not
        # looked yet, whatever the domain
        wants.append(f"changed lines not executed yet in {evidence.unexecuted} function(s)")
    if evidence.unexplored and index == 0:
        # quick is a first look: what it found nothing in gets the standard search too;
        # only risky functions go on to deep.
        wants.append(f"{evidence.unexplored} function(s) without evidence after {current}")
    if not wants:
        return None, "nothing calls for more compute"
    if index + 1 >= len(TIER_ORDER):
        return None, f"already at {current}: " + "; ".join(wants)
    return TIER_ORDER[index + 1], "; ".join(wants)


def select_functions(
    functions: Sequence[ChangedFunction],
    budget: Budget | int,
    *,
    rules: RuleSet | None = None,
) -> tuple[list[ChangedFunction], list[ChangedFunction]]:
    """(analysed, not analysed): all of them when under the cap, else the riskiest first.

    Without ``rules`` the order of ``functions`` decides. Ties keep the input order.
    """
    cap = budget if isinstance(budget, int) else budget.max_functions
    items = list(functions)
    if len(items) <= cap:
        return items, []
    if rules is not None:
        scores = [risk_score(fn, rules)[0] for fn in items]
        order = sorted(range(len(items)), key=lambda i: -scores[i])
        items = [items[i] for i in order]
    return items[:cap], items[cap:]
