"""LLM-proposed checks: best-of-N samples with an executable verifier (generator ``llm``).

The model reads the PR's intent and the changed function and proposes checks
(``propose_checks``: function, claim, pytest test). Every proposed test runs on base and head in
the sandbox; execution decides, never the model:

==========================  ====================  =========================================
base                        head                  outcome
==========================  ====================  =========================================
passed                      failed                ``verified``: a ``difference`` witness
any                         passed                ``refuted`` (dropped)
failed                      failed                ``preexisting``: not this PR's doing
error (import, collection)  or error              ``broken``: refined (error back to model)
==========================  ====================  =========================================

A check whose test ran on head without executing a changed line is ``off-target``: pruned
(never refined, never a vote). Coverage and the witness values (the last call of the function
in the failing test and its result on each side) come from a trusted ``conftest.py`` tracer in
the candidate (``bot.llm.checks``: the candidate and the classification above); they
only shape the report, the verdict is the harness's pass/fail.

Adaptive compute, for an exact verifier (Snell et al. 2024, compute-optimal allocation): each
function starts with ``start`` (1) sample; the angles (boundaries, rounding, intent, error
paths...) are tried in turn. A sample votes ``found`` (one of its checks verified) or
``nothing`` (its on-target checks were refuted or unwitnessed, or it proposed none);
broken/off-target samples do not vote. A verified witness stops the function and frees the
samples it did not use; a function without evidence gets the next untried angle until two
samples said nothing (a risky one until every angle had a look), past its own cap from the freed
pool, riskiest and hardest (most broken/refuted samples) first (``_more``). Broken checks are
refined for a bounded number of rounds, stopping when a round does not reduce the broken count;
refuted ones once with the observed values (an identical test once). Caps (tokens, dollars,
latency) are the ``Ledger``'s: when spent, the best evidence found so far is returned.

The generator is an engine ``Explorer`` (the pipeline hands it a batch runner; the CLI and the
App pass it in ``Deps.generators``, see :mod:`bot.llm.plugins`); the plain
``candidates``/``interpret`` protocol yields nothing, because refinement needs more than one
sandbox round.

Longer than ~400 lines: the propose / run / refine / escalate loop is one state machine over
the same targets and checks; its prompts, tools and check candidates live in sibling modules.
"""

from __future__ import annotations

import ast
import re
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.engine.candidates.base import BatchRunner, GenerationContext
from bot.engine.plan import risk_score
from bot.engine.verdict.evidence import Evidence
from bot.llm.checks import (
    TEST_FILE,
    CheckOutcome,
    check_candidate,
    classify,
    confirm_id,
    observed_calls,
    witness_of,
)
from bot.llm.client import LLMSession, Prompt, Sample
from bot.llm.guard import refusal
from bot.llm.prompts import function_diff, render
from bot.models import ChangedFunction, PRContext
from sandbox.results import CandidateResult
from sandbox.workspace import Candidate

__all__ = [
    "ANGLES",
    "LLM_BUDGETS",
    "TEST_FILE",
    "BatchRunner",
    "CheckOutcome",
    "LLMBudget",
    "LLMGenerator",
    "check_candidate",
    "classify",
]


@dataclass(frozen=True)
class LLMBudget:
    start: int  # proposal samples per function to begin with
    max_samples: int  # cap per function
    step: int  # more samples per round for a function without evidence
    refine_rounds: int  # bounded refinement of tests that do not collect
    max_functions: int  # functions the model looks at, riskiest first
    checks_per_sample: int
    judge_start: int  # judge_change samples per verified behavior change
    judge_max: int


LLM_BUDGETS: Mapping[str, LLMBudget] = {
    "quick": LLMBudget(1, 4, 1, 1, 3, 3, 2, 3),
    "standard": LLMBudget(1, 6, 1, 2, 8, 3, 2, 5),
    "deep": LLMBudget(1, 10, 2, 3, 20, 4, 3, 9),
}

ANGLES = (
    "boundaries: values at, just below and just above every constant and comparison the "
    "change touches (off-by-one, <= versus <).",
    "rounding and precision: Decimal quantization, rounding modes, cents lost or created, "
    "totals that must be conserved.",
    "intent: what the PR title, description and docstring promise; check the old behavior the "
    "PR did not say it would change.",
    "error paths: invalid, empty, zero, negative or None inputs; exceptions that used to be "
    "raised (or not).",
    "types and shapes: int versus Decimal versus float, empty collections, ordering of results.",
    "invariants: sums, idempotence, monotonicity, symmetry that held before the change.",
)


