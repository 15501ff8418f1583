"""Loading rule packs: the shipped packs, repository packs, and every error's path and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.engine.invariants import invariants_for
from bot.models import ChangedFunction, Param
from rules import RuleSet, load_rules, load_rules_reporting
from rules.errors import RulesError
from rules.loader import builtin_packs, parse_pack

GOOD_EXTRA = """\
pack: bank
roles:
  - role: points
    priority: 20
    names: ['(?i)^points$']
    type: int
    min: 0
    max: 500
    boundaries: [0, 250, 500]
invariants:
  - id: points-never-negative
    applies: {name: '^award'}
    bind: {p: [points]}
    when: "args[$p] >= 0"
    check: "result >= 0"
    message: Awards are never negative.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def pack_error(text: str) -> RulesError:
    with pytest.raises(RulesError) as info:
        parse_pack(textwrap.dedent(text), "rules/x.yml")
    return info.value


def test_builtin_packs_load_into_one_ruleset() -> None:
    rules = load_rules()
    assert isinstance(rules, RuleSet)
    assert {Path(p).name for p in rules.packs} == {p.name for p in builtin_packs()}
    assert {"amount", "rate", "percent", "count", "cents", "days", "date", "currency"} <= {
        r.role for r in rules.roles
    }
    assert len(rules.invariants) >= 8 and len(rules.risks) >= 5
    assert rules.tiers.scores and rules.words and rules.patterns
    assert rules.origins["invariants:zero-rate-identity"].startswith("rules/invariants.yml:")


def test_each_builtin_pack_is_valid_on_its_own() -> None:
    for path in builtin_packs():
        pack, _doc = parse_pack(path.read_text(encoding="utf-8"), path.name)
        assert pack.pack == path.stem


def test_version_is_a_content_hash(tmp_path: Path) -> None:
    first, second = load_rules(), load_rules()
    assert first.version == second.version and len(first.version) == 16
    write(tmp_path, "bank.yml", GOOD_EXTRA)
    extra = load_rules(["bank.yml"], root=tmp_path)
    assert extra.version != first.version
    write(tmp_path, "bank.yml", GOOD_EXTRA.replace("500]", "499]"))
    assert load_rules(["bank.yml"], root=tmp_path).version != extra.version


def test_extra_pack_adds_roles_with_priority_and_invariants(tmp_path: Path) -> None:
    write(tmp_path, "deepcheck/bank.yml", GOOD_EXTRA)
    rules = load_rules(["deepcheck/bank.yml"], root=tmp_path)
    assert rules.roles[0].role == "points"
    assert rules.packs[-1] == "deepcheck/bank.yml"
    fn = ChangedFunction("bank.py", "award", 1, 2, "modified", params=(Param("points", "int"),))
    assert [i["id"] for i in invariants_for(rules, fn)] == ["points-never-negative"]
    assert invariants_for(rules, fn)[0]["when"] == "args['points'] >= 0"


def test_later_pack_replaces_by_id_and_disable_removes(tmp_path: Path) -> None:
    write(
        tmp_path,
        "o.yml",
        """\
        pack: override
        disable: [float-equality, round-on-money]
        risks:
          - id: clock-in-money-logic
            title: clock
            message: nope
            severity: low
            match: {kind: call, func: '^now$'}
        """,
    )
    rules = load_rules(["o.yml"], root=tmp_path)
    ids = [r.id for r in rules.risks]
    assert "float-equality" not in ids and "round-on-money" not in ids
    clock = rules.risk("clock-in-money-logic")
    assert clock is not None and clock.severity == "low"
    assert rules.origins["risks:clock-in-money-logic"] == "o.yml:4"


def test_reporting_loader_skips_a_broken_repository_pack(tmp_path: Path) -> None:
    write(tmp_path, "good.yml", GOOD_EXTRA)
    write(tmp_path, "bad.yml", "pack: bad\nroles:\n  - role: x\n    names: ['(']\n    type: int\n")
    rules, errors = load_rules_reporting(["bad.yml", "good.yml", "missing.yml"], root=tmp_path)
    assert str(errors[0]).startswith("bad.yml:4: roles.0.names.0: bad regular")
    assert str(errors[1]) == "missing.yml: rules file not found"
    assert rules.role("points") is not None and rules.role("x") is None
    assert rules.packs[-1] == "good.yml"


