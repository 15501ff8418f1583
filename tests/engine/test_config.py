"""``.deepcheck.yml``: every key, and a broken file reported with path and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.engine.repo_config import (
    CONFIG_FILE,
    RepoConfig,
    SandboxConfig,
    load_repo_config,
    path_matches,
)

FULL = """\
tiers:
  - paths: ["ledger/**", "billing/*.py"]
    tier: deep
  - paths: [docs]
    tier: quick
rules: [.deepcheck/bank.yml]
sandbox:
  image: deepcheck-sandbox:py311
  install: pip install -e .
nightly:
  paths: ["ledger/**"]
  time: "02:30"
fail_on: [defect]
skip: ["migrations/**", "*_pb2.py"]
max_functions: 40
"""


def load(text: str) -> tuple[RepoConfig, list[str]]:
    config, errors = load_repo_config(textwrap.dedent(text))
    return config, [str(e) for e in errors]


def test_every_key() -> None:
    config, errors = load(FULL)
    assert errors == []
    assert config.tiers[0].paths == ("ledger/**", "billing/*.py")
    assert config.tier_for("ledger/interest.py") == "deep"
    assert config.tier_for("billing/fees.py") == "deep"
    assert config.tier_for("billing/sub/fees.py") is None
    assert config.tier_for("docs/conf.py") == "quick"
    assert config.rules == (".deepcheck/bank.yml",)
    assert config.sandbox == SandboxConfig(
        image="deepcheck-sandbox:py311", install="pip install -e ."
    )
    assert config.nightly is not None and config.nightly.time == "02:30"
    assert config.in_nightly("ledger/a.py") and not config.in_nightly("app/a.py")
    assert config.fail_on == ("defect",)
    assert config.is_skipped("app/migrations/0001.py") is False
    assert config.is_skipped("migrations/0001.py") and config.is_skipped("pkg/x_pb2.py")
    assert config.max_functions == 40


def test_defaults() -> None:
    config, errors = load("")
    assert errors == [] and config == RepoConfig()
    assert config.fail_on == ("defect", "behavior-change")
    assert config.sandbox == SandboxConfig() and config.nightly is None
    assert config.tier_for("x.py") is None and not config.is_skipped("x.py")


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_repo_config(tmp_path / CONFIG_FILE) == (RepoConfig(), [])


def test_file_errors_carry_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / CONFIG_FILE
    path.write_text("max_functions: lots\nfail_on: [defect]\n", encoding="utf-8")
    config, errors = load_repo_config(path)
    assert [str(e) for e in errors] == [
        ".deepcheck.yml:1: max_functions: Input should be a valid integer, unable to parse "
        "string as an integer (using the default)"
    ]
    assert config.max_functions is None and config.fail_on == ("defect",)


def test_invalid_yaml_gives_all_defaults_and_the_line() -> None:
    config, errors = load("fail_on: [defect]\ntiers:\n  - paths: [a\n    tier: deep\n")
    assert config == RepoConfig()
    assert len(errors) == 1 and errors[0].startswith(
        ".deepcheck.yml:4: invalid YAML: expected ',' or ']'"
    )
    assert errors[0].endswith("(using defaults)")


def test_unknown_keys_are_ignored_with_a_warning() -> None:
    config, errors = load("max_functions: 3\ncolour: blue\nsandbox:\n  image: x\n  gpu: true\n")
    assert config.max_functions == 3 and config.sandbox.image == "x"
    assert errors[0].startswith(".deepcheck.yml:2: unknown key 'colour' (ignored; known: tiers")
    assert errors[1] == ".deepcheck.yml:5: unknown key 'sandbox.gpu' (ignored)"


def test_a_bad_tier_drops_that_entry_only() -> None:
    config, errors = load("""\
        tiers:
          - paths: [a/**]
            tier: deep
          - paths: [b/**]
            tier: thorough
          - tier: standard
        """)
    assert [t.tier for t in config.tiers] == ["deep"]
    assert errors == [
        ".deepcheck.yml:5: tiers.1.tier: Input should be 'quick', 'standard' or 'deep' "
        "(entry dropped)",
        ".deepcheck.yml:6: tiers.2.paths: required key is missing (entry dropped)",
    ]


def test_bad_list_entries_are_dropped() -> None:
    config, errors = load("""\
        fail_on: [defect, risk]
        rules: [ok.yml, ../../etc/x.yml, /abs.yml]
        skip:
          - ""
          - build/**
        """)
    assert config.fail_on == ("defect",)
    assert config.rules == ("ok.yml",)
    assert config.skip == ("build/**",)
    assert [e.split(": ", 1)[0] for e in errors] == [
        ".deepcheck.yml:1",
        ".deepcheck.yml:2",
        ".deepcheck.yml:2",
        ".deepcheck.yml:4",
    ]
    assert "must be a path inside the repository (entry dropped)" in errors[1]


def test_a_key_of_the_wrong_shape_falls_back_to_its_default() -> None:
    config, errors = load("fail_on: defect\nsandbox: docker\nmax_functions: 0\n")
    assert config == RepoConfig()
    assert errors == [
        ".deepcheck.yml:1: fail_on: expected a list (using the default)",
        ".deepcheck.yml:2: sandbox: expected a mapping (using the default)",
        ".deepcheck.yml:3: max_functions: Input should be greater than or equal to 1 "
        "(using the default)",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"), [('"2:05"', "02:05"), ("12:30", "12:30"), ("'23:59'", "23:59")]
)
def test_nightly_time(raw: str, expected: str) -> None:
    config, errors = load(f"nightly:\n  paths: [a]\n  time: {raw}\n")
    assert errors == [] and config.nightly is not None and config.nightly.time == expected


def test_a_bad_nightly_time_is_reported_at_its_line() -> None:
    config, errors = load("nightly:\n  paths: [ledger/**]\n  time: '25:00'\n")
    assert config.nightly is None
    assert errors == [
        ".deepcheck.yml:3: nightly.time: time must be HH:MM (24 h, UTC), not "
        "'25:00' (using the default)"
    ]


def test_not_a_mapping_and_duplicate_keys() -> None:
    config, errors = load("- tiers\n")
    assert config == RepoConfig()
    assert errors == [".deepcheck.yml:1: expected a mapping of settings (using defaults)"]
    config, errors = load("max_functions: 3\nmax_functions: 4\n")
    assert errors == [".deepcheck.yml:2: duplicate key 'max_functions'"]
    assert config.max_functions == 4


def test_config_is_frozen() -> None:
    config, _ = load(FULL)
    with pytest.raises(ValidationError):
        config.max_functions = 1


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("ledger/**", "ledger/interest.py", True),
        ("ledger/**", "ledger/sub/fees.py", True),
        ("ledger/**", "app/ledger/fees.py", False),
        ("**/ledger/**", "app/ledger/fees.py", True),
        ("ledger/", "ledger/fees.py", True),
        ("ledger", "app/ledger/fees.py", True),
        ("*.py", "a/b/c.py", True),
        ("src/*.py", "src/a.py", True),
        ("src/*.py", "src/a/b.py", False),
        ("src/?.py", "src/a.py", True),
        ("./src/a.py", "src/a.py", True),
        ("/src/a.py", "src/a.py", True),
        ("migrations/**", "migrationsx/a.py", False),
        ("a.py", "ba.py", False),
    ],
)
def test_path_matches(pattern: str, path: str, matches: bool) -> None:
    assert path_matches(pattern, path) is matches
