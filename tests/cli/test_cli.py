"""``deepcheck check`` end to end through the real entry point and the process sandbox."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.gitrepos import make_repo

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "interest"

INTEREST_BASE = (EXAMPLE / "base" / "ledger" / "interest.py").read_text()
INTEREST_HEAD = (EXAMPLE / "head" / "ledger" / "interest.py").read_text()


def deepcheck(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "DEEPCHECK_CACHE_DIR": str(cache), "HOME": str(cache)},
        cwd=REPO,
    )


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_not_a_repository_is_a_one_line_usage_error(tmp_path: Path, cache: Path) -> None:
    proc = deepcheck("check", "--repo", str(tmp_path), "--base", "HEAD~1", cache=cache)
    assert proc.returncode == 2
    assert "not a git repository" in one_line(proc)


def test_unknown_revision_names_it(tmp_path: Path, cache: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"}, {"a.py": "x = 2\n"})
    proc = deepcheck("check", "--repo", str(repo), "--base", "nope", cache=cache)
    assert proc.returncode == 2
    assert "'nope'" in one_line(proc)


def test_empty_range(tmp_path: Path, cache: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"}, {"a.py": "x = 2\n"})
    proc = deepcheck("check", "--repo", str(repo), "--base", "main", "--head", "main", cache=cache)
    assert proc.returncode == 2
    assert "empty range" in one_line(proc)


@pytest.mark.parametrize(
    ("flag", "value"), [("--format", "xml"), ("--tier", "huge"), ("--sandbox", "vm")]
)
def test_bad_choices_exit_2(tmp_path: Path, cache: Path, flag: str, value: str) -> None:
    proc = deepcheck("check", "--base", "HEAD~1", flag, value, cache=cache)
    assert proc.returncode == 2
    assert flag in one_line(proc)


def test_interest_off_by_one_is_verified_json_contract(tmp_path: Path, cache: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {"ledger/__init__.py": "", "ledger/interest.py": INTEREST_BASE},
        {"ledger/interest.py": INTEREST_HEAD},
        title="Tidy up the interest loops",
    )
    proc = deepcheck(
        "check", "--repo", str(repo), "--base", "main~1", "--head", "main",
        "--format", "json", "--sandbox", "process", "--tier", "quick", cache=cache,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["version"] == 1
    assert set(doc) >= {"version", "base", "head", "tier", "changed_functions", "findings", "spent"}
    assert doc["tier"] == "quick"
    assert {f["function"] for f in doc["changed_functions"]} == {"compound", "simple_interest"}
    [finding] = doc["findings"]
    # rules/invariants.yml's exact compound properties make the skipped period a defect
    assert finding["kind"] == "defect" and "invariant" in finding["sources"]
    assert finding["verified"] is True
    assert finding["function"] == "compound"
    assert finding["path"] == "ledger/interest.py"
    assert finding["line"] in (11, 12)  # the changed loop, on the head side of the diff
    witness = finding["witness"]
    assert witness["call"].startswith("compound(")
    assert witness["base"] != witness["head"]
    assert "def test_" in witness["test"]
    assert finding["sources"] == ["differential", "invariant"]
    spent = doc["spent"]
    assert spent["tier_path"] == ["quick"]
    assert spent["sandbox_runs"] >= 2
    assert spent["examples"] > 0


def test_behaviour_preserving_refactor_is_clean(tmp_path: Path, cache: Path) -> None:
    base = INTEREST_BASE
    head = base.replace(
        "interest = principal * rate * periods", "earned = principal * rate * periods"
    )
    head = head.replace("return interest.quantize", "return earned.quantize")
    repo = make_repo(
        tmp_path / "r",
        {"ledger/__init__.py": "", "ledger/interest.py": base},
        {"ledger/interest.py": head},
    )
    out = tmp_path / "report.json"
    proc = deepcheck(
        "check", "--repo", str(repo), "--base", "main~1", "--sandbox", "process",
        "--tier", "quick", "--format", "json", "--output", str(out), cache=cache,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert [f for f in doc["findings"] if f["verified"]] == []
    assert [f["function"] for f in doc["changed_functions"]] == ["simple_interest"]


def test_syntax_error_on_head_is_a_defect_at_its_line(tmp_path: Path, cache: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {"calc.py": "def f(x):\n    return x + 1\n"},
        {"calc.py": "def f(x):\n    return x +\n"},
    )
    proc = deepcheck(
        "check", "--repo", str(repo), "--base", "main~1", "--sandbox", "process",
        "--format", "json", cache=cache,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    [finding] = json.loads(proc.stdout)["findings"]
    assert finding["kind"] == "defect"
    assert finding["line"] == 2
    assert finding["verified"] is True


def test_binary_and_non_python_files_are_skipped_and_listed(tmp_path: Path, cache: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {"README.md": "a\n", "logo.png": b"\x89PNG\x00\x01"},
        {"README.md": "b\n", "logo.png": b"\x89PNG\x00\x02"},
    )
    proc = deepcheck(
        "check", "--repo", str(repo), "--base", "main~1", "--sandbox", "process",
        "--format", "json", cache=cache,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    skipped = {s["path"]: s["reason"] for s in json.loads(proc.stdout)["skipped"]}
    assert skipped == {"README.md": "not python", "logo.png": "binary"}


def test_broken_config_is_reported_with_line_and_run_continues(tmp_path: Path, cache: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {"calc.py": "def f(x: int) -> int:\n    return x + 1\n"},
        {"calc.py": "def f(x: int) -> int:\n    return x + 2\n", ".deepcheck.yml": "fail_on: [\n"},
    )
    proc = deepcheck(
        "check", "--repo", str(repo), "--base", "main~1", "--sandbox", "process",
        "--tier", "quick", "--format", "json", cache=cache,
    )  # fmt: skip
    doc = json.loads(proc.stdout)
    assert any(".deepcheck.yml:" in note for note in doc["notes"]), doc["notes"]
    assert proc.returncode == 1  # the change itself was still checked
    assert doc["findings"][0]["kind"] == "behavior-change"


def test_missing_and_unknown_options_are_one_line(cache: Path) -> None:
    proc = deepcheck("check", cache=cache)
    assert proc.returncode == 2
    assert "--base" in one_line(proc)
    proc = deepcheck("check", "--base", "x", "--bogus", cache=cache)
    assert proc.returncode == 2
    assert "--bogus" in one_line(proc)


def test_a_change_whose_module_cannot_import_is_unverified_not_a_pass(
    tmp_path: Path, cache: Path
) -> None:
    """A dependency the sandbox lacks: no silent PASS, exit 3, the reason named first."""
    base = (
        "import text_unidecode_missing\n\n\ndef slug(text: str) -> str:\n    return text.lower()\n"
    )
    head = base.replace("text.lower()", "text.lower().strip()")
    repo = make_repo(tmp_path / "r", {"slugs.py": base}, {"slugs.py": head})
    proc = deepcheck(
        "check", "--repo", str(repo), "--base", "main~1", "--head", "main",
        "--sandbox", "process", "--tier", "quick", "--format", "json", cache=cache,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last == (
        "deepcheck: UNVERIFIED: 0 of 1 changed function could be run: cannot import: "
        "ModuleNotFoundError: No module named 'text_unidecode_missing'"
    )
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert data["findings"] == []
    verification = data["verification"]
    assert (verification["analysed"], verification["checked"]) == (1, 0)
    assert verification["unverified"] is True
    [gap] = verification["unchecked"]
    assert gap["function"] == "slug" and gap["cause"] == "could-not-run"
    assert "text_unidecode_missing" in gap["reason"]
    text = deepcheck(
        "check", "--repo", str(repo), "--base", "main~1", "--sandbox", "process",
        "--tier", "quick", cache=cache,
    )  # fmt: skip
    assert text.returncode == 3
    assert text.stdout.splitlines()[2].startswith("UNVERIFIED: 0 of 1 changed function")
    assert "PASS" not in text.stdout