def _module_of(fn: ChangedFunction, ctx: GenerationContext) -> str | None:
    found = ctx.modules.get(fn.path)
    return found[1] if found else None


def _import_line(fn: ChangedFunction, module: str) -> str:
    return f"from {module} import {fn.function.split('.', 1)[0]}"


@dataclass
class _Check:
    fn: int  # index into the targets
    sample: int  # which proposal sample (per function) it came from
    claim: str
    test: str
    round: int = 0
    outcome: CheckOutcome | None = None
    detail: str = ""
    witness: dict[str, Any] | None = None
    superseded: bool = False  # replaced by a refined version
    observed: list[tuple[str, str, str]] = field(default_factory=list)  # (call, base, head)
    fresh: bool = False  # its test ran (not refused, not a duplicate of an earlier test)


@dataclass
class _Target:
    fn: ChangedFunction
    module: str
    risky: bool
    drawn: int = 0  # proposal samples drawn (discarded ones included)
    empty: set[int] = field(default_factory=set)  # samples that proposed no check
    discarded: set[int] = field(default_factory=set)
    found: bool = False  # a verified witness: sampling stopped, its budget freed
    done: bool = False
    stale: bool = False  # the last round proposed checks but none of them was new
    nonce: str = field(default_factory=lambda: secrets.token_hex(8))  # one per function


def _normalize(test: str) -> str:
    try:
        return ast.dump(ast.parse(test))
    except SyntaxError:
        return re.sub(r"\s+", " ", test).strip()


