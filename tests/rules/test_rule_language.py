"""The invariant language's extensions: ``let``, ``bind_names``, ``closed_defaults`` and
``params_exclude`` — how they load, what they reject, and how they bind to a function."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from bot.engine.invariants import bound_invariants
from bot.models import ChangedFunction, Param
from rules import load_rules
from rules.errors import RulesError
from rules.loader import parse_pack
from rules.schema import expand_lets

PACK = """\
pack: extra
invariants:
  - id: grows-once
    applies:
      name: '^grow'
      closed_roles: [amount, rate, currency]
      closed_defaults: true
      params_exclude: '(?i)annual'
    let:
      exact: "args[$amount] * (1 + args[$rate])"
      lo: "exact.quantize(result, rounding='ROUND_FLOOR')"
    when: "not raised(result)"
    check: "lo <= result <= exact.quantize(result, rounding='ROUND_CEILING')"
    message: m
  - id: by-weights
    applies: {name: '^split'}
    bind_names: {weights: '^(weights|ratios)$'}
    let:
      share: "args[$amount] * w / sum(args[$weights])"
    when: "all(share >= 0 for w in args[$weights])"
    check: "len(result) == len(args[$weights])"
    message: m
"""


def fn(name: str, *params: Param) -> ChangedFunction:
    return ChangedFunction("m.py", name, 1, 2, "modified", params=params, returns="Decimal")


def test_let_names_are_expanded_in_place_with_their_placeholders_filled(tmp_path: Path) -> None:
    (tmp_path / "extra.yml").write_text(PACK, encoding="utf-8")
    rules = load_rules(["extra.yml"], root=tmp_path)
    amount, rate = Param("principal", "Decimal"), Param("rate", "Decimal")
    [bound] = [b for b in bound_invariants(rules, fn("grow", amount, rate)) if b.id == "grows-once"]
    exact = "args['principal'] * (1 + args['rate'])"
    assert bound.check == (
        f"({exact}).quantize(result, rounding='ROUND_FLOOR') <= result <= "
        f"({exact}).quantize(result, rounding='ROUND_CEILING')"
    )
    # the expanded text is what the driver evaluates: it holds and fails as written
    scope = {"__builtins__": {}, "Decimal": Decimal, "args": {"principal": Decimal("10.00"),
             "rate": Decimal("0.05")}}  # fmt: skip
    assert eval(bound.check, {**scope, "result": Decimal("10.50")})
    assert not eval(bound.check, {**scope, "result": Decimal("10.00")})


def test_closed_defaults_and_params_exclude_narrow_the_binding(tmp_path: Path) -> None:
    (tmp_path / "extra.yml").write_text(PACK, encoding="utf-8")
    rules = load_rules(["extra.yml"], root=tmp_path)
    amount, rate = Param("principal", "Decimal"), Param("rate", "Decimal")

    def ids(*params: Param) -> set[str]:
        return {b.id for b in bound_invariants(rules, fn("grow", *params))}

    assert "grows-once" in ids(amount, rate)
    # a defaulted parameter without a closed role (compounding per year) changes the result
    assert "grows-once" not in ids(amount, rate, Param("compounding", "int", "12"))
    # a defaulted parameter *with* a closed role is fine
    assert "grows-once" in ids(amount, rate, Param("currency", "str", "'USD'"))
    # an annual rate over shorter periods is not the per-period rate the property needs
    assert "grows-once" not in ids(amount, Param("annual_rate", "Decimal"))


def test_bind_names_binds_by_parameter_name(tmp_path: Path) -> None:
    (tmp_path / "extra.yml").write_text(PACK, encoding="utf-8")
    rules = load_rules(["extra.yml"], root=tmp_path)
    total = Param("total", "Decimal")
    bound = {
        b.id: b for b in bound_invariants(rules, fn("split", total, Param("ratios", "list[int]")))
    }
    assert "args['ratios']" in bound["by-weights"].check
    assert bound["by-weights"].bindings == {"amount": "total", "weights": "ratios"}
    assert "by-weights" not in {
        b.id for b in bound_invariants(rules, fn("split", total, Param("parts", "int")))
    }
    # two parameters match: ambiguous, so it does not apply
    both = fn("split", total, Param("weights", "list[int]"), Param("ratios", "list[int]"))
    assert "by-weights" not in {b.id for b in bound_invariants(rules, both)}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        # an unknown name inside a let body is reported where the body is used
        ("let: {x: 'open(1)'}\n    check: 'x'", "unknown name 'open'"),
        ("let: {x: 'args['}\n    check: 'x'", "not a Python expression"),
        ("let: {result: '1'}\n    check: 'result'", "must be a new lower-case identifier"),
        ("let: {x: 'result.__class__'}\n    check: 'x'", "private attribute"),
        (
            "bind: {w: [amount]}\n    bind_names: {w: '^w$'}\n    check: 'args[$w]'",
            "bound twice",
        ),
        ("check: 'y > 0'", "unknown name 'y'"),  # a let name is not a name without its let
    ],
)
def test_language_errors_are_reported(entry: str, message: str) -> None:
    text = f"pack: x\ninvariants:\n  - id: i\n    {entry}\n    message: m\n"
    with pytest.raises(RulesError, match=message):
        parse_pack(textwrap.dedent(text), "rules/x.yml")


def test_expand_lets_keeps_placeholders_and_chains_lets() -> None:
    out = expand_lets("b + 1", {"a": "args[$amount]", "b": "a * 2"})
    assert out == "args[$amount] * 2 + 1"
    # a name bound by a comprehension inside the expression is left alone
    assert expand_lets("all(w > 0 for w in ws)", {"ws": "args[$weights]"}) == (
        "all((w > 0 for w in args[$weights]))"
    )