def test_a_rules_file_must_be_inside_the_repository(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="inside the repository"):
        load_rules(["../outside.yml"], root=tmp_path / "repo")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("pack: x\nroles: [\n", 3, "invalid YAML"),
        ("- a\n- b\n", 1, "a rule pack is a mapping"),
        ("description: no name\n", 1, "pack: required key is missing"),
        ("pack: x\ncolour: red\n", 2, "unknown key 'colour'"),
        ("pack: x\npack: y\n", 2, "duplicate key 'pack'"),
        ("pack: Bad Name\n", 1, "pack: String should match pattern"),
        (
            "pack: x\nroles:\n  - role: amt\n    names:\n      - ok\n      - '[unclosed'\n"
            "    type: decimal\n    min: 0\n    max: 1\n",
            6,
            "roles.0.names.1: bad regular expression '[unclosed'",
        ),
        (
            "pack: x\nroles:\n  - role: amt\n    names: [a]\n    type: money\n",
            5,
            "roles.0.type: Input should be",
        ),
        (
            "pack: x\nroles:\n  - role: amt\n    names: [a]\n    type: decimal\n"
            "    min: 5\n    max: 1\n",
            7,
            "max 1 is below min 5",
        ),
        (
            "pack: x\nroles:\n  - role: amt\n    names: [a]\n    type: int\n    min: 0\n"
            "    max: 9\n    boundaries:\n      - 1\n      - one\n",
            10,
            "'one' is not a valid int",
        ),
        (
            "pack: x\nroles:\n  - role: d\n    names: [a]\n    type: date\n    min: 2000-01-01\n",
            3,
            "a date role needs 'max'",
        ),
        (
            "pack: x\nroles:\n  - {role: a, names: [a], type: str}\n"
            "  - {role: a, names: [b], type: str}\n",
            4,
            "duplicate role 'a' in this pack",
        ),
        (
            "pack: x\ninvariants:\n  - id: i\n    when: args['a'] ==\n    check: 'True'\n"
            "    message: m\n",
            4,
            "not a Python expression",
        ),
        (
            "pack: x\ninvariants:\n  - id: i\n    check: open('/etc/passwd')\n    message: m\n",
            4,
            "unknown name 'open'",
        ),
        (
            "pack: x\ninvariants:\n  - id: i\n    check: result.__class__ == 1\n    message: m\n",
            4,
            "private attribute '__class__'",
        ),
        (
            "pack: x\ninvariants:\n  - id: i\n    check: 'True'\n    message: m\n"
            "    severity: fatal\n",
            6,
            "invariants.0.severity: Input should be 'high', 'medium' or 'low'",
        ),
        (
            "pack: x\ninvariants:\n  - id: i\n    check: 'True'\n",
            3,
            "invariants.0.message: required key is missing",
        ),
        (
            "pack: x\ninvariants:\n  - id: i\n    applies:\n      name: '(('\n"
            "    check: 'True'\n    message: m\n",
            5,
            "invariants.0.applies.name: bad regular expression",
        ),
        (
            "pack: x\ntiers:\n  scores:\n    - {min_score: 2, tier: thorough}\n",
            4,
            "tiers.scores.0.tier: Input should be 'quick', 'standard' or 'deep'",
        ),
        (
            "pack: x\nrisks:\n  - id: r\n    title: t\n    message: m\n    match:\n"
            "      kind: grep\n",
            6,
            "risks.0.match: Input tag 'grep' found using 'kind' does not match",
        ),
        (
            "pack: x\nrisks:\n  - id: r\n    title: t\n    message: m\n    match:\n"
            "      kind: param\n      annotation: '*float'\n",
            8,
            "risks.0.match.annotation: bad regular expression",
        ),
    ],
)
def test_pack_errors_name_path_and_line(text: str, line: int, message: str) -> None:
    err = pack_error(text)
    assert err.path == "rules/x.yml"
    assert err.line == line, str(err)
    assert message in err.message, str(err)
    assert str(err).startswith(f"rules/x.yml:{line}: ")


def test_unknown_role_is_reported_at_the_invariant(tmp_path: Path) -> None:
    write(
        tmp_path,
        "r.yml",
        """\
        pack: r
        invariants:
          - id: ok
            check: "True"
            message: fine
          - id: uses-ghost
            check: "args[$ghost] > 0"
            message: m
        """,
    )
    with pytest.raises(RulesError) as info:
        load_rules(["r.yml"], root=tmp_path)
    assert str(info.value) == "r.yml:6: uses-ghost: unknown role 'ghost'"


def test_unknown_role_in_a_risk_rule(tmp_path: Path) -> None:
    write(
        tmp_path,
        "r.yml",
        """\
        pack: r
        risks:
          - id: r1
            title: t
            message: m
            match: {kind: call, func: x, arg_roles: [nope]}
        """,
    )
    with pytest.raises(RulesError, match=r"^r.yml:3: r1: unknown role 'nope'$"):
        load_rules(["r.yml"], root=tmp_path)


def test_disable_of_an_unknown_id_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "d.yml", "pack: d\ndisable:\n  - zero-rate-identity\n  - no-such-rule\n")
    with pytest.raises(RulesError, match=r"^d.yml:4: disable: no rule with id 'no-such-rule'"):
        load_rules(["d.yml"], root=tmp_path)