class LLMGenerator:
    """Generator ``llm`` (phase 2: runs where the cheap generators found nothing)."""

    name = "llm"
    phase = 2

    def __init__(
        self,
        session: LLMSession,
        *,
        adaptive: bool = True,
        budgets: Mapping[str, LLMBudget] = LLM_BUDGETS,
    ):
        self.session = session
        self.adaptive = adaptive
        self.budgets = budgets
        self.notes: list[str] = []
        self._seen: dict[tuple[int, str], _Run] = {}
        self._refuted_sent: set[tuple[int, str]] = set()  # refuted tests refined already

    # The one-shot protocol: nothing (see the module docstring).
    def candidates(
        self, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[tuple[Candidate, list[ChangedFunction]]]:
        return []

    def interpret(
        self, result: CandidateResult, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[Evidence]:
        return []

    # -- the pipeline's confirmation run (the engine's ``Confirmer``) --------------------

    def confirmation(self, evidence: Evidence, cand_id: str) -> Candidate | None:
        """The evidence's test under the tracer again, with a fresh nonce (a random id)."""
        test = evidence.test_source
        if test is None or refusal(test) is not None:
            return None
        cid = f"{cand_id}-{secrets.token_hex(6)}"
        return check_candidate(cid, evidence.function, test, module=evidence.module)

    def confirmed(
        self, evidence: Evidence, result: CandidateResult | None
    ) -> tuple[bool | None, dict[str, Any] | None]:
        """Verified again by the tracer (its differing call re-derived from this run), or not."""
        outcome, _detail = classify(result)
        if outcome == "error":
            return None, None
        if outcome != "verified" or result is None:
            return False, None
        witness = witness_of(result, evidence.function)
        return (True, witness) if witness is not None else (False, None)

    # -- explore -----------------------------------------------------------------------

    def explore(
        self,
        functions: Sequence[ChangedFunction],
        ctx: GenerationContext,
        run: BatchRunner,
        pr: PRContext,
    ) -> list[Evidence]:
        """Sample, verify, refine and escalate; evidence per function (see the docstring)."""
        session = self.session
        self._seen, self._refuted_sent = {}, set()
        budget = self.budgets.get(ctx.tier) or LLM_BUDGETS.get(ctx.tier) or LLM_BUDGETS["standard"]
        targets = self._targets(functions, ctx, budget)
        if not targets:
            return []
        checks: list[_Check] = []
        ledger = session.ledger
        wanted = {
            i: (budget.start if self.adaptive else budget.max_samples) for i in range(len(targets))
        }
        batch = 0
        while wanted:
            if (why := ledger.out_of_budget()) is not None:
                self.notes.append(f"llm: stopped early ({why}); best evidence so far reported")
                break
            before = len(checks)
            new = self._propose(targets, wanted, ctx, session, pr, budget)
            checks.extend(new)
            self._execute(new, targets, run, f"{batch}")
            self._refine(new, checks, targets, session, run, budget, pr, f"{batch}")
            for i in wanted:  # a round that ran no new test adds nothing: stop there
                proposed = [c for c in checks[before:] if c.fn == i]
                targets[i].stale = bool(proposed) and not any(c.fresh for c in proposed)
            batch += 1
            wanted = {} if not self.adaptive else self._more(targets, checks, budget)
        evidence = []
        for i, target in enumerate(targets):
            evidence.extend(self._evidence(i, target, checks, ledger))
        return evidence

    def _targets(
        self, functions: Sequence[ChangedFunction], ctx: GenerationContext, budget: LLMBudget
    ) -> list[_Target]:
        out = []
        for fn in functions:
            module = _module_of(fn, ctx)
            if fn.status != "modified" or fn.base_path is None or fn.nested or module is None:
                continue
            risky = risk_score(fn, ctx.rules)[0] > 0
            out.append(_Target(fn, module, risky))
        out.sort(key=lambda t: not t.risky)  # stable: riskiest first, else the diff's order
        return out[: budget.max_functions]

    def _propose(
        self,
        targets: list[_Target],
        wanted: dict[int, int],
        ctx: GenerationContext,
        session: LLMSession,
        pr: PRContext,
        budget: LLMBudget,
    ) -> list[_Check]:
        order: list[tuple[int, int]] = []
        prompts: list[Prompt] = []
        for i, n in sorted(wanted.items()):
            target = targets[i]
            for _ in range(n):
                sample_no = target.drawn
                target.drawn += 1
                order.append((i, sample_no))
                prompts.append(self._proposal_prompt(target, sample_no, pr, budget))
        samples = session.sampler.sample(prompts)
        out: list[_Check] = []
        for (i, sample_no), sample in zip(order, samples, strict=True):
            made = _checks_of(sample, i, sample_no, budget.checks_per_sample)
            if made is None:
                targets[i].discarded.add(sample_no)
            elif not made:
                targets[i].empty.add(sample_no)
            out.extend(made or [])
        return out

    def _prompt(
        self,
        target: _Target,
        pr: PRContext,
        template: str,
        values: dict[str, str],
        blocks: dict[str, str],
    ) -> Prompt:
        """Shared prefix (the function's context, cached) + this request's task."""
        fn = target.fn
        rendered = render(
            template,
            {
                "function": fn.function,
                "module": target.module,
                "path": fn.path,
                "import_line": _import_line(fn, target.module),
                **values,
            },
            {
                "pr_block": _pr_text(pr),
                "base_block": fn.base_source,
                "head_block": fn.head_source,
                "diff_block": function_diff(fn.base_source, fn.head_source, fn.path),
                **blocks,
            },
            context="propose_context",
            nonce=target.nonce,
        )
        return Prompt("propose_checks", rendered.system, rendered.tail, prefix=rendered.prefix)

    def _proposal_prompt(
        self, target: _Target, sample_no: int, pr: PRContext, budget: LLMBudget
    ) -> Prompt:
        values = {
            "max_checks": str(budget.checks_per_sample),
            "angle": ANGLES[sample_no % len(ANGLES)],
        }
        return self._prompt(target, pr, "propose_checks", values, {})

    def _execute(
        self, checks: list[_Check], targets: list[_Target], run: BatchRunner, tag: str
    ) -> None:
        """Run the checks' tests on base and head; an identical test runs once per explore."""
        pending: dict[tuple[int, str], list[_Check]] = {}
        for check in checks:
            key = (check.fn, _normalize(check.test))
            if key in self._seen:
                self._seen[key].apply(check)
            elif (why := refusal(check.test)) is not None:
                # Could tell base from head without calling the function (or reach the
                # tracer): never run, never a vote.
                self._seen[key] = _Run("refused", f"refused before running: {why}")
                self._seen[key].apply(check)
            else:
                pending.setdefault(key, []).append(check)
        if not pending:
            return
        cands: dict[str, tuple[tuple[int, str], Candidate]] = {}
        for n, (key, group) in enumerate(pending.items()):
            cid = f"llm-{tag}-{n}"
            target = targets[key[0]]
            cand = check_candidate(cid, target.fn, group[0].test, module=target.module)
            cands[cid] = (key, cand)
        results = run([cand for _k, cand in cands.values()])
        runs: dict[tuple[int, str], _Run] = {}
        for cid, (key, _cand) in cands.items():
            result = results.get(cid)
            outcome, detail = classify(result)
            runs[key] = _Run(outcome, detail, observed=observed_calls(result))
        # Verified once: run again under a fresh tracer nonce; only that run's verdict and
        # witness count (nothing the first run's test process wrote reaches a report).
        again = {
            confirm_id(cid): (
                key,
                check_candidate(
                    confirm_id(cid),
                    targets[key[0]].fn,
                    c.files[TEST_FILE],
                    module=targets[key[0]].module,
                ),
            )
            for cid, (key, c) in cands.items()
            if runs[key].outcome == "verified"
        }
        if again:
            confirmed = run([cand for _k, cand in again.values()])
            for cid, (key, _cand) in again.items():
                result = confirmed.get(cid)
                outcome, detail = classify(result)
                witness = witness_of(result, targets[key[0]].fn) if result is not None else None
                if outcome != "verified" or witness is None:
                    runs[key] = _Run("unwitnessed", f"not confirmed on a second run: {detail}")
                else:
                    runs[key] = _Run("verified", detail, witness, runs[key].observed)
        for key, result_run in runs.items():
            self._seen[key] = result_run
            for check in pending[key]:
                result_run.apply(check)
                check.fresh = True

    def _refine(
        self,
        new: list[_Check],
        checks: list[_Check],
        targets: list[_Target],
        session: LLMSession,
        run: BatchRunner,
        budget: LLMBudget,
        pr: PRContext,
        tag: str,
    ) -> None:
        """Broken tests go back with pytest's error (bounded rounds, while they improve);
        refuted ones go back once with what base and head actually returned, unless the
        function already has a verified witness."""
        broken = _distinct([c for c in new if c.outcome == "broken"])
        found = {c.fn for c in checks if c.outcome == "verified" and not c.superseded}
        refuted = [
            c
            for c in _distinct(new)
            if c.outcome == "refuted" and c.round == 0 and c.fn not in found
            and (c.fn, _normalize(c.test)) not in self._refuted_sent
        ]  # fmt: skip
        self._refuted_sent.update((c.fn, _normalize(c.test)) for c in refuted)
        for round_no in range(1, budget.refine_rounds + 1):
            todo = broken + (refuted if round_no == 1 else [])
            if not todo or session.ledger.out_of_budget() is not None:
                return
            prompts = [self._refine_prompt(targets[c.fn], c, pr) for c in todo]
            samples = session.sampler.sample(prompts)
            fixed: list[_Check] = []
            for parent, sample in zip(todo, samples, strict=True):
                made = _checks_of(sample, parent.fn, parent.sample, 1)
                if not made:
                    continue
                child = made[0]
                child.round = round_no
                parent.superseded = True
                fixed.append(child)
            checks.extend(fixed)
            self._execute(fixed, targets, run, f"{tag}-{round_no}")
            still = [c for c in fixed if c.outcome == "broken"]
            if len(still) >= len(broken):  # the round did not improve: stop
                return
            broken = still

    def _refine_prompt(self, target: _Target, check: _Check, pr: PRContext) -> Prompt:
        blocks = {"claim_block": " ".join(check.claim.split())[:1000], "test_block": check.test}
        if check.outcome == "refuted":
            lines = [f"{call} / {base} / {head}" for call, base, head in check.observed]
            blocks["observed_block"] = "\n".join(lines) or "(the function was not called)"
            return self._prompt(target, pr, "refute_check", {}, blocks)
        blocks["error_block"] = check.detail[:3000]
        return self._prompt(target, pr, "refine_check", {}, blocks)

    def _votes(self, i: int, target: _Target, checks: list[_Check]) -> dict[int, str]:
        """Each voting sample's verdict: found | nothing."""
        live = [c for c in checks if c.fn == i and not c.superseded]
        votes: dict[int, str] = {s: "nothing" for s in target.empty}
        for c in live:
            if c.outcome == "verified":
                votes[c.sample] = "found"
            elif (
                c.outcome in ("refuted", "preexisting", "unwitnessed")
                and votes.get(c.sample) != "found"
            ):
                votes[c.sample] = "nothing"
        return votes

    def _difficulty(self, i: int, checks: list[_Check]) -> int:
        """Samples of a function whose tests broke, were refuted or unwitnessed."""
        bad = ("broken", "refuted", "unwitnessed")
        return len({c.sample for c in checks if c.fn == i and c.outcome in bad})

    def _more(
        self, targets: list[_Target], checks: list[_Check], budget: LLMBudget
    ) -> dict[int, int]:
        """The next round's samples (compute-optimal for an exact verifier).

        A function with a verified witness stops: more samples cannot add a finding, and the
        samples it did not use go to a shared pool. A function without evidence gets one more
        sample (the next angle not yet tried) until two voting samples said nothing; a risky one
        until every angle had a look. Those past their own cap draw from the pool, riskiest
        first, then the hardest (most samples that broke or were refuted). A round that ran no
        new test stops a function."""
        pool = 0
        undecided: list[int] = []
        for i, target in enumerate(targets):
            votes = Counter(self._votes(i, target, checks).values())
            if not target.done and "found" in votes:
                target.done = target.found = True
            if target.found:
                pool += max(0, budget.max_samples - target.drawn)
                continue
            if target.done:
                continue
            voters = sum(votes.values())
            untried = target.drawn < len(ANGLES)
            if target.stale or not (voters < 2 or (target.risky and untried)):
                target.done = True
                continue
            undecided.append(i)
        undecided.sort(key=lambda i: (not targets[i].risky, -self._difficulty(i, checks), i))
        wanted: dict[int, int] = {}
        for i in undecided:
            target = targets[i]
            room = budget.max_samples - target.drawn
            if room > 0:
                wanted[i] = min(budget.step, room)
            elif pool > 0:
                pool -= 1
                wanted[i] = 1
            else:
                target.done = True
        return wanted

    def _evidence(
        self, i: int, target: _Target, checks: list[_Check], ledger: Any
    ) -> list[Evidence]:
        fn = target.fn
        mine = [c for c in checks if c.fn == i and not c.superseded]
        votes = self._votes(i, target, checks)
        tally = Counter(votes.values())
        if tally:
            ledger.agree(max(tally.values()), sum(tally.values()))
        verified = [c for c in mine if c.outcome == "verified" and c.witness is not None]
        if verified:
            # Verified tests that show the same behaviour (the same call, base and head results,
            # as the tracer saw them) are one finding, whatever their claims say; its support is
            # the number of independent samples that found it. The best-supported is shown.
            groups: dict[tuple[str, ...], list[_Check]] = {}
            for c in verified:
                w = c.witness or {}
                key = (str(w.get("call")), str(w.get("base")), str(w.get("head")))
                groups.setdefault(key, []).append(c)
            best_key, best = max(
                groups.items(),
                key=lambda kv: (len({c.sample for c in kv[1]}), -min(len(c.test) for c in kv[1])),
            )
            rep = min(best, key=lambda c: len(c.test))
            witness = dict(rep.witness or {})
            support = len({c.sample for c in best})
            witness.update(
                claim=" ".join(rep.claim.split())[:1000],
                samples=target.drawn,
                votes=tally.get("found", 0),
                agreeing=support,
                support=support,
                behaviours=len(groups),
            )
            anchor = "llm:" + best_key[0]
            return [
                Evidence(
                    "llm",
                    fn,
                    "difference",
                    anchor=anchor,
                    witness=witness,
                    detail=witness["claim"],
                    test_source=rep.test,
                    module=target.module,
                )
            ]
        outcomes = Counter(c.outcome for c in mine)
        summary = ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items(), key=str)) or "none"
        what = f"{target.drawn} sample(s); checks: {summary}"
        if outcomes.get("refuted") or target.empty:
            return [Evidence("llm", fn, "clean", detail=what, module=target.module)]
        if outcomes.get("preexisting"):
            claim = next(c.claim for c in mine if c.outcome == "preexisting")
            detail = f"fails on base too: {claim[:300]}"
            return [Evidence("llm", fn, "preexisting", detail=detail, module=target.module)]
        if outcomes.get("broken") or outcomes.get("error"):
            detail = f"no proposed test ran ({what})"
            return [Evidence("llm", fn, "error", detail=detail, module=target.module)]
        return []


