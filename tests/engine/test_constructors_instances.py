"""Parameters of the repository's own classes get instance strategies
(bot/engine/inputs/constructors.py)."""

from __future__ import annotations

import ast
import json
import textwrap
from typing import Any

import pytest

from bot.engine.inputs.constructors import ClassResolver
from bot.engine.inputs.strategies import NoStrategy, args_for, explain_strategy
from bot.engine.verdict.witness import build_test
from bot.models import ChangedFunction, Param
from rules import RuleSet, load_rules

SOURCES = {
    "money/__init__.py": "",
    "money/core.py": textwrap.dedent(
        """
        from dataclasses import dataclass, field
        from decimal import Decimal
        from enum import Enum
        from typing import NamedTuple


        class Currency(Enum):
            USD = "USD"


        @dataclass(frozen=True)
        class Money:
            amount: Decimal
            currency: str = "USD"
            note: str = field(default="", init=False)


        class Line(NamedTuple):
            price: Money
            qty: int


        class Ledger:
            def __init__(self, owner, *entries, limit: int = 10):
                self.owner = owner


        class Loop:
            def __init__(self, nxt: "Loop"):
                self.nxt = nxt


        class Special(Exception):
            pass
        """
    ),
    "billing/__init__.py": "",
    "billing/invoice.py": textwrap.dedent(
        """
        from money.core import Money as M, Line
        from .tax import Rate


        def total(lines: list[Line], rate: Rate) -> M:
            return M(sum(l.price.amount * l.qty for l in lines))
        """
    ),
    "billing/tax.py": (
        "class Rate:\n    def __init__(self, percent: int):\n        self.percent = percent\n"
    ),
    "tests/test_money.py": "from money.core import Money\nMoney(Decimal('5.00'), 'EUR')\n",
}


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def resolver(rules: RuleSet, path: str = "money/core.py", module: str = "money.core") -> Any:
    return ClassResolver(path, module, SOURCES, rules)


def test_a_dataclass_of_the_module_is_constructed_from_its_fields(rules: RuleSet) -> None:
    spec = resolver(rules).spec("Money")
    assert spec["type"] == "instance" and (spec["module"], spec["class"]) == ("money.core", "Money")
    assert [a["name"] for a in spec["args"]] == ["amount", "currency"]  # not the init=False one
    # literals from the calls of the class (tests first): Decimal('5.00') and 'EUR'
    assert '"5.00"' in json.dumps(spec["args"][0]) and '"EUR"' in json.dumps(spec["args"][1])


def test_named_tuples_nest_and_init_parameters_skip_self(rules: RuleSet) -> None:
    line = resolver(rules).spec("Line")
    assert [a["name"] for a in line["args"]] == ["price", "qty"]
    assert line["args"][0]["strategy"]["class"] == "Money"  # one class inside another
    ledger = resolver(rules).spec("Ledger")
    assert [a["name"] for a in ledger["args"]] == ["owner", "limit"]


def test_what_is_not_built(rules: RuleSet) -> None:
    r = resolver(rules)
    assert r.spec("Currency") is None  # an enum inherits its constructor
    assert r.spec("Special") is None  # so does an exception
    assert r.spec("Loop") is None  # a class that needs itself
    assert r.spec("Unknown") is None


def test_imported_classes_are_found_absolute_relative_and_aliased(rules: RuleSet) -> None:
    r = resolver(rules, "billing/invoice.py", "billing.invoice")
    assert r.spec("M")["class"] == "Money" and r.spec("M")["module"] == "money.core"
    assert r.spec("Rate")["module"] == "billing.tax"
    fn = ChangedFunction(
        "billing/invoice.py", "total", 6, 7, "modified",
        params=(Param("lines", "list[Line]"), Param("rate", "Rate")),
    )  # fmt: skip
    args, why_not = args_for(fn, rules=rules, classes=r)
    assert not why_not
    assert args[0]["strategy"]["type"] == "lists"
    assert args[0]["strategy"]["elements"]["class"] == "Line"


def test_without_a_resolver_a_class_has_no_strategy(rules: RuleSet) -> None:
    with pytest.raises(NoStrategy, match="'Money'"):
        explain_strategy(Param("other", "'Money'"), roles=rules)
    with pytest.raises(NoStrategy, match="Awaitable"):
        explain_strategy(Param("f", "Awaitable[int]"), roles=rules, classes=resolver(rules))
    optional = explain_strategy(Param("m", "Optional[Money]"), classes=resolver(rules))
    assert [o["type"] for o in optional["options"]] == ["instance", "none"]


def test_the_witness_test_imports_the_classes_it_constructs() -> None:
    src = build_test(
        module="billing.invoice", qualname="total",
        call="total(lines=[], rate=Rate(percent=5))", base_value=1, head_value=2,
        base_repr="1", head_repr="2", finding_id="0123456789abcdef",
        constructs=[["billing.tax", "Rate"], ["money.core", "Money"]],
    ).source  # fmt: skip
    ast.parse(src)
    assert "from billing.tax import Rate" in src
    assert "Money" not in src  # not in the call: not imported
