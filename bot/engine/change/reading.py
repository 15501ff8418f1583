"""Reading a change: trees, diff, changed functions, module names, what is skipped.

Everything here reads files as text and parses them with ``ast``; nothing is imported or run.
Files are read from the trees :meth:`bot.git.GitRepo.materialize` wrote (plain files only)
through :func:`bot.git.read_tree_text`, which follows no symlink and checks the size first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine.change.diff import FileChange, parse_diff
from bot.engine.change.functions import HeadSyntaxError, changed_functions
from bot.engine.plan import BUDGETS, select_functions
from bot.engine.repo_config import CONFIG_FILE, RepoConfig, load_repo_config
from bot.engine.source.modules import module_for
from bot.errors import ConfigError, RepositoryError
from bot.fingerprint import finding_id
from bot.git import GitRepo, TreePlan, read_tree_text
from bot.models import ChangedFunction, Finding, Skipped, Witness

_MAX_SOURCE_BYTES = 1_000_000
_MAX_CONFIG_BYTES = 200_000
_MAX_LEFT_OUT_NOTES = 10


@dataclass
class Analysis:
    base_tree: Path
    head_tree: Path
    base_files: frozenset[str]
    head_files: frozenset[str]
    config: RepoConfig
    functions: list[ChangedFunction] = field(default_factory=list)
    analysed: list[ChangedFunction] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    diff_lines: dict[str, frozenset[int]] = field(default_factory=dict)
    modules: dict[str, tuple[str, str]] = field(default_factory=dict)
    head_sources: dict[str, str] = field(default_factory=dict)
    import_roots: tuple[str, ...] = (".",)


def _read(tree: Path, rel: str) -> str | None:
    return read_tree_text(tree, rel, _MAX_SOURCE_BYTES)


def tree_config(tree: Path) -> tuple[RepoConfig, list[ConfigError]]:
    """``.deepcheck.yml`` of a materialized tree (defaults when there is none)."""
    if not os.path.lexists(tree / CONFIG_FILE):
        return RepoConfig(), []
    text = read_tree_text(tree, CONFIG_FILE, _MAX_CONFIG_BYTES)
    if text is None:
        why = f"cannot read: not a UTF-8 file under {_MAX_CONFIG_BYTES:,} bytes (using defaults)"
        return RepoConfig(), [ConfigError(CONFIG_FILE, None, why)]
    return load_repo_config(text, label=CONFIG_FILE)


def left_out_notes(side: str, plan: TreePlan) -> list[str]:
    """One note per entry the materialized tree left out (a few, then a count)."""
    items = sorted(plan.left_out.items())
    notes = [f"{side}: {path} left out ({why})" for path, why in items[:_MAX_LEFT_OUT_NOTES]]
    if len(items) > _MAX_LEFT_OUT_NOTES:
        notes.append(f"{side}: {len(items) - _MAX_LEFT_OUT_NOTES} more entries left out")
    return notes


def _syntax_finding(err: HeadSyntaxError, change: FileChange) -> Finding:
    line = err.line or 1
    in_diff = line in change.diff_lines
    fid = finding_id("defect", err.path, "<module>", f"syntax:{err.message}")
    return Finding(
        id=fid,
        kind="defect",
        severity="high",
        verified=True,
        path=err.path,
        line=line,
        function="<module>",
        title=f"{err.path} does not compile on head",
        message=f"`compile()` fails on head: {err.message} (line {line}).",
        witness=Witness(
            call=f"compile(open({err.path!r}).read(), {err.path!r}, 'exec')",
            base="compiles",
            head=f"SyntaxError: {err.message}",
            test=(
                f"import py_compile\n\n\ndef test_compiles():\n"
                f"    py_compile.compile({err.path!r}, doraise=True)\n"
            ),
        ),
        confidence=1.0,
        sources=("compile",),
        samples=1,
        votes=1,
        in_diff=in_diff,
    )


def analyse(
    repo: GitRepo,
    base_sha: str,
    head_sha: str,
    cache_dir: Path,
    *,
    config: RepoConfig | None = None,
) -> Analysis:
    changes = parse_diff(repo.diff(base_sha, head_sha))
    if not changes:
        raise RepositoryError(
            f"empty range: no changes between {base_sha[:12]} and {head_sha[:12]}"
        )
    trees = cache_dir / "trees"
    base_tree = repo.materialize(base_sha, trees, side="base")
    head_tree = repo.materialize(head_sha, trees, side="head")
    base_plan, head_plan = repo.tree_plan(base_sha), repo.tree_plan(head_sha)
    base_files = frozenset(base_plan.files)
    head_files = frozenset(head_plan.files)
    errors: list[ConfigError] = []
    if config is None:
        config, errors = tree_config(head_tree)
    out = Analysis(base_tree, head_tree, base_files, head_files, config)
    out.notes.extend(f"config: {e}" for e in errors)
    out.notes.extend(left_out_notes("head", head_plan))
    py_head = [p for p in head_files if p.endswith(".py")]
    for path in sorted(py_head):
        text = _read(head_tree, path)
        if text is not None:
            out.head_sources[path] = text
    roots: set[str] = set()
    for change in changes:
        out.diff_lines[change.path] = frozenset(change.diff_lines)
        if change.is_binary:
            out.skipped.append(Skipped(change.path, "binary"))
            continue
        if change.status == "deleted":
            out.skipped.append(Skipped(change.old_path or change.path, "deleted"))
            continue
        if not change.path.endswith(".py"):
            out.skipped.append(Skipped(change.path, "not python"))
            continue
        head_src = out.head_sources.get(change.path)
        if head_src is None:
            out.skipped.append(Skipped(change.path, "unreadable or too large"))
            continue
        base_src = _read(base_tree, change.old_path) if change.old_path else None
        try:
            fns, skipped = changed_functions(base_src, head_src, change)
        except HeadSyntaxError as err:
            out.findings.append(_syntax_finding(err, change))
            out.skipped.append(Skipped(change.path, f"syntax error at line {err.line}"))
            continue
        out.functions.extend(fns)
        out.skipped.extend(skipped)
        ref = module_for(change.path, set(head_files))
        out.modules[change.path] = (ref.import_root, ref.module)
        roots.add(ref.import_root)
        if change.old_path:
            bref = module_for(change.old_path, set(base_files))
            out.modules[f"base:{change.old_path}"] = (bref.import_root, bref.module)
            roots.add(bref.import_root)
    cap = min(BUDGETS["deep"].max_functions, config.max_functions or 10**9)
    analysed, not_analysed = select_functions(out.functions, cap)
    out.analysed = analysed
    out.skipped.extend(Skipped(f.path, "over budget", f.function) for f in not_analysed)
    out.import_roots = tuple(sorted(roots | {"."}))
    return out
