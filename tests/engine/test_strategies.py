"""Strategy specs from type hints, parameter roles, literals and boundary constants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from bot.engine.inputs.strategies import (
    NoStrategy,
    args_for,
    encode,
    explain_strategy,
    parse_literal,
    strategy_for,
)
from bot.models import ChangedFunction, Param
from rules import RuleSet, load_rules

# Keys each protocol.md strategy type takes (required ones first).
SPEC_KEYS: dict[str, tuple[set[str], set[str]]] = {
    "integers": ({"min", "max"}, set()),
    "decimals": ({"min", "max", "places"}, set()),
    "floats": ({"min", "max"}, {"allow_nan", "allow_infinity"}),
    "fractions": ({"min", "max"}, {"max_denominator"}),
    "text": (set(), {"min_size", "max_size", "alphabet"}),
    "booleans": (set(), set()),
    "none": (set(), set()),
    "dates": ({"min", "max"}, set()),
    "datetimes": ({"min", "max"}, set()),
    "timedeltas": ({"min_days", "max_days"}, set()),
    "lists": ({"elements"}, {"min_size", "max_size"}),
    "tuples": ({"elements"}, set()),
    "dicts": ({"keys", "values"}, {"min_size", "max_size"}),
    "one_of": ({"options"}, set()),
    "sampled_from": ({"values"}, set()),
    "just": ({"value"}, set()),
}


def assert_protocol(spec: dict[str, Any]) -> None:
    """Every node is a known strategy type with exactly the keys protocol.md names."""
    required, optional = SPEC_KEYS[spec["type"]]
    keys = set(spec) - {"type"}
    assert required <= keys <= required | optional, spec
    if spec["type"] in ("decimals", "fractions"):
        assert isinstance(spec["min"], str) and isinstance(spec["max"], str)
    if spec["type"] == "sampled_from":
        assert spec["values"]
    for child in [spec.get("elements"), spec.get("keys"), spec.get("values")]:
        if isinstance(child, dict) and "type" in child:
            assert_protocol(child)
    for child in spec.get("options", []) + (spec["elements"] if spec["type"] == "tuples" else []):
        assert_protocol(child)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def spec(
    rules: RuleSet, name: str, hint: str | None = None, default: str | None = None, **kw: Any
) -> dict[str, Any]:
    out = explain_strategy(Param(name, hint, default), roles=rules, **kw)
    assert_protocol(out)
    return out


def base(s: dict[str, Any]) -> dict[str, Any]:
    """The generated part of a spec, without the values mixed in on purpose."""
    if s["type"] == "one_of" and s["options"][0]["type"] == "sampled_from":
        return dict(s["options"][1])
    return s


def mixed(s: dict[str, Any]) -> list[Any]:
    """The values mixed in on purpose."""
    if s["type"] == "sampled_from":
        return list(s["values"])
    if s["type"] == "one_of" and s["options"][0]["type"] == "sampled_from":
        return list(s["options"][0]["values"])
    return []


def dec(text: str) -> dict[str, str]:
    return {"$": "decimal", "v": text}


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("int", {"type": "integers", "min": -10_000, "max": 10_000}),
        ("bool", {"type": "booleans"}),
        ("str", {"type": "text", "min_size": 0, "max_size": 20}),
        (
            "float",
            {
                "type": "floats",
                "min": -1e6,
                "max": 1e6,
                "allow_nan": False,
                "allow_infinity": False,
            },
        ),
        ("Decimal", {"type": "decimals", "min": "-1000000", "max": "1000000", "places": 2}),
        (
            "decimal.Decimal",
            {"type": "decimals", "min": "-1000000", "max": "1000000", "places": 2},
        ),
        ("'Decimal'", {"type": "decimals", "min": "-1000000", "max": "1000000", "places": 2}),
        (
            "Fraction",
            {"type": "fractions", "min": "-1000", "max": "1000", "max_denominator": 100},
        ),
        ("date", {"type": "dates", "min": "2000-01-01", "max": "2100-12-31"}),
        ("datetime.date", {"type": "dates", "min": "2000-01-01", "max": "2100-12-31"}),
        (
            "datetime",
            {"type": "datetimes", "min": "2000-01-01T00:00:00", "max": "2100-12-31T23:59:59"},
        ),
        ("timedelta", {"type": "timedeltas", "min_days": -400, "max_days": 400}),
        ("None", {"type": "none"}),
    ],
)
def test_scalar_hints(rules: RuleSet, hint: str, expected: dict[str, Any]) -> None:
    assert base(spec(rules, "x", hint)) == expected


EDGES = {
    "Decimal": [dec(v) for v in ("0.005", "0.015", "0.125", "1.005", "2.675", "-0.005")],
    "date": [{"$": "date", "v": v} for v in ("2024-02-29", "2023-02-28", "2024-01-31")],
}


def without_edges(values: list[Any]) -> list[Any]:
    from bot.engine.inputs.strategies import _EDGES

    every = [encode(v) for edges in _EDGES.values() for v in edges]
    return [v for v in values if v not in every]


def test_half_cents_and_month_ends_are_tried_for_every_decimal_and_date(rules: RuleSet) -> None:
    # rounding modes differ only at half cents; calendars turn at month ends and leap days
    assert mixed(spec(rules, "x", "Decimal")) == EDGES["Decimal"]
    assert mixed(spec(rules, "x", "date"))[:3] == EDGES["date"]
    assert {"$": "float", "v": "0.005"} in mixed(spec(rules, "x", "float"))
    assert mixed(spec(rules, "x", "int")) == []  # ints have no such edges
    # a role's own boundaries replace them; out-of-range ones are dropped
    assert dec("0.005") not in mixed(spec(rules, "rate", "Decimal"))


@pytest.mark.parametrize(
    ("hint", "shape"),
    [
        ("list[int]", ("lists", "integers")),
        ("List[Decimal]", ("lists", "decimals")),
        ("Sequence[int]", ("lists", "integers")),
        ("Iterable[str]", ("lists", "text")),
        ("typing.Sequence[date]", ("lists", "dates")),
        ("dict[str, int]", ("dicts", "integers")),
        ("Mapping[str, Decimal]", ("dicts", "decimals")),
    ],
)
def test_container_hints(rules: RuleSet, hint: str, shape: tuple[str, str]) -> None:
    s = spec(rules, "x", hint)
    assert s["type"] == shape[0]
    inner = s["elements"] if s["type"] == "lists" else s["values"]
    assert base(inner)["type"] == shape[1]


def test_tuples_optional_and_unions(rules: RuleSet) -> None:
    fixed = spec(rules, "x", "tuple[int, str]")
    assert fixed["type"] == "tuples"
    assert [e["type"] for e in fixed["elements"]] == ["integers", "text"]
    var = spec(rules, "x", "tuple[int, ...]")
    assert [len(o["elements"]) for o in var["options"]] == [0, 1, 2, 3, 4]
    for hint in ("Optional[int]", "int | None", "Union[int, None]", "None | int"):
        options = spec(rules, "x", hint)["options"]
        assert sorted(o["type"] for o in options) == ["integers", "none"], hint
    assert [o["type"] for o in spec(rules, "x", "int | str")["options"]] == ["integers", "text"]
    assert spec(rules, "x", "Literal['a', 'b']") == {"type": "sampled_from", "values": ["a", "b"]}
    assert spec(rules, "x", "Annotated[int, 'meta']")["type"] == "integers"
    anything = spec(rules, "x", "Any")
    assert anything["type"] == "one_of"
    # Any means anything: bools (an int subclass), None, text and floats are drawn too
    assert {"booleans", "none", "text", "floats"} <= {o["type"] for o in anything["options"]}


@pytest.mark.parametrize(
    ("name", "hint", "expected"),
    [
        ("amount", "Decimal", {"type": "decimals", "min": "0", "max": "1000000", "places": 2}),
        ("principal", None, {"type": "decimals", "min": "0", "max": "1000000", "places": 2}),
        ("rate", "Decimal", {"type": "decimals", "min": "0", "max": "1", "places": 4}),
        ("interest_rate", None, {"type": "decimals", "min": "0", "max": "1", "places": 4}),
        (
            "rate",
            "float",
            {"type": "floats", "min": 0.0, "max": 1.0, "allow_nan": False, "allow_infinity": False},
        ),
        ("fee_pct", "Decimal", {"type": "decimals", "min": "0", "max": "100", "places": 4}),
        ("periods", "int", {"type": "integers", "min": 0, "max": 120}),
        ("installments", None, {"type": "integers", "min": 0, "max": 120}),
        ("amount_cents", "int", {"type": "integers", "min": 0, "max": 10_000_000}),
        ("grace_days", "int", {"type": "integers", "min": 0, "max": 400}),
        ("days_late", None, {"type": "integers", "min": 0, "max": 400}),
        ("due_date", "date", {"type": "dates", "min": "2000-01-01", "max": "2100-12-31"}),
        ("start", None, {"type": "dates", "min": "2000-01-01", "max": "2100-12-31"}),
        ("amount", "int", {"type": "integers", "min": 0, "max": 1_000_000}),
        # a hint of another kind wins outright
        ("start", "int", {"type": "integers", "min": -10_000, "max": 10_000}),
        ("amount", "str", {"type": "text", "min_size": 0, "max_size": 20}),
    ],
)
def test_roles(rules: RuleSet, name: str, hint: str | None, expected: dict[str, Any]) -> None:
    assert base(spec(rules, name, hint)) == expected


def test_role_boundaries_are_mixed_in(rules: RuleSet) -> None:
    s = spec(rules, "amount", "Decimal")
    assert mixed(s)[:4] == [dec("0"), dec("0.01"), dec("1"), dec("100")]
    assert dec("0.005") in mixed(s)  # half cents: rounding modes differ there
    assert mixed(spec(rules, "periods", "int")) == [0, 1, 2, 12, 120]
    assert {"$": "date", "v": "2024-02-29"} in mixed(spec(rules, "due", "date"))
    assert {"$": "float", "v": "0.05"} in mixed(spec(rules, "rate", "float"))


def test_currency_is_sampled_from_iso_codes(rules: RuleSet) -> None:
    s = spec(rules, "currency", "str", literals=["'SEK'", "5"])
    assert s["type"] == "sampled_from"
    assert s["values"][:3] == ["USD", "EUR", "GBP"] and s["values"][-1] == "SEK"
    assert 5 not in s["values"]


def test_boundaries_around_changed_constants(rules: RuleSet) -> None:
    s = spec(rules, "days_late", "int", boundaries=["5"])
    assert [v for v in mixed(s) if v in (4, 5, 6)] == [4, 5, 6]
    s = spec(rules, "limit", "Decimal", boundaries=["Decimal('0.05')", "100"])
    values = without_edges(mixed(s))
    for text in ("-0.95", "0.04", "0.05", "0.06", "1.05", "99", "99.99", "100", "100.01", "101"):
        assert dec(text) in values, text
    s = spec(rules, "ratio", "float", boundaries=["1"])
    assert {"$": "float", "v": "0.99"} in mixed(s)
    # "ratio" has the rate role (0..1): boundaries stay inside the role's domain
    assert {"$": "float", "v": "2.0"} not in mixed(s)
    # a non-integral constant gives no int boundaries; dates take none
    assert mixed(spec(rules, "n", "int", boundaries=["0.5"])) == [0, 1, 2, 12, 120]
    assert without_edges(mixed(spec(rules, "when_", "date", boundaries=["5"]))) == []


def test_literals_are_parsed_encoded_and_filtered_by_type(rules: RuleSet) -> None:
    lits = ["Decimal('100.00')", "5", "'USD'", "date(2024, 1, 31)", "Fraction(1, 3)", "junk("]
    assert without_edges(mixed(spec(rules, "x", "Decimal", literals=lits))) == [dec("100.00")]
    assert mixed(spec(rules, "x", "int", literals=lits)) == [5]
    dates = mixed(spec(rules, "x", "date", literals=lits))
    assert dates[0] == {"$": "date", "v": "2024-01-31"}  # literals before the edges
    assert mixed(spec(rules, "x", "Fraction", literals=lits)) == [{"$": "fraction", "v": "1/3"}]
    whole = spec(rules, "x", "list[int]", literals=["[1, 2]", "3"])
    assert mixed(whole) == [[1, 2]] and mixed(whole["options"][1]["elements"]) == [3]


def test_default_value_decides_without_a_hint(rules: RuleSet) -> None:
    assert mixed(spec(rules, "x", None, "5")) == [5]
    assert base(spec(rules, "x", None, "5"))["type"] == "integers"
    assert base(spec(rules, "x", None, "Decimal('0.00')"))["type"] == "decimals"
    assert base(spec(rules, "x", None, "'USD'"))["type"] == "text"
    assert base(spec(rules, "x", None, "True"))["type"] == "booleans"
    assert base(spec(rules, "x", None, "2.5"))["type"] == "floats"
    assert base(spec(rules, "rate", None, "0.05")) == {
        "type": "floats",
        "min": 0.0,
        "max": 1.0,
        "allow_nan": False,
        "allow_infinity": False,
    }
    optional = spec(rules, "x", None, "None")
    assert [o["type"] for o in optional["options"]] == ["none", "one_of"]


def test_nothing_known_gives_small_ints_and_decimals(rules: RuleSet) -> None:
    s = spec(rules, "x", None, "SOME_CONSTANT")
    assert [o["type"] for o in s["options"]] == ["integers", "decimals"]
    s = spec(rules, "x", boundaries=["7"])
    # an integral constant is tried as ints around it, a fractional one as Decimals
    assert mixed(s) == [6, 7, 8] and [o["type"] for o in base(s)["options"]] == [
        "integers",
        "decimals",
    ]
    assert dec("0.49") in mixed(spec(rules, "x", boundaries=["0.5"]))


@pytest.mark.parametrize(
    "hint",
    [
        "Account",
        "ledger.Account",
        "set[int]",
        "Awaitable[int]",
        "Optional[Account]",
        "list[Money]",
        "bytes",
        "int[",
    ],
)
def test_unknown_types_have_no_strategy_and_say_why(rules: RuleSet, hint: str) -> None:
    param = Param("acct", hint)
    assert strategy_for(param, roles=rules) is None
    with pytest.raises(NoStrategy, match=r"no strategy for the type|cannot read the type hint"):
        explain_strategy(param, roles=rules)


def test_star_args_are_not_generated(rules: RuleSet) -> None:
    assert strategy_for(Param("args", None, kind="var_positional"), roles=rules) is None


def test_roles_can_be_a_plain_list(rules: RuleSet) -> None:
    s = explain_strategy(Param("amount", "Decimal"), roles=list(rules.roles))
    assert base(s)["min"] == "0"
    assert base(explain_strategy(Param("amount", "Decimal")))["min"] == "-1000000"


def fn(*params: Param, **kw: Any) -> ChangedFunction:
    return ChangedFunction(
        "ledger/m.py", kw.pop("name", "f"), 1, 5, "modified", params=params, **kw
    )


def test_args_for(rules: RuleSet) -> None:
    f = fn(
        Param("self"),
        Param("principal", "Decimal"),
        Param("periods", "int"),
        Param("args", kind="var_positional"),
        Param("strict", "bool", "False"),
        Param("kw", kind="var_keyword"),
        name="Loan.compound",
        is_method=True,
        constants=("12",),
    )
    args, why_not = args_for(f, rules=rules, literals={"principal": ["Decimal('250.00')"]})
    assert why_not == []
    assert [(a["name"], a["kind"]) for a in args] == [
        ("principal", "positional_or_keyword"),
        ("periods", "positional_or_keyword"),
        ("strict", "positional_or_keyword"),
    ]
    assert dec("250.00") in mixed(args[0]["strategy"])
    assert {11, 12, 13} <= set(mixed(args[1]["strategy"]))
    for a in args:
        assert_protocol(a["strategy"])


def test_args_for_static_methods_keep_their_first_parameter(rules: RuleSet) -> None:
    f = fn(Param("self", "int"), name="K.m", is_method=True, decorators=("staticmethod",))
    assert [a["name"] for a in args_for(f, rules=rules)[0]] == ["self"]


def test_args_for_reports_required_parameters_it_cannot_generate(rules: RuleSet) -> None:
    f = fn(Param("account", "Account"), Param("amount", "Decimal"), Param("log", "Logger", "None"))
    assert args_for(f, rules=rules) == (
        [],
        ["f: parameter account: no strategy for the type 'Account'"],
    )
    optional_only = fn(Param("amount", "Decimal"), Param("log", "Logger", "None"))
    args, why_not = args_for(optional_only, rules=rules, literals=["Decimal('1.00')"])
    assert why_not == [] and [a["name"] for a in args] == ["amount"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5", 5),
        ("-5", -5),
        ("1_000", 1000),
        ("2.5", 2.5),
        ("'USD'", "USD"),
        ("None", None),
        ("True", True),
        ("Decimal('1.50')", Decimal("1.50")),
        ("Decimal(-3)", Decimal(-3)),
        ("-Decimal('0.01')", Decimal("-0.01")),
        ("decimal.Decimal('2')", Decimal(2)),
        ("date(2024, 2, 29)", dt.date(2024, 2, 29)),
        ("Fraction(1, 3)", Fraction(1, 3)),
        ("timedelta(days=5)", dt.timedelta(days=5)),
        ("(1, 'a')", (1, "a")),
        ("[Decimal('1')]", [Decimal(1)]),
        ("{'a': 1}", {"a": 1}),
        ("datetime(2024, 1, 1, 12)", dt.datetime(2024, 1, 1, 12)),
    ],
)
def test_parse_literal(text: str, value: Any) -> None:
    assert parse_literal(text) == value


@pytest.mark.parametrize(
    "text", ["open('x')", "__import__('os')", "x", "-'a'", "Decimal(x)", "date(2024, 13, 1)", "1 +"]
)
def test_parse_literal_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="not a literal"):
        parse_literal(text)


def test_encode_uses_the_harness_codec_tags() -> None:
    assert encode(Decimal("1.50")) == {"$": "decimal", "v": "1.50"}
    assert encode(dt.date(2024, 1, 31)) == {"$": "date", "v": "2024-01-31"}
    assert encode(dt.datetime(2024, 1, 31, 8)) == {"$": "datetime", "v": "2024-01-31T08:00:00"}
    assert encode(0.1) == {"$": "float", "v": "0.1"}
    assert encode(Fraction(1, 3)) == {"$": "fraction", "v": "1/3"}
    assert encode(dt.timedelta(days=1, seconds=2)) == {
        "$": "timedelta",
        "days": 1,
        "seconds": 2,
        "microseconds": 0,
    }
    assert encode((1, [True, None], {"k": "v"})) == {
        "$": "tuple",
        "v": [1, [True, None], {"$": "dict", "v": [["k", "v"]]}],
    }
    with pytest.raises(ValueError, match="cannot encode"):
        encode(object())


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("amount", "Decimal"),
        ("rate", "float"),
        ("x", "tuple[int, ...]"),
        ("due", "date | None"),
        ("x", None),
        ("x", "Fraction"),
        ("x", "timedelta"),
        ("ts", "datetime"),
        ("currency", "str"),
        ("x", "dict[str, Decimal]"),
        ("x", "tuple[bool, str]"),
        ("pct", "int"),
    ],
)
def test_the_harness_builds_every_spec(rules: RuleSet, name: str, hint: str | None) -> None:
    """The contract with sandbox/harness/strategies.py: each spec builds and validates."""
    from sandbox.harness.strategies import build

    s = explain_strategy(
        Param(name, hint), roles=rules, literals=["Decimal('1.5')", "5"], boundaries=["5"]
    )
    build(s).validate()


def test_an_unannotated_parameter_called_with_strings_gets_strings(rules: RuleSet) -> None:
    s = strategy_for(Param("code"), roles=rules, literals=["'978-90'", "'1234'"], boundaries=[])
    assert s is not None and s["type"] == "one_of"
    sampled, text = s["options"]
    assert sampled == {"type": "sampled_from", "values": ["978-90", "1234"]}
    assert text["type"] == "text" and set(text["alphabet"]) == set("978-01234")


def test_a_string_read_as_digits_also_draws_digit_strings(rules: RuleSet) -> None:
    source = (
        "def check_digit(number: str) -> str:\n    return str(sum(int(n) for n in number) % 10)\n"
    )
    fn = ChangedFunction(
        path="m.py", function="check_digit", start_line=1, end_line=2, status="modified",
        params=(Param("number", "str"),), head_source=source,
    )  # fmt: skip
    [arg], why = args_for(fn, rules=rules)
    assert why == []
    digits, rest = arg["strategy"]["options"]
    assert digits == {"type": "text", "alphabet": "0123456789", "min_size": 1, "max_size": 20}
    assert rest["type"] == "text"
    shout = "def shout(word: str) -> str:\n    return word.upper()\n"
    plain = ChangedFunction(
        path="m.py", function="shout", start_line=1, end_line=2, status="modified",
        params=(Param("word", "str"),), head_source=shout,
    )  # fmt: skip
    [arg], _ = args_for(plain, rules=rules)
    assert arg["strategy"]["type"] == "text"


def test_private_switches_keep_their_default(rules: RuleSet) -> None:
    fn = ChangedFunction(
        "m.py", "Fraction.__new__", 1, 2, "modified", is_method=True,
        params=(Param("cls"), Param("numerator", None, "0"),
                Param("_normalize", None, "True", kind="keyword_only")),
    )  # fmt: skip
    args, why_not = args_for(fn, rules=rules)
    assert not why_not and [a["name"] for a in args] == ["numerator"]
