"""The corpus generator on one function: valid bug, refactor and fix cases that materialize."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import pytest

from bench.corpus import generate
from bench.corpus.generate import build, functions, variants
from bench.corpus.sources import Target
from bot.benchmark.corpus import Case, load_corpus, materialize

REPO = Path(__file__).resolve().parents[2]

SOURCE = '''"""Late fees."""


def late_fee(days, rate=2, cap=50):
    """The fee for paying ``days`` late."""
    if days <= 0:
        return 0
    fees = [rate * d for d in range(days) if d >= 1]
    total = sum(fees)
    if total > cap:
        return cap
    else:
        total = total + 1
    return min(total, cap)
'''
TARGET = Target("money", "fees/late.py", "fees.late", "money", "test")


@pytest.fixture
def snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "corpus"
    (root / "sources" / "money" / "fees").mkdir(parents=True)
    (root / "sources" / "money" / "fees" / "__init__.py").write_text("")
    (root / "sources" / "money" / "fees" / "late.py").write_text(SOURCE)
    monkeypatch.setattr(generate, "SNAPSHOT", root / "sources")
    return root


def test_one_function_yields_mutants_of_each_operator_and_refactors() -> None:
    fns = functions(TARGET, SOURCE)
    assert [f.qualname for f in fns] == ["late_fee"]
    assert [p["name"] for p in fns[0].params] == ["days", "rate", "cap"]
    vs = variants(fns, SOURCE, 0)
    bugs = [v for v in vs if v.kind == "bug"]
    refs = [v for v in vs if v.kind == "refactor"]
    assert 1 <= len(bugs) <= generate.MAX_MUTANTS
    assert 1 <= len(refs) <= generate.MAX_REFACTORS
    for v in vs:
        ast.parse(v.text)  # every variant is valid Python
        assert v.text != SOURCE
        # only the function changed: the module docstring and header are intact
        assert v.text.startswith('"""Late fees."""\n\n\ndef late_fee(days, rate=2, cap=50):')


def test_mutant_operators_cover_the_brief() -> None:
    from libcst import parse_module

    from bench.corpus.mutants import mutants

    fn = parse_module(SOURCE).body[1]
    ops = {m.operator for m in mutants(fn)}  # type: ignore[arg-type]
    assert {"off-by-one", "boundary", "operator", "min-max", "special-case"} <= ops


def test_refactors_are_the_named_kinds() -> None:
    from libcst import parse_module

    from bench.corpus.refactors import refactors

    fn = parse_module(SOURCE).body[1]
    kinds = {r.kind for r in refactors(fn, {"days", "rate", "cap"})}  # type: ignore[arg-type]
    assert {"rename-locals", "extract-variable", "invert-branch", "early-return",
            "comprehension-to-loop"} <= kinds  # fmt: skip


def test_build_labels_and_materializes(snapshot: Path, tmp_path: Path) -> None:
    fns = functions(TARGET, SOURCE)
    vs = variants(fns, SOURCE, 0)
    for v in vs:  # as the sandbox would label them
        if v.kind == "bug":
            v.label = "witness"
            v.witness = {"call": "late_fee(1)", "base": "ok:0", "head": "ok:2"}
        else:
            v.label = "none"
    bugs = [v for v in vs if v.kind == "bug"]
    bugs[-1].label = "none"  # indistinguishable: never a case
    cases, stats = build(vs)
    kinds = [c["kind"] for c in cases]
    assert kinds.count("bug") == min(2, len({v.operator for v in bugs[:-1]}))
    assert kinds.count("refactor") == 1
    assert stats["bug"]["labels"]["none"] == 1
    assert all(c["id"] != f"bug-{bugs[-1].vid}" for c in cases)
    bug = next(c for c in cases if c["kind"] == "bug")
    mutant = _variant_text(bug["id"].split("-", 1)[1])
    fix = {**bug, "id": "fix-x", "kind": "fix", "base_patch": bug["patch"],
           "patch": generate._patch("fees/late.py", mutant, SOURCE)}  # fmt: skip
    (snapshot / "manifest.json").write_text(json.dumps({"cases": [*cases, fix]}))
    loaded = load_corpus(snapshot)
    for case in loaded:
        repo = materialize(case, snapshot, tmp_path / "repos" / case.id)
        log = _git(repo, "log", "--format=%s", "-2").splitlines()
        assert log[0] == case.title
        head = _git(repo, "show", "main:fees/late.py")
        base = _git(repo, "show", "main~1:fees/late.py")
        assert head != base
        if case.kind == "fix":
            assert head.strip() == SOURCE.strip()
        else:
            assert base.strip() == SOURCE.strip()


def _variant_text(vid: str) -> str:
    return next(v.text for v in variants(functions(TARGET, SOURCE), SOURCE, 0) if v.vid == vid)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def test_the_committed_corpus_meets_the_brief() -> None:
    cases = load_corpus(REPO / "bench" / "corpus")
    assert len(cases) >= 200
    assert len({c.module for c in cases}) >= 6
    money_date = [c for c in cases if c.category in ("money", "date")]
    assert len(money_date) * 2 >= len(cases)
    assert {c.kind for c in cases} == {"bug", "refactor", "fix"}
    assert all(c.witness for c in cases if c.kind in ("bug", "fix"))
    assert len({c.id for c in cases}) == len(cases)
    assert all(isinstance(c, Case) and c.patch.startswith("--- a/") for c in cases)
