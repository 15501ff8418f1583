"""The tagged JSON codec and the equivalence rules of the differential driver (pure)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.harness.codec import CodecError, EnumMember, Opaque, Raised, decode, encode
from sandbox.harness.compare import equivalent

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.complex_numbers(allow_nan=False),
    st.text(),
    st.binary(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)
HASHABLE = st.one_of(st.integers(), st.text(), st.tuples(st.integers(), st.text()))
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(HASHABLE, children, max_size=4),
        st.frozensets(HASHABLE, max_size=4),
        st.sets(st.integers(), max_size=4),
    ),
    max_leaves=12,
)


def _wire(value: Any) -> Any:
    """Encode, cross a process boundary as JSON text, decode."""
    return decode(json.loads(json.dumps(encode(value), allow_nan=False)))


@settings(max_examples=300, deadline=None, database=None)
@given(VALUES)
def test_round_trip_is_equivalent_and_stable(value: Any) -> None:
    back = _wire(value)
    assert equivalent(value, back)
    assert encode(back) == encode(value)  # exact: -0.0, Decimal exponents, NaN payloads


def test_floats_and_decimals_keep_what_json_loses() -> None:
    assert math.isnan(_wire(float("nan")))
    assert _wire(float("-inf")) == float("-inf")
    assert math.copysign(1, _wire(-0.0)) == -1
    assert str(_wire(Decimal("1.50"))) == "1.50"
    assert encode(Decimal("1.50")) == {"$": "decimal", "v": "1.50"}
    tz = dt.datetime(2024, 2, 29, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert _wire(tz) == tz and _wire(tz).utcoffset() == dt.timedelta(hours=2)


@dataclasses.dataclass
class Money:
    amount: Decimal
    currency: str


class Color(enum.Enum):
    RED = 1


class Node:
    def __init__(self) -> None:
        self.me = self


class BadRepr:
    """Callable, so it is encoded by repr, which raises."""

    def __call__(self) -> None:
        return None

    def __repr__(self) -> str:
        raise RuntimeError("no")


def test_objects_become_inert_stand_ins() -> None:
    money = _wire(Money(Decimal("1.00"), "EUR"))
    assert isinstance(money, Opaque)
    assert repr(money) == "Money(amount=Decimal('1.00'), currency='EUR')"
    assert equivalent(money, _wire(Money(Decimal("1.0"), "EUR")))  # Decimal by value
    assert not equivalent(money, _wire(Money(Decimal("1.00"), "USD")))
    red = _wire(Color.RED)
    assert isinstance(red, EnumMember) and repr(red) == "Color.RED"
    assert "cycle" in json.dumps(encode(Node()))
    func = repr(_wire(lambda: 0))
    assert "<lambda>" in func and " at 0x" not in func  # addresses scrubbed: stable across runs
    assert "failing repr" in repr(_wire(BadRepr()))


def test_raised_values() -> None:
    err = _wire(Raised("builtins.ZeroDivisionError", "division by zero"))
    assert err == Raised("builtins.ZeroDivisionError", "division by zero")
    assert repr(err) == "Raised('ZeroDivisionError')"


@pytest.mark.parametrize(
    "doc",
    [{"$": "pickle", "v": "gASV"}, {"$": "decimal"}, {"$": "decimal", "v": "abc"}, 1.5, {"a": 1}],
)
def test_garbage_is_refused(doc: Any) -> None:
    with pytest.raises(CodecError):
        decode(doc)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (Decimal("1.5"), Decimal("1.50"), True),
        (float("nan"), float("nan"), True),
        (Decimal("NaN"), Decimal("sNaN"), True),
        (Decimal("1"), 1, False),  # type family changed
        (1.0, Decimal("1"), False),
        (True, 1, True),
        ([1, 2], (1, 2), False),
        ([Decimal("1")], [Decimal("1.0")], True),
        ({"a": float("nan")}, {"a": float("nan")}, True),
        (Raised("builtins.ValueError", "x"), Raised("builtins.ValueError", "y"), True),
        (Raised("builtins.ValueError"), Raised("builtins.TypeError"), False),
        (Raised("builtins.ValueError"), None, False),  # a new exception is a difference
        (Fraction(1, 3), Fraction(2, 6), True),
    ],
)
def test_equivalence_rules(a: Any, b: Any, same: bool) -> None:
    assert equivalent(a, b) is same
    assert equivalent(b, a) is same


def test_drained_iterators_round_trip_and_compare_by_items() -> None:
    from sandbox.harness.callserver import drained
    from sandbox.harness.codec import Iterated

    value = drained(x * 2 for x in range(3))
    assert value == Iterated("builtins.generator", [0, 2, 4])
    doc = json.loads(json.dumps(encode(value)))
    assert doc == {"$": "iterated", "type": "builtins.generator", "v": [0, 2, 4]}
    assert decode(doc) == value
    assert equivalent(value, drained(x for x in (0, 2, 4)))
    assert not equivalent(value, Iterated("builtins.generator", [0, 2]))
    assert not equivalent(value, [0, 2, 4])  # a list is not a generator
    assert drained([1, 2]) == [1, 2] and drained("ab") == "ab"  # containers stay as they are
    assert len(drained(iter(int, 1)).items) == 1000  # an endless iterator is capped


def test_new_arguments_round_trip_as_inert_stand_ins() -> None:
    from sandbox.harness.codec import New

    value = New("money.core", "Money", (), (("amount", Decimal("1.50")), ("currency", "EUR")))
    doc = json.loads(json.dumps(encode([value])))
    assert doc[0]["$"] == "new" and doc[0]["kw"]["amount"] == {"$": "decimal", "v": "1.50"}
    assert decode(doc) == [value]
    assert repr(value) == "Money(amount=Decimal('1.50'), currency='EUR')"


def test_instance_strategies_sometimes_leave_optional_arguments_out() -> None:
    from hypothesis import find

    from sandbox.harness.strategies import build

    spec = {
        "type": "instance", "module": "money.core", "class": "Money",
        "args": [
            {"name": "amount", "kind": "positional_or_keyword",
             "strategy": {"type": "integers", "min": 0, "max": 9}},
            {"name": "rounding", "kind": "positional_or_keyword", "optional": True,
             "strategy": {"type": "sampled_from", "values": ["half_up"]}},
        ],
    }  # fmt: skip
    strategy = build(spec)
    without = find(strategy, lambda m: "rounding" not in dict(m.kw))
    with_it = find(strategy, lambda m: "rounding" in dict(m.kw))
    assert "amount" in dict(without.kw) and dict(with_it.kw)["rounding"] == "half_up"


def test_regex_and_splice_strategies_draw_what_the_code_looks_for() -> None:
    import re

    from hypothesis import HealthCheck, find, given, settings

    from sandbox.harness.strategies import SpecError, build

    hexref = build({"type": "regex", "pattern": r"&#[xX]([0-9a-fA-F]+);"})
    found = find(hexref, lambda s: True)
    assert re.search(r"&#[xX][0-9a-fA-F]+;", found)
    comment = find(build({"type": "splice", "pieces": ["#", " "]}), lambda s: " #" in s)
    assert comment == " #"
    numbers: list[str] = []  # digits between the pieces ('1.5%'): 0 of 500 with random text

    @settings(
        max_examples=500, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(build({"type": "splice", "pieces": [".", "%"]}))
    def draw(text: str) -> None:
        if re.fullmatch(r"\d+\.\d+%?", text):
            numbers.append(text)

    draw()
    assert numbers
    seeds = ["12:00:00Z", "a%3ab"]
    edited = find(build({"type": "mutate", "seeds": seeds, "pieces": ["."]}), lambda s: "." in s)
    assert edited not in seeds and len(edited) <= 12
    repeated = find(build({"type": "mutate", "seeds": ["a%3ab"]}), lambda s: s.count("%3a") > 1)
    assert repeated.count("%3a") == 2  # a span repeated: 'a%3a%3ab'
    for bad in (
        {"type": "regex", "pattern": "("},
        {"type": "splice", "pieces": []},
        {"type": "mutate", "seeds": []},
    ):
        with pytest.raises(SpecError):
            build(bad)


def test_splice_without_filler_and_deeply_nested_patterns() -> None:
    from hypothesis import find

    from sandbox.harness.strategies import SpecError, build

    bare = build({"type": "splice", "pieces": ["a", "bb"], "filler": 0})
    assert find(bare, lambda s: "bb" in s) == "bb"  # pieces only: no filler to draw
    with pytest.raises(SpecError, match="nested deeper than 40"):
        build({"type": "regex", "pattern": "(" * 400 + "z" + ")*" * 400})
    with pytest.raises(SpecError, match="negative filler"):
        build({"type": "splice", "pieces": ["a"], "filler": -1})


def test_a_bad_option_is_reported_once_and_briefly() -> None:
    from sandbox.harness.strategies import SpecError, build

    long_pattern = "(" + "a" * 3000
    nested = {"type": "one_of", "options": [{"type": "one_of", "options": [
        {"type": "text"}, {"type": "regex", "pattern": long_pattern}]}]}  # fmt: skip
    with pytest.raises(SpecError) as caught:
        build(nested)
    message = str(caught.value)
    assert "longer than 2000 characters" in message
    assert len(message) < 300 and message.count("bad ") == 1


def test_allowed_builtin_callables_round_trip_by_name_and_nothing_else_decodes() -> None:
    import builtins

    from sandbox.harness.codec import CALLABLES, New, show

    for name in CALLABLES:
        fn = getattr(builtins, name)
        assert encode(fn) == {"$": "builtin", "name": name}
        assert decode(encode(fn)) is fn
    assert show(len) == "len" and show("len") == "'len'"
    assert repr(New("m", "Cache", (2,), (("getsizeof", len),))) == "Cache(2, getsizeof=len)"
    for hostile in ("eval", "exec", "open", "__import__", "getattr", "hash"):
        with pytest.raises(CodecError):
            decode({"$": "builtin", "name": hostile})
    assert encode(eval)["$"] == "repr"  # not an allowed callable: an opaque value


def test_a_callable_strategy_draws_the_allowed_builtins() -> None:
    from sandbox.harness.codec import CALLABLES
    from sandbox.harness.strategies import SpecError, build

    drawn = set()

    @given(build({"type": "callable"}))
    @settings(max_examples=200, database=None)
    def collect(fn: Any) -> None:
        drawn.add(fn.__name__)

    collect()
    assert drawn <= set(CALLABLES) and len(drawn) > 5
    with pytest.raises(SpecError):
        build({"type": "callable", "names": ["open"]})


def test_datetimes_are_naive_and_aware_unless_told_naive() -> None:
    from hypothesis import find
    from hypothesis.errors import NoSuchExample

    from sandbox.harness.strategies import build

    spec = {"type": "datetimes", "min": "2000-01-01T00:00:00", "max": "2100-01-01T00:00:00"}
    assert find(build(spec), lambda d: d.tzinfo is None).tzinfo is None
    aware = find(build(spec), lambda d: d.utcoffset() not in (None, dt.timedelta(0)))
    assert aware.utcoffset() is not None  # a fixed offset such as +02:00
    with pytest.raises(NoSuchExample):
        find(build({**spec, "naive": True}), lambda d: d.tzinfo is not None)
