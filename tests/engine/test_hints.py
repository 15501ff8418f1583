"""Annotations read statically: type-checking-only aliases, string annotations, TypeVars."""

from __future__ import annotations

import pytest

from bot.engine.inputs.hints import NoStrategy, parse_hint, type_aliases
from bot.engine.inputs.strategies import args_for
from bot.engine.rulebook import load_rules
from bot.models import ChangedFunction, Param

TYPED = """
from __future__ import annotations
from typing import TYPE_CHECKING, TypeVar, Union
from decimal import Decimal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeAlias
    NumberOrString: TypeAlias = "float | str"
    Amount: TypeAlias = Union[Decimal, int]

Pair = tuple[int, int]
T = TypeVar("T", bound="Amount")
Either = TypeVar("Either", int, str)
LIMIT = 1000
Name = "not a type"


def intcomma(value: NumberOrString, ndigits: int | None = None) -> str:
    return str(value)
"""


def test_aliases_come_from_the_source_even_inside_type_checking_blocks() -> None:
    aliases = type_aliases(TYPED)
    assert {"NumberOrString", "Amount", "Pair", "T", "Either"} <= set(aliases)
    assert "LIMIT" not in aliases and "Name" not in aliases
    assert parse_hint("NumberOrString", aliases) == (
        "union",
        [("scalar", "float"), ("scalar", "str")],
    )
    assert parse_hint("'Amount'", aliases) == ("union", [("scalar", "decimal"), ("scalar", "int")])
    assert parse_hint("list[Pair]", aliases) == (
        "list",
        ("tuple", [("scalar", "int"), ("scalar", "int")]),
    )
    assert parse_hint("T", aliases) == ("union", [("scalar", "decimal"), ("scalar", "int")])
    assert parse_hint("Either", aliases) == ("union", [("scalar", "int"), ("scalar", "str")])


def test_without_the_aliases_the_name_is_an_unknown_class() -> None:
    assert parse_hint("NumberOrString") == ("class", "NumberOrString")
    with pytest.raises(NoStrategy):
        parse_hint("Awaitable[int]")
    assert parse_hint("Callable[[int], int]") == ("callable",)  # drawn from safe builtins


def test_a_self_referencing_alias_does_not_loop() -> None:
    aliases = type_aliases("Loop = Union[int, 'Loop']\n")
    hint = parse_hint("Loop", aliases)
    assert hint[0] == "union" and hint[1][0] == ("scalar", "int")


def _fn(*params: Param, source: str = "") -> ChangedFunction:
    return ChangedFunction(
        "m.py", "intcomma", 1, 3, "modified", params=params, head_source=source,
        base_source=source, base_path="m.py",
    )  # fmt: skip


def test_a_function_annotated_with_a_type_checking_alias_is_driven() -> None:
    fn = _fn(
        Param("value", "NumberOrString"),
        Param("ndigits", "int | None", "None"),
        source="def intcomma(value, ndigits=None):\n    return str(value)\n",
    )
    args, why_not = args_for(fn, rules=load_rules(), module_source=TYPED)
    assert why_not == []
    types = {o["type"] for o in args[0]["strategy"]["options"]}
    assert {"floats", "text"} <= types or "one_of" in str(args[0]["strategy"])
    # without the module's source the alias is unknown: the function is not drivable
    _args, why = args_for(fn, rules=load_rules())
    assert why and "NumberOrString" in why[0]


def test_an_unbuildable_annotation_falls_back_to_the_body() -> None:
    source = "def label(shape: Shape) -> str:\n    return shape.strip().upper()\n"
    fn = _fn(Param("shape", "Shape"), source=source)
    args, why_not = args_for(fn, rules=load_rules(), module_source=source)
    assert why_not == [] and args[0]["name"] == "shape"
    assert "text" in str(args[0]["strategy"])  # the body reads it as a string
    # with a default, callers may leave it alone: it is not generated (as before)
    fn = _fn(Param("shape", "Shape", "CIRCLE"), source=source)
    args, why_not = args_for(fn, rules=load_rules(), module_source=source)
    assert why_not == [] and args == []
    # with nothing to go on, the reason is stated
    fn = _fn(Param("shape", "Shape"), source="def label(shape: Shape):\n    return shape\n")
    _args, why_not = args_for(fn, rules=load_rules(), module_source=fn.head_source)
    assert why_not and "Shape" in why_not[0]


def test_supports_protocols_and_unions_with_an_ungeneratable_part() -> None:
    assert parse_hint("SupportsInt") == ("scalar", "int")
    assert parse_hint("typing.SupportsFloat") == ("scalar", "float")
    assert parse_hint("str | bytes") == ("union", [("scalar", "str")])  # bytes: no strategy
    assert parse_hint("Union[bytes, int]") == ("union", [("scalar", "int")])
    with pytest.raises(NoStrategy):
        parse_hint("bytes | bytearray")


def test_aliases_imported_from_the_repositorys_other_modules() -> None:
    from bot.engine.source.imports import ImportMap

    sources = {
        "pkg/__init__.py": "",
        "pkg/types.py": "from typing import Union\nStrOrBytes = Union[str, bytes]\n",
        "pkg/utils.py": (
            "from pkg.types import StrOrBytes\n\n\ndef sep(s: StrOrBytes):\n    return s\n"
        ),
    }
    fn = ChangedFunction(
        "pkg/utils.py", "sep", 4, 5, "modified", params=(Param("s", "StrOrBytes"),),
        head_source="def sep(s: StrOrBytes):\n    return s\n", base_path="pkg/utils.py",
    )  # fmt: skip
    imports = ImportMap("pkg/utils.py", "pkg.utils", sources)
    args, why = args_for(
        fn, rules=load_rules(), module_source=sources["pkg/utils.py"], imports=imports
    )
    assert why == [] and "text" in str(args[0]["strategy"])
