"""``deepcheck scan``: money invariants and docstring examples over one tree (no base).

The nightly job's engine, run locally: every function of the chosen paths that shows a money
signal is driven on head alone against the invariants that apply to it; a violation whose
witness test fails on head is a verified ``defect``; rule matches are ``risk`` findings. Every
function's own docstring examples run too (``bot.engine.candidates.doctests``, at rest): one
that fails in a module whose examples are evidently kept true is a ``defect``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from bot.engine.candidates import GenerationContext
from bot.engine.candidates.differential import DifferentialGenerator, differential_candidate
from bot.engine.candidates.doctests import (
    capped,
    doctest_candidate,
    doctest_evidence,
    read_doctests,
)
from bot.engine.change.diff import FileChange
from bot.engine.change.functions import HeadSyntaxError, changed_functions
from bot.engine.change.reading import left_out_notes, tree_config
from bot.engine.invariants import bound_invariants
from bot.engine.pipeline import Deps
from bot.engine.plan import BUDGETS, risk_score, select_functions
from bot.engine.repo_config import path_matches
from bot.engine.repo_image import NotedImages
from bot.engine.risks import is_money, risk_findings
from bot.engine.source.modules import module_for
from bot.engine.verdict.findings import confirmations, confirmed, judge
from bot.errors import InfrastructureError, RepositoryError, UsageError
from bot.git import GitRepo, TreeLimits, read_tree_text
from bot.models import ChangedFunction, Report, Skipped, Spent
from sandbox.spec import Limits, SandboxSpec
from sandbox.workspace import Candidate, Workspace

_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class ScanRequest:
    repo: Path
    paths: tuple[str, ...] = ()  # globs; default: the config's nightly paths, else everything
    tier: str = "standard"
    seed: int = 0
    budget_minutes: float | None = None  # CPU minutes for the whole scan; None: the tier's


# What the process sandbox spends, measured on bench/scan (2 cores): CPU per invariant example
# (a call, its check and the checks' own calls), and per scan whatever the examples (start-up,
# reading the tree, confirming witnesses).
CPU_S_PER_EXAMPLE = 0.005
CPU_S_FIXED = 20.0
MIN_EXAMPLES = 20
MAX_EXAMPLES = 50_000


def spread(scores: list[int], minutes: float) -> list[int]:
    """Examples per function for ``minutes`` of CPU: shares by risk (1 + its risk score),
    each at least ``MIN_EXAMPLES`` (every function is looked at) and at most ``MAX_EXAMPLES``.
    """
    total = max(0.0, minutes * 60 - CPU_S_FIXED) / CPU_S_PER_EXAMPLE
    weights = [1 + max(0, s) for s in scores]
    whole = sum(weights) or 1
    return [min(MAX_EXAMPLES, max(MIN_EXAMPLES, int(total * w / whole))) for w in weights]


def _budgeted(
    planned: list[tuple[Candidate, ChangedFunction]], req: ScanRequest, deps: Deps, floor: int
) -> tuple[list[tuple[Candidate, ChangedFunction]], SandboxSpec]:
    """The candidates with their share of ``req.budget_minutes`` and a sandbox that allows it."""
    if req.budget_minutes is None or not planned:
        return planned, SandboxSpec(seed=req.seed)
    shares = spread([risk_score(fn, deps.rules)[0] for _, fn in planned], req.budget_minutes)
    out = []
    for (cand, fn), n in zip(planned, shares, strict=True):
        deadline = max(floor, round(n * CPU_S_PER_EXAMPLE * 4))  # wall, with slack for load
        params = {**cand.params, "max_examples": n, "deadline_s": deadline}
        out.append((replace(cand, params=params, timeout_s=deadline * 3 + 30), fn))
    wall = max(600.0, 2 * req.budget_minutes * 60)
    return out, SandboxSpec(seed=req.seed, limits=replace(Limits(), wall_timeout_s=wall))


def _tree(
    repo: Path, cache_dir: Path, limits: TreeLimits
) -> tuple[Path, frozenset[str], str, list[str]]:
    try:
        git = GitRepo(repo, limits=limits)
    except RepositoryError:
        if not repo.is_dir():
            raise UsageError(f"not a directory: {repo}") from None
        files = frozenset(
            p.relative_to(repo).as_posix()
            for p in repo.rglob("*.py")
            if not any(part.startswith(".") for part in p.relative_to(repo).parts)
        )
        return repo, files, "worktree", []
    sha = git.resolve("HEAD")
    tree = git.materialize(sha, cache_dir / "trees")
    plan = git.tree_plan(sha)
    return tree, frozenset(plan.files), sha, left_out_notes("tree", plan)


def is_test_path(path: str) -> bool:
    """A test file: under a ``tests``/``test`` directory, ``test_*.py``, ``*_test.py``, conftest."""
    *dirs, name = path.split("/")
    if any(d in ("tests", "test") for d in dirs):
        return True
    return name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py")


def is_test_function(fn: ChangedFunction) -> bool:
    """A test: ``test_*`` functions and anything in a ``Test*`` class (pytest's defaults)."""
    parts = fn.function.split(".")
    return parts[-1].startswith("test_") or parts[-1] == "test" or parts[0].startswith("Test")


def _all_functions(path: str, source: str) -> list[ChangedFunction]:
    lines = tuple(range(1, source.count("\n") + 2))
    change = FileChange(path=path, old_path=None, status="added", added_lines=lines)
    fns, _ = changed_functions(None, source, change)
    return fns


def scan(req: ScanRequest, deps: Deps) -> Report:
    started = time.monotonic()
    if req.tier not in BUDGETS:
        raise UsageError(f"unknown tier {req.tier!r}")
    tree, files, sha, left_out = _tree(req.repo, deps.cache_dir, deps.limits)
    config, errors = tree_config(tree)
    notes = [f"config: {e}" for e in errors] + left_out
    globs = req.paths or (config.nightly.paths if config.nightly else ()) or ("**",)
    chosen = sorted(
        p for p in files if p.endswith(".py") and any(path_matches(g, p) for g in globs)
    )
    skipped: list[Skipped] = []
    sources: dict[str, str] = {}
    functions: list[ChangedFunction] = []
    documented: list[ChangedFunction] = []  # every function whose docstring has examples
    modules: dict[str, tuple[str, str]] = {}
    deps.progress(f"scanning {len(chosen)} files")
    for path in chosen:
        source = read_tree_text(tree, path, _MAX_BYTES)  # no symlink followed, size first
        if source is None:
            skipped.append(Skipped(path, "unreadable or too large"))
            continue
        sources[path] = source  # tests too: their literals are worth trying
        if is_test_path(path):
            continue
        try:
            fns = _all_functions(path, source)
        except HeadSyntaxError as err:
            skipped.append(Skipped(path, f"syntax error at line {err.line}"))
            continue
        # financial logic: a money signal, or an invariant of the rules that applies (date
        # arithmetic, day counts, calendars are checked even where no money word shows)
        money = [
            f
            for f in fns
            if not is_test_function(f)
            and (is_money(f, deps.rules) or bound_invariants(deps.rules, f))
        ]
        examples = [f for f in fns if ">>>" in (f.docstring or "") and not is_test_function(f)]
        if money or examples:
            ref = module_for(path, set(files))
            modules[path] = (ref.import_root, ref.module)
            functions.extend(money)
            documented.extend(examples)
    budget = BUDGETS[req.tier]
    if req.budget_minutes is None:
        functions = functions[: budget.max_functions * 4]
    else:  # a night's budget: every function, the riskiest first, examples by risk
        functions, _ = select_functions(functions, len(functions), rules=deps.rules)
    ctx = GenerationContext(
        head_tree=tree, base_tree=None, head_files=files, base_files=frozenset(),
        rules=deps.rules, seed=req.seed, tier=req.tier, budget=budget,
        head_sources=sources, modules=modules,
    )  # fmt: skip
    planned = []
    for n, fn in enumerate(functions):
        if fn.nested or fn.is_async or (fn.is_method and "staticmethod" not in fn.decorators):
            continue
        try:
            cand = differential_candidate(fn, ctx, f"scan-{n}", equivalence=False)
        except (ValueError, TypeError, ArithmeticError, RecursionError, KeyError) as exc:
            # Reading the tree's source is best effort, as for a check (one odd function
            # must not stop the scan of the others): said in the report, never a traceback.
            notes.append(f"{fn.path}::{fn.function}: not scanned ({type(exc).__name__})")
            continue
        if cand is not None:
            planned.append((cand, fn))
    planned, spec = _budgeted(planned, req, deps, budget.function_seconds)
    # The docstrings' own examples, run as written: one candidate for the whole tree.
    docs = capped(read_doctests(documented, ctx, at_rest=True), notes)
    doc_cand = doctest_candidate(docs, "scan-doctests", sides=("head",)) if docs else None
    # The tree's declared dependencies, installed as for a check (a cached layer / virtualenv),
    # only when something will run.
    runs = planned or docs
    image = deps.image_for(config, tree) if deps.image_for and runs else None
    if image is not None:
        spec = replace(spec, image=image)
    if runs and isinstance(deps.image_for, NotedImages):
        notes.extend(deps.image_for.notes)
    spent = Spent(tier_path=[req.tier])
    roots = tuple(sorted({root for root, _ in modules.values()} | {"."}))
    evidence = []
    if runs:
        cands = tuple(c for c, _ in planned) + ((doc_cand,) if doc_cand is not None else ())
        ws = Workspace(head=tree, candidates=cands, import_roots=roots)
        deps.progress(
            f"sandbox: invariants for {len(planned)} functions, examples of {len(docs)} docstrings"
        )
        result = deps.runner.run(ws, spec)
        spent.sandbox_runs += 1
        if not result.ok:
            raise InfrastructureError(f"sandbox failed during scan: {result.infrastructure_error}")
        gen = DifferentialGenerator()
        for cand, fn in planned:
            res = result.candidates.get(cand.id)
            if res is not None:
                found = [e for e in gen.interpret(res, [fn], ctx) if e.source == "invariant"]
                spent.examples += sum(e.examples for e in found)
                evidence.extend(found)
        res = result.candidates.get(doc_cand.id) if doc_cand is not None else None
        if res is not None:
            evidence.extend(doctest_evidence(res, docs, at_rest=True))
    confs = confirmations(evidence, sides=("head",))
    states: dict[int, bool | None] = {}
    if confs:
        ws = Workspace(head=tree, candidates=tuple(c.candidate for c in confs), import_roots=roots)
        result = deps.runner.run(ws, SandboxSpec(seed=req.seed, image=image))
        spent.sandbox_runs += 1
        if not result.ok:
            raise InfrastructureError(f"sandbox failed during scan: {result.infrastructure_error}")
        states = {
            i: confirmed(result.candidates.get(c.candidate.id), head_only=True)
            for i, c in enumerate(confs)
        }
    findings, verdict_notes = judge(evidence, states, confs, diff_lines={}, risky=set(), scan=True)
    # One tree, no base: a witness shows the call, the result and the test, nothing for base.
    findings = [
        replace(f, witness=replace(f.witness, base="")) if f.witness is not None else f
        for f in findings
    ]
    notes.extend(verdict_notes)
    findings.extend(
        risk_findings(functions, deps.rules, {}, verified={(f.path, f.function) for f in findings})
    )
    scanned = {(f.path, f.function): f for f in [*functions, *(d.function for d in docs)]}
    spent.seconds = round(time.monotonic() - started, 3)
    return Report(
        base="", head=sha, tier=req.tier, changed_functions=tuple(scanned.values()),
        findings=tuple(findings), spent=spent, skipped=tuple(skipped), notes=tuple(notes),
        title=f"scan of {req.repo}",
    )  # fmt: skip
