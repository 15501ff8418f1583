"""Orchestration over the ports: change → functions → plan → candidates → sandbox → verdict.

``check`` is the whole of ``deepcheck check``; it sees a git repository (bot.git), the
sandbox ``Runner`` port and the rule set, all passed in. No PR code runs in this process:
the host only reads sources as text and parses them with ``ast``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.engine.candidates import (
    BatchRunner,
    Confirmer,
    Explorer,
    GenerationContext,
    Generator,
    generators,
)
from bot.engine.candidates.differential import drivable
from bot.engine.change.reading import Analysis, analyse
from bot.engine.plan import (
    Budget,
    EscalationEvidence,
    budget_for,
    initial_tier,
    next_tier,
    risk_score,
    select_functions,
)
from bot.engine.repo_config import RepoConfig
from bot.engine.repo_image import NotedImages
from bot.engine.risks import risk_findings
from bot.engine.verdict.evidence import Evidence
from bot.engine.verdict.findings import confirm_states, confirmations, judge
from bot.engine.verdict.judging import Judge, Meter
from bot.engine.verdict.unchecked import RAN, unchecked
from bot.errors import InfrastructureError, RepositoryError
from bot.git import GitRepo, TreeLimits
from bot.models import (
    ChangedFunction,
    Finding,
    LineCoverage,
    PRContext,
    Report,
    Skipped,
    Spent,
)
from rules.ruleset import RuleSet
from sandbox.results import CandidateResult, RunResult
from sandbox.runner import Runner
from sandbox.spec import Limits, SandboxSpec
from sandbox.workspace import Candidate, Workspace

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CheckRequest:
    repo: Path
    base: str
    head: str
    tier: str = "auto"  # auto | quick | standard | deep
    seed: int = 0
    title: str | None = None  # the PR's title and description (None: the head commit's)
    description: str | None = None
    # The repository configuration to use (the App passes the default branch's); None: read
    # .deepcheck.yml from the head tree (the CLI: the developer's own change).
    config: RepoConfig | None = None


@dataclass
class Deps:
    runner: Runner
    rules: RuleSet
    cache_dir: Path
    progress: Progress = field(default=lambda _msg: None)
    # The candidate generators, in order; None: the engine's model-free ones
    # (bot.engine.candidates). The CLI and the App add the LLM layer's (bot.llm.plugins).
    generators: Sequence[Generator] | None = None
    # The sandbox image for a repository's config (Docker: `sandbox.image` / `sandbox.install`);
    # None: the backend's default image.
    image_for: Callable[[RepoConfig, Path], str | None] | None = None
    # Who judges verified behaviour changes (None: they stay behavior-change findings), and
    # what outside layers spent (model calls, tokens, dollars) for the report.
    judge: Judge | None = None
    meter: Meter | None = None
    # What one commit may cost: per-file, per-tree and diff byte caps, the tree cache's size.
    limits: TreeLimits = field(default_factory=TreeLimits)


class _Session:
    """Bookkeeping for one check: sandbox starts and what they cost."""

    def __init__(self, deps: Deps, spent: Spent, image: str | None = None) -> None:
        self.deps = deps
        self.spent = spent
        self.image = image

    def run(self, ws: Workspace, spec: SandboxSpec, what: str) -> RunResult:
        self.deps.progress(f"sandbox: {what} ({len(ws.candidates)} candidates)")
        if self.image is not None:
            spec = replace(spec, image=self.image)
        result = self.deps.runner.run(ws, spec)
        self.spent.sandbox_runs += 1
        self.spent.sandbox_cpu_s = round(self.spent.sandbox_cpu_s + result.cpu_s, 3)
        if not result.ok:
            raise InfrastructureError(
                f"sandbox failed during {what}: {result.infrastructure_error}"
            )
        return result


def _risky(functions: list[ChangedFunction], rules: RuleSet) -> set[tuple[str, str]]:
    return {(f.path, f.function) for f in functions if risk_score(f, rules)[0] > 0}


def _generate(
    gens: list[Generator],
    functions: list[ChangedFunction],
    ctx: GenerationContext,
    skip: set[str],
) -> list[tuple[Generator, Candidate, list[ChangedFunction]]]:
    planned = []
    for gen in gens:
        if gen.name in skip:
            continue
        for cand, fns in gen.candidates(functions, ctx):
            planned.append((gen, cand, fns))
    return planned


def _summary(
    evidence: list[Evidence], risky: set[tuple[str, str]], functions: list[ChangedFunction]
) -> EscalationEvidence:
    with_witness = {(e.function.path, e.function.function) for e in evidence if e.is_witness}
    unresolved = [
        f
        for f in functions
        if (f.path, f.function) in risky and (f.path, f.function) not in with_witness
    ]
    flaky = sum(1 for e in evidence if e.status == "flaky")
    # Generators disagree when one saw a difference and another ran clean on the same function.
    by_fn: dict[tuple[str, str], set[str]] = {}
    for e in evidence:
        by_fn.setdefault((e.function.path, e.function.function), set()).add(e.status)
    disagreements = sum(
        1 for s in by_fn.values() if "clean" in s and ("difference" in s or "violation" in s)
    )
    # Functions a generator ran on and found nothing in (an undrivable one had no run).
    ran = {(e.function.path, e.function.function) for e in evidence}
    unexplored = sum(1 for f in functions if (f.path, f.function) in ran - with_witness)
    lines = {(c.path, c.function): c for c in line_coverage(functions, evidence)}
    unexecuted = sum(
        1
        for key, c in lines.items()
        if key not in with_witness and c.total and c.executed < c.total
    )
    return EscalationEvidence(
        risky_without_evidence=len(unresolved),
        flaky=flaky,
        disagreements=disagreements,
        unexplored=unexplored,
        unexecuted=unexecuted,
    )


def line_coverage(
    functions: Sequence[ChangedFunction], evidence: Sequence[Evidence]
) -> list[LineCoverage]:
    """Per function whose checks recorded it: how many changed lines some call executed."""
    hit: dict[tuple[str, str], set[int]] = {}
    for e in evidence:
        if e.covered or (e.status in RAN and e.source == "differential"):
            hit.setdefault((e.function.path, e.function.function), set()).update(e.covered)
    out = []
    for fn in functions:
        key = (fn.path, fn.function)
        if key in hit and fn.changed_lines:
            executed = len(hit[key] & set(fn.changed_lines))
            out.append(LineCoverage(fn.path, fn.function, executed, len(fn.changed_lines)))
    return out


def _run_planned(
    session: _Session,
    planned: list[tuple[Generator, Candidate, list[ChangedFunction]]],
    ctx: GenerationContext,
    analysis: Analysis,
    budget: Budget,
    seed: int,
    notes: list[str],
) -> list[Evidence]:
    spec = SandboxSpec(
        seed=seed,
        limits=replace(Limits(), wall_timeout_s=max(120.0, budget.sandbox_seconds * 2)),
    )
    ws = Workspace(
        head=analysis.head_tree,
        base=analysis.base_tree,
        candidates=tuple(c for _g, c, _f in planned),
        import_roots=analysis.import_roots,
    )
    result = session.run(ws, spec, f"{ctx.tier} checks")
    found: list[Evidence] = []
    for gen, cand, fns in planned:
        res = result.candidates.get(cand.id)
        if res is None:
            notes.append(f"{gen.name}: no result for {cand.id}")
            continue
        got = gen.interpret(res, fns, ctx)
        session.spent.examples += sum(e.examples for e in got)
        found.extend(got)
    return found


def _batch_runner(
    session: _Session, analysis: Analysis, budget: Budget, seed: int, tier: str
) -> BatchRunner:
    """One sandbox start per call: how generator ``llm`` runs its rounds."""

    def run(cands: Sequence[Candidate]) -> Mapping[str, CandidateResult]:
        spec = SandboxSpec(
            seed=seed,
            limits=replace(Limits(), wall_timeout_s=max(120.0, budget.sandbox_seconds * 2)),
        )
        ws = Workspace(
            head=analysis.head_tree,
            base=analysis.base_tree,
            candidates=tuple(cands),
            import_roots=analysis.import_roots,
        )
        return session.run(ws, spec, f"{tier} model-proposed checks").candidates

    return run


def check(req: CheckRequest, deps: Deps) -> Report:
    started = time.monotonic()
    spent = Spent()
    repo = GitRepo(req.repo, limits=deps.limits)
    base_sha, head_sha = repo.resolve(req.base), repo.resolve(req.head)
    if base_sha == head_sha:
        raise RepositoryError(f"empty range: {req.base} and {req.head} are the same commit")
    deps.progress("reading the change")
    analysis: Analysis = analyse(repo, base_sha, head_sha, deps.cache_dir, config=req.config)
    config: RepoConfig = analysis.config
    notes = list(analysis.notes)
    rules = deps.rules
    functions = list(analysis.functions)
    risky = _risky(functions, rules)
    tier, _reasons = initial_tier(functions, rules, config, req.tier)
    image = deps.image_for(config, analysis.base_tree) if deps.image_for else None
    if isinstance(deps.image_for, NotedImages):  # the dependencies installed, or left out
        notes.extend(deps.image_for.notes)
    session = _Session(deps, spent, image)
    gens = list(deps.generators) if deps.generators is not None else generators()
    # A function whose head is base up to renamed locals needs no check (nothing can differ).
    evidence: list[Evidence] = [
        Evidence("equivalence", f, "clean", detail=f.equivalent)
        for f in analysis.analysed
        if f.equivalent
    ]
    same = {(e.function.path, e.function.function) for e in evidence}
    notes.extend(f"{e.function.path}::{e.function.function}: {e.detail}" for e in evidence)
    done_generators: set[str] = set()
    remaining = [f for f in analysis.analysed if (f.path, f.function) not in same]
    skipped = list(analysis.skipped)
    seed = req.seed
    subject, body = repo.message(head_sha)
    pr = PRContext(
        req.title if req.title is not None else subject,
        req.description if req.description is not None else body,
    )
    over_budget: list[ChangedFunction] = []
    while True:
        spent.tier_path.append(tier)
        budget = budget_for(tier, config)
        # The tier's cap on functions analysed: the riskiest first.
        in_budget, over_budget = select_functions(remaining, budget, rules=rules)
        ctx = GenerationContext(
            head_tree=analysis.head_tree,
            base_tree=analysis.base_tree,
            head_files=analysis.head_files,
            base_files=analysis.base_files,
            rules=rules,
            seed=seed,
            tier=tier,
            budget=budget,
            head_sources=analysis.head_sources,
            modules=analysis.modules,
        )
        # Cheap generators first; expensive ones (phase 2: symbolic) only for functions that
        # have no witness yet — compute goes where nothing has been found.
        for phase in (1, 2):
            witnessed = {(e.function.path, e.function.function) for e in evidence if e.is_witness}
            todo = [f for f in in_budget if (f.path, f.function) not in witnessed]
            phase_gens = [g for g in gens if g.phase == phase]
            planned = _generate(phase_gens, todo, ctx, done_generators)
            deps.progress(f"tier {tier}: {len(todo)} functions, {len(planned)} candidates")
            if planned:
                evidence.extend(_run_planned(session, planned, ctx, analysis, budget, seed, notes))
            explorers = [g for g in phase_gens if isinstance(g, Explorer)]
            if explorers and todo:
                run = _batch_runner(session, analysis, budget, seed, tier)
                for explorer in explorers:
                    evidence.extend(explorer.explore(todo, ctx, run, pr))
        if budget.run_existing_tests:
            done_generators.add("existing-tests")
        if req.tier != "auto":
            break
        nxt, why = next_tier(tier, _summary(evidence, risky, remaining))
        if nxt is None:
            break
        deps.progress(f"escalating to {nxt}: {why}")
        witnessed = {(e.function.path, e.function.function) for e in evidence if e.is_witness}
        remaining = [f for f in remaining if (f.path, f.function) not in witnessed]
        if not remaining:
            break
        tier, seed = nxt, seed + 1
    skipped.extend(
        Skipped(f.path, f"over the {spent.tier_path[-1]} tier's budget", f.function)
        for f in over_budget
    )
    not_run = unchecked(
        analysis.analysed, evidence, over_budget=over_budget,
        budget_note=f"over the {spent.tier_path[-1]} tier's budget", why_not_drivable=drivable,
    )  # fmt: skip
    # Confirm each witness as a ready-to-paste test, run on both sides.
    witnessed_once: dict[tuple[str, str, str, str], Evidence] = {}
    for e in evidence:
        key = (e.function.path, e.function.function, e.source, e.anchor)
        if e.status in ("difference", "violation") and key not in witnessed_once:
            witnessed_once[key] = e
    to_confirm = list(witnessed_once.values()) + [
        e for e in evidence if e.status not in ("difference", "violation")
    ]
    # A generator that confirms its own evidence (llm: its tracer) builds that candidate.
    own = {g.name: g for g in gens if isinstance(g, Confirmer)}
    confs = confirmations(to_confirm, confirmers=own)
    states: dict[int, bool | None] = {}
    rederived: dict[int, dict[str, Any]] = {}
    if confs:
        ws = Workspace(
            head=analysis.head_tree,
            base=analysis.base_tree,
            candidates=tuple(c.candidate for c in confs),
            import_roots=analysis.import_roots,
        )
        result = session.run(ws, SandboxSpec(seed=req.seed), "confirming witnesses")
        states, rederived = confirm_states(confs, result.candidates)
    findings, verdict_notes = judge(
        to_confirm, states, confs, diff_lines=analysis.diff_lines, risky=risky, rederived=rederived
    )
    notes.extend(verdict_notes)
    if deps.judge is not None:
        findings, judge_notes = deps.judge.judge(
            findings,
            evidence=to_confirm,
            functions=functions,
            pr=pr,
            tier=spent.tier_path[-1],
            risky=risky,
        )
        notes.extend(judge_notes)
    if deps.meter is not None:
        deps.meter.fill(spent)
    notes.extend(n for g in gens for n in g.notes)
    findings.extend(analysis.findings)  # syntax errors on head
    findings.extend(
        risk_findings(
            [f for f in functions if (f.path, f.function) not in same],
            rules,
            analysis.diff_lines,
            verified={(f.path, f.function) for f in findings},
        )
    )
    spent.seconds = round(time.monotonic() - started, 3)
    return Report(
        base=base_sha,
        head=head_sha,
        tier=spent.tier_path[-1],
        changed_functions=tuple(functions),
        findings=tuple(_ordered(findings)),
        spent=spent,
        skipped=tuple(skipped),
        notes=tuple(notes),
        title=pr.title,
        description=pr.description,
        unchecked=tuple(not_run),
        analysed=len(analysis.analysed),
        coverage=tuple(line_coverage(analysis.analysed, evidence)),
    )


def _ordered(findings: list[Finding]) -> list[Finding]:
    rank = {"high": 0, "medium": 1, "low": 2}
    seen: set[str] = set()
    out = []
    for f in sorted(findings, key=lambda f: (rank[f.severity], f.path, f.line, f.id)):
        if f.id not in seen:
            seen.add(f.id)
            out.append(f)
    return out


__all__ = ["CheckRequest", "Deps", "Skipped", "check"]
