"""A labelled benchmark corpus: its cases, and each case as a git repository.

A corpus (``bench/corpus``, ``bench/realistic``, ``bench/field``: ``manifest.json`` plus the
pinned ``sources/``) lists cases; each materializes as a git repository with a base and a head
commit whose subject and body are the PR title and description.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS = ("bug", "refactor", "fix")


GIT_ENV = {
    "GIT_AUTHOR_NAME": "deepcheck bench",
    "GIT_AUTHOR_EMAIL": "bench@deepcheck.invalid",
    "GIT_COMMITTER_NAME": "deepcheck bench",
    "GIT_COMMITTER_EMAIL": "bench@deepcheck.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}


class CorpusError(Exception):
    """The corpus is missing or malformed (a usage error for the command line)."""


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # bug | refactor | fix
    module: str
    path: str  # repo-relative path of the changed module
    bundle: str  # directory under sources/ that becomes the repository
    function: str  # qualified name of the changed function
    category: str  # money | date | other
    operator: str  # mutation operator or refactor kind ("generator" in the tables)
    title: str
    description: str
    patch: str  # unified diff base → head
    base_patch: str | None = None  # applied to the snapshot to make base (fixes)
    change: str = ""
    origin: str = ""
    witness: Mapping[str, str] | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Case:
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in names})


def load_corpus(corpus: Path) -> list[Case]:
    manifest = corpus / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CorpusError(f"no corpus manifest at {manifest}") from exc
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{manifest}: not JSON ({exc.msg}, line {exc.lineno})") from exc
    try:
        return [Case.from_json(c) for c in data["cases"]]
    except (KeyError, TypeError) as exc:
        raise CorpusError(f"{manifest}: malformed case ({exc})") from exc


def select_cases(
    cases: Sequence[Case], limit: int | None, *, seed: int = 0, kinds: Iterable[str] = KINDS
) -> list[Case]:
    """A deterministic subset of ``limit`` cases, stratified by kind then module (round robin)."""
    wanted = [c for c in cases if c.kind in set(kinds)]
    if limit is None or limit >= len(wanted):
        return wanted
    rng = random.Random(seed)
    strata: dict[tuple[str, str], list[Case]] = {}
    for c in wanted:
        strata.setdefault((c.kind, c.module), []).append(c)
    for group in strata.values():
        rng.shuffle(group)
    # Bugs first in proportion: half the sample, the rest split between refactors and fixes.
    share = {"bug": 0.5, "refactor": 0.3, "fix": 0.2}
    picked: list[Case] = []
    for kind in KINDS:
        quota = round(limit * share[kind]) if kind != "fix" else limit - len(picked)
        groups = [g for (k, _m), g in sorted(strata.items()) if k == kind]
        taken = 0
        while taken < quota and any(groups):
            for g in groups:
                if g and taken < quota:
                    picked.append(g.pop())
                    taken += 1
    return picked


def run_git(repo: Path, *args: str, stdin: str | None = None) -> None:
    env = {**os.environ, **GIT_ENV}
    subprocess.run(
        ["git", "-C", str(repo), *args], check=True, env=env, capture_output=True, input=stdin,
        text=True,
    )  # fmt: skip


def materialize(case: Case, corpus: Path, dest: Path) -> Path:
    """The case as a git repository: ``main~1`` is base, ``main`` the PR (title + description)."""
    src = corpus / "sources" / case.bundle
    if not src.is_dir():
        raise CorpusError(f"case {case.id}: no sources for bundle {case.bundle!r} in {corpus}")
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__"))
    run_git(dest, "init", "-q", "-b", "main")
    if case.base_patch:
        run_git(dest, "apply", "-", stdin=case.base_patch)
    run_git(dest, "add", "-A")
    run_git(dest, "commit", "-q", "-m", f"{case.module}: as shipped")
    run_git(dest, "apply", "-", stdin=case.patch)
    run_git(dest, "add", "-A")
    run_git(dest, "commit", "-q", "-m", case.title, "-m", case.description or case.title)
    return dest
