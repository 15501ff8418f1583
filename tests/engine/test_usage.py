"""What a function's body says about its unannotated parameters, and the strategies it gives."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from decimal import Decimal
from typing import Any

import pytest

from bot.engine.change.diff import FileChange
from bot.engine.change.functions import changed_functions
from bot.engine.inputs.strategies import args_for
from bot.engine.source.usage import Usage, infer_usage
from bot.models import ChangedFunction, Param
from rules import RuleSet, load_rules

MODULE = textwrap.dedent(
    """
    EASTER_JULIAN = 1
    EASTER_WESTERN = 3
    February = 2
    CODE = 'EUR'

    def _isleap(y):
        return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)

    def easter(year, method=EASTER_WESTERN):
        if not (1 <= method <= 3):
            raise ValueError("invalid method")
        y = year
        g = y % 19
        return g

    def monthlen(year, month):
        return 28 + (month == February and _isleap(year))

    def clean(number, currency):
        if currency in ('USD', CODE):
            return number.strip().upper()[:-1]
        return number

    def mean(data, weights=None):
        if len(data) < 1:
            raise ValueError
        return sum(x for x in data) / len(data)

    def scale(a, b):
        return a.numerator * b.denominator

    def guard(n):
        if n < 0 or n > MAXYEAR:
            return None
        return n
    """
)


def functions(source: str) -> dict[str, ChangedFunction]:
    every_line = tuple(range(1, source.count("\n") + 2))
    change = FileChange("m.py", None, "added", added_lines=every_line)
    found, _skipped = changed_functions(None, source, change)
    return {f.function: f for f in found}


def fn(name: str) -> ChangedFunction:
    return functions(MODULE)[name]


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def test_families_from_operations_aliases_and_callees() -> None:
    usage = infer_usage(fn("easter"), MODULE)
    assert usage["year"].family == "int"  # y = year; y % 19
    assert usage["method"].bounds == ("1", "3")
    assert usage["method"].default == "3"  # EASTER_WESTERN, resolved
    month = infer_usage(fn("monthlen"), MODULE)
    assert month["month"].bounds == ("2",)  # February
    assert month["year"].family == "int"  # read by _isleap, one call deep


def test_strings_lists_and_fractions() -> None:
    clean = infer_usage(fn("clean"), MODULE)
    assert clean["number"].family == "str"
    assert clean["currency"].choices == ("'USD'", "'EUR'")
    mean = infer_usage(fn("mean"), MODULE)
    assert mean["data"].family == "list"
    assert "weights" not in mean  # nothing known: left to the other sources
    scale = infer_usage(fn("scale"), MODULE)
    assert scale["a"].family == scale["b"].family == "fraction"


def test_known_stdlib_constants_bound_a_parameter() -> None:
    assert infer_usage(fn("guard"), MODULE)["n"] == Usage(None, ("0", "9999"))


def _args(rules: RuleSet, name: str) -> dict[str, Any]:
    args, why_not = args_for(fn(name), rules=rules, module_source=MODULE)
    assert not why_not
    return {a["name"]: a["strategy"] for a in args}


def test_strategies_follow_the_reading(rules: RuleSet) -> None:
    easter = _args(rules, "easter")
    text = json.dumps(easter["method"])
    assert '"values": [0, 1, 2, 3, 4]' in text or all(str(v) in text for v in range(5))
    assert easter["year"]["type"] == "one_of"  # the year role (1..9999) ...
    assert '"min": 1, "max": 9999' in json.dumps(easter["year"])
    mean = _args(rules, "mean")
    kinds = json.dumps(mean["data"])
    for elements in ("integers", "floats", "fractions", "decimals"):
        assert elements in kinds  # homogeneous lists of each kind of number
    assert '"lists"' in kinds
    assert "text" in json.dumps(_args(rules, "clean")["number"])
    # without the module source nothing is read: the old guess, small ints and Decimals
    plain, _ = args_for(fn("mean"), rules=rules)
    assert '"lists"' not in json.dumps(plain)


def test_guards_reach_outside_a_role_range(rules: RuleSet) -> None:
    source = MODULE + "\n\ndef weekday(year, month, day):\n    if not 1 <= year <= 9999:\n" \
        "        year = 2000 + year % 400\n    return (year, month, day)\n"  # fmt: skip
    weekday = functions(source)["weekday"]
    args, _ = args_for(weekday, rules=rules, module_source=source)
    spec = {a["name"]: a["strategy"] for a in args}
    values = spec["year"]["options"][0]["values"]
    assert 0 in values and 10000 in values  # the role says 1..9999; the guard says try 0
    assert '"min": 1, "max": 12' in json.dumps(spec["month"])  # month role
    assert '"min": 1, "max": 31' in json.dumps(spec["day"])  # day role


def test_prefixes_and_substrings_are_choices() -> None:
    source = (
        "def compact(number):\n"
        "    number = number.upper().strip()\n"
        "    if number.startswith(('IMO', 'NO')) or 'X' in number:\n"
        "        number = number[3:]\n"
        "    return number\n"
    )
    usage = infer_usage(functions(source)["compact"], source)["number"]
    assert usage.family == "str"
    assert usage.choices == ("'IMO'", "'NO'", "'X'")


FX = {
    "money/__init__.py": "",
    "money/core.py": (
        "MINOR_UNITS = {'USD': 2, 'JPY': 0}\n\n"
        "def minor_exponent(currency):\n    return MINOR_UNITS[currency.upper()]\n"
    ),
    "fx/__init__.py": "",
    "fx/convert.py": textwrap.dedent(
        """
        from decimal import Decimal
        from money.core import minor_exponent

        def cross_rate(rates: dict[str, Decimal], base: str, quote: str) -> Decimal:
            return rates[quote] / rates.get(base)

        def convert(amount: Decimal, source: str, target: str, rates: dict[str, Decimal],
                    side: str = "buy") -> Decimal:
            if side not in ("buy", "sell"):
                raise ValueError(side)
            return (amount * cross_rate(rates, source, target)).quantize(minor_exponent(target))

        def positive_total(balances: list[Decimal]) -> Decimal:
            return sum(b for b in balances if b > 0)
        """
    ),
}


def test_keys_of_imported_constants_and_mappings_indexed_by_parameters() -> None:
    from bot.engine.source.imports import ImportMap

    source = FX["fx/convert.py"]
    found = functions(source)
    imports = ImportMap("fx/convert.py", "fx.convert", FX)
    convert = infer_usage(found["convert"], source, imports)
    # minor_exponent(target) is read in money/core.py: MINOR_UNITS[currency.upper()]
    assert convert["target"].choices == ("'USD'", "'JPY'")
    assert "source" not in convert or not convert["source"].choices
    # cross_rate(rates, source, target) indexes rates with both: they are keys of rates
    assert convert["source"].key_of == convert["target"].key_of == ("rates",)
    assert infer_usage(found["cross_rate"], source)["base"].key_of == ("rates",)
    assert infer_usage(found["positive_total"], source)["balances"].element_bounds == ("0",)
    # without the import map, nothing is read from money/core.py
    assert (
        "target" not in infer_usage(found["convert"], source)
        or not infer_usage(found["convert"], source)["target"].choices
    )


def test_mappings_are_drawn_from_the_keys_their_indexes_try(rules: RuleSet) -> None:
    from bot.engine.source.imports import ImportMap

    source = FX["fx/convert.py"]
    imports = ImportMap("fx/convert.py", "fx.convert", FX)
    args, why_not = args_for(
        functions(source)["convert"], rules=rules, module_source=source, imports=imports
    )
    assert not why_not
    spec = {a["name"]: a["strategy"] for a in args}
    rates = json.dumps(spec["rates"])
    # half the time a full table of every key, else a few of them
    assert '"keys": {"type": "sampled_from", "values": ["USD", "JPY"]}' in rates
    assert '"min_size": 2' in rates and '"max_size": 2' in rates
    assert spec["source"]["options"][0] == {"type": "sampled_from", "values": ["USD", "JPY"]}
    # an annotated parameter gets the strings its body compares it with, and its default
    assert {"buy", "sell"} <= set(json.dumps(spec["side"]).replace('"', " ").split())
    total = args_for(functions(source)["positive_total"], rules=rules, module_source=source)[0]
    assert '{"$": "decimal", "v": "-1"}' in json.dumps(total[0]["strategy"])  # bal > 0: -1 too
    # nothing to share: a mapping and its indexes meet on A, B, C
    cross = args_for(functions(source)["cross_rate"], rules=rules, module_source=source)[0]
    assert '"values": ["A", "B", "C"]' in json.dumps(cross[0]["strategy"])


def test_lists_whose_sum_is_checked_get_lists_that_add_up(rules: RuleSet) -> None:
    source = (
        "from decimal import Decimal\n\n"
        "def percent_split(total: Decimal, percents: list[Decimal]) -> list[Decimal]:\n"
        "    if sum(percents) != 100:\n"
        "        raise ValueError('percentages must add up to 100')\n"
        "    return [total * p / 100 for p in percents]\n"
    )
    fn = functions(source)["percent_split"]
    assert infer_usage(fn, source)["percents"].totals == ("100",)
    args, _ = args_for(fn, rules=rules, module_source=source)
    lists = args[1]["strategy"]["options"][0]["values"]
    sums = [sum(Decimal(item["v"]) for item in parts) for parts in lists]
    assert sums and all(total == 100 for total in sums)
    assert [{"$": "decimal", "v": "33.33"}, {"$": "decimal", "v": "33.33"},
            {"$": "decimal", "v": "33.34"}] in lists  # fmt: skip


@pytest.mark.parametrize(
    "source",
    [
        # keys that encode to dicts (tuples, floats): not hashable once encoded
        "TABLE = {('a', 'b'): 1, 0.5: 2}\n\ndef f(rates, pair):\n"
        "    if pair not in TABLE:\n        raise ValueError\n    return rates[pair]\n",
        # a total too large to split in cents
        "def f(parts):\n    if sum(parts) != 1e30:\n        raise ValueError\n    return parts\n",
        # a constructor too deep to print back
        "class C:\n    def __init__(self, a):\n        self.x = a" + " + a" * 600 + "\n\n"
        "def f(c: C):\n    return c\n",
    ],
)
def test_odd_sources_do_not_break_the_strategies(rules: RuleSet, source: str) -> None:
    from bot.engine.inputs.constructors import ClassResolver

    resolver = ClassResolver("m.py", "m", {"m.py": source}, rules)
    args, _ = args_for(functions(source)["f"], rules=rules, module_source=source, classes=resolver)
    assert args


def test_callees_are_read_once_per_parameter() -> None:
    calls = "\n".join(f"    g(x{i})" for i in range(60))
    inner = "\n".join("    h(y)" for _ in range(60))
    source = (
        f"def h(z):\n    return z % 7\n\ndef g(y):\n{inner}\n\n"
        f"def f(x0):\n" + "\n".join(f"    x{i + 1} = x{i}" for i in range(59)) + f"\n{calls}\n"
    )
    import time

    started = time.monotonic()
    usage = infer_usage(functions(source)["f"], source)
    assert usage["x0"].family == "int"  # read through g and h
    assert time.monotonic() - started < 5  # memoized: not 60 x 60 x 60 walks


def test_an_unannotated_mapping_indexed_by_parameters_is_a_dict(rules: RuleSet) -> None:
    source = "def rate(rates, base, quote):\n    return rates[quote] / rates.get(base)\n"
    fn = functions(source)["rate"]
    assert infer_usage(fn, source)["rates"].family == "dict"
    args, _ = args_for(fn, rules=rules, module_source=source)
    assert '"keys": {"type": "sampled_from", "values": ["A", "B", "C"]}' in json.dumps(args[0])


def test_defaults_new_on_head_are_not_passed_and_constructor_defaults_are_optional(
    rules: RuleSet,
) -> None:
    head = "def fee(amount, rounding='half_up'):\n    return amount\n"
    fn = dataclasses.replace(
        functions(head)["fee"], base_source="def fee(amount):\n    return amount\n"
    )
    assert [a["name"] for a in args_for(fn, rules=rules)[0]] == ["amount"]  # base lacks it
    assert [a["name"] for a in args_for(functions(head)["fee"], rules=rules)[0]] == [
        "amount", "rounding",
    ]  # fmt: skip
    ctor, _ = args_for(functions(head)["fee"], rules=rules, optional_defaults=True)
    assert [a.get("optional", False) for a in ctor] == [False, True]


def test_every_type_an_isinstance_dispatch_names_is_drawn() -> None:
    source = textwrap.dedent(
        """
        def to_number(arg):
            if isinstance(arg, (list, dict, bool)):
                return None
            elif isinstance(arg, (int, float)):
                return arg
            return int(arg)
        """
    )
    fn = ChangedFunction(
        "m.py", "to_number", 2, 7, "modified", params=(Param("arg", None),),
        head_source=source, base_path="m.py",
    )  # fmt: skip
    usage = infer_usage(fn, source)["arg"]
    assert set(usage.dispatched) == {"list", "dict", "bool", "int", "float"}
    [arg], _ = args_for(fn, rules=load_rules(), module_source=source)
    drawn = json.dumps(arg["strategy"])
    assert '"booleans"' in drawn and '"dicts"' in drawn and '"floats"' in drawn
    single = source.replace("(list, dict, bool)", "list").replace("(int, float)", "list")
    one = dataclasses.replace(fn, head_source=single)
    assert infer_usage(one, single)["arg"].dispatched == ()  # one type: the family says it
