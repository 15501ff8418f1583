"""``deepcheck bench`` end to end: three cases through the process backend, table, JSON, PNG."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bench.corpus import generate
from bench.corpus.generate import functions, variants
from bench.corpus.sources import Target
from bot.cli.bench import bench

SOURCE = '''"""Interest."""


def simple_interest(principal: int, rate_percent: int, years: int) -> int:
    """Whole-unit simple interest."""
    if years <= 0:
        return 0
    interest = principal * rate_percent * years // 100
    return interest
'''
TARGET = Target("money", "bank/interest.py", "bank.interest", "money", "test")


def _corpus(root: Path) -> Path:
    src = root / "sources" / "money" / "bank"
    src.mkdir(parents=True)
    (src / "__init__.py").write_text("")
    (src / "interest.py").write_text(SOURCE)
    vs = variants(functions(TARGET, SOURCE), SOURCE, 0)
    ref = next(v for v in vs if v.kind == "refactor")
    mutant = SOURCE.replace("// 100", "// 101")
    common = {"module": TARGET.module, "path": TARGET.path, "bundle": "money",
              "function": "simple_interest", "category": "money"}  # fmt: skip
    patch = generate._patch(TARGET.path, SOURCE, mutant)
    cases = [
        {**common, "id": "bug-1", "kind": "bug", "operator": "off-by-one", "patch": patch,
         "title": "Adjust interest", "description": "Use 101.", "witness": {"call": "x"}},
        {**common, "id": "fix-1", "kind": "fix", "operator": "off-by-one",
         "base_patch": patch, "patch": generate._patch(TARGET.path, mutant, SOURCE),
         "title": "Fix interest", "description": "Back to 100.", "witness": {"call": "x"}},
        {**common, "id": "refactor-1", "kind": "refactor", "operator": ref.operator,
         "patch": generate._patch(TARGET.path, SOURCE, ref.text),
         "title": "Refactor interest", "description": "No behaviour change intended."},
    ]  # fmt: skip
    (root / "manifest.json").write_text(json.dumps({"version": 1, "cases": cases}))
    return root


@pytest.mark.slow
def test_three_cases_end_to_end(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    app = typer.Typer()
    app.command()(bench)
    result = CliRunner().invoke(
        app,
        ["--corpus", str(corpus), "--tiers", "quick", "--sandbox", "process", "--output",
         str(out), "--quiet", "--budget", "120"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "bugs caught" in result.output
    data = json.loads((out / "bench.json").read_text())
    by_id = {r["id"]: r for r in data["results"]}
    assert set(by_id) == {"bug-1", "fix-1", "refactor-1"}
    assert all(r["status"] == "ok" for r in by_id.values()), by_id
    assert by_id["bug-1"]["caught"] and by_id["bug-1"]["witness"]
    assert not by_id["refactor-1"]["caught"]
    assert by_id["fix-1"]["label"] in ("defect", "behavior-change")
    s = data["summary"]["quick"]
    assert (s["bugs"], s["caught"], s["false_positives"]) == (1, 1, 0)
    assert s["sandbox_runs_mean"] >= 1
    assert (out / "bench.png").read_bytes()[:4] == b"\x89PNG"
    assert len(list((out / "cases").glob("*.json"))) == 3


def test_bad_tier_is_a_usage_error(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(bench)
    result = CliRunner().invoke(app, ["--tiers", "fast", "--corpus", str(tmp_path)])
    assert result.exit_code == 2


def test_missing_corpus_is_a_usage_error(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(bench)
    result = CliRunner().invoke(app, ["--corpus", str(tmp_path / "nope")])
    assert result.exit_code == 2