@dataclass
class _Run:
    """What one distinct test's execution said (shared by the checks that proposed it)."""

    outcome: CheckOutcome
    detail: str
    witness: dict[str, Any] | None = None
    observed: list[tuple[str, str, str]] = field(default_factory=list)

    def apply(self, check: _Check) -> None:
        check.outcome, check.detail, check.witness = self.outcome, self.detail, self.witness
        check.observed = list(self.observed)


def _distinct(checks: list[_Check]) -> list[_Check]:
    """One check per (function, test): an identical test is refined once."""
    seen: set[tuple[int, str]] = set()
    out = []
    for c in checks:
        key = (c.fn, _normalize(c.test))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _pr_text(pr: PRContext) -> str:
    return f"Title: {pr.title}\n\n{pr.description}".strip()


def _checks_of(sample: Sample, fn: int, sample_no: int, limit: int) -> list[_Check] | None:
    """The checks of one sample (None: the sample was discarded)."""
    if sample.tool_input is None:
        return None
    raw = sample.tool_input.get("checks", [])
    out = []
    for item in raw[:limit]:
        test = str(item["test"])
        if "def test" not in test:
            continue  # nothing pytest would collect
        out.append(_Check(fn=fn, sample=sample_no, claim=str(item["claim"]), test=test))
    return None if raw and not out else out
