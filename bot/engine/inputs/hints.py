"""Type hints as the input strategies read them: annotation text to a small hint tree (pure).

A hint is a tuple: ``("scalar", family)``, ``("list", h)``, ``("tuple", [h])``,
``("vartuple", h)``, ``("dict", k, v)``, ``("union", [h])``, ``("literal", [values])`` or
``("any",)``; families are the strategy families of ``rules.values`` (int, decimal, date...).
Unknown names stay ``("class", name)`` for the repository's own classes.
"""

from __future__ import annotations

import ast
from typing import Any

from rules.values import family_of, parse_literal

__all__ = ["Hint", "NoStrategy", "fits", "hint_of", "parse_hint"]


class NoStrategy(Exception):
    """A parameter deepcheck cannot generate values for; ``str()`` says why."""


Hint = tuple[Any, ...]  # ("scalar", family) | ("list", h) | ("tuple", [h]) | ("vartuple", h)
#                         ("dict", k, v) | ("union", [h]) | ("literal", [values]) | ("any",)

_SCALARS = {
    "int": "int",
    "float": "float",
    "Decimal": "decimal",
    "Fraction": "fraction",
    "str": "str",
    "bool": "bool",
    "date": "date",
    "datetime": "datetime",
    "timedelta": "timedelta",
    "None": "none",
    "NoneType": "none",
}
_LISTS = {"list", "List", "Sequence", "MutableSequence", "Iterable", "Collection"}
_TUPLES = {"tuple", "Tuple"}
_DICTS = {"dict", "Dict", "Mapping", "MutableMapping"}
_UNIONS = {"Union", "Optional"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # decimal.Decimal, typing.Optional, dt.date
        return node.attr
    return ""


def parse_hint(text: str) -> Hint:
    try:
        return hint_of(ast.parse(text.strip(), mode="eval").body)
    except SyntaxError:
        raise NoStrategy(f"cannot read the type hint {text!r}") from None


def hint_of(node: ast.expr) -> Hint:
    if isinstance(node, ast.Constant):
        if node.value is None:
            return ("scalar", "none")
        if isinstance(node.value, str):  # a forward reference: "Decimal"
            return parse_hint(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return ("union", [hint_of(node.left), hint_of(node.right)])
    if isinstance(node, ast.Subscript):
        outer = _name(node.value)
        inner = node.slice
        args = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        if outer in _LISTS and len(args) == 1:
            return ("list", hint_of(args[0]))
        if outer in _TUPLES:
            last = args[-1]
            if len(args) == 2 and isinstance(last, ast.Constant) and last.value is Ellipsis:
                return ("vartuple", hint_of(args[0]))
            return ("tuple", [hint_of(a) for a in args])
        if outer in _DICTS and len(args) == 2:
            return ("dict", hint_of(args[0]), hint_of(args[1]))
        if outer in _UNIONS:
            options = [hint_of(a) for a in args]
            return ("union", [*options, ("scalar", "none")] if outer == "Optional" else options)
        if outer == "Literal":
            try:
                return ("literal", [parse_literal(ast.unparse(a)) for a in args])
            except ValueError as exc:
                raise NoStrategy(f"Literal of non-literal values: {exc}") from None
        if outer == "Annotated":
            return hint_of(args[0])
    name = _name(node) if isinstance(node, ast.Name | ast.Attribute) else ""
    if name in _SCALARS:
        return ("scalar", _SCALARS[name])
    if name in ("Any", "object"):
        return ("any",)
    if name in _LISTS:
        return ("list", ("any",))
    if name in _TUPLES:
        return ("vartuple", ("any",))
    if name in _DICTS:
        return ("dict", ("scalar", "str"), ("any",))
    if name[:1].isupper() and name not in _TYPING_NAMES:
        return (
            "class",
            ast.unparse(node),
        )  # maybe the repository's own: see bot/engine/inputs/constructors.py
    raise NoStrategy(f"no strategy for the type {ast.unparse(node)!r}")


_TYPING_NAMES = frozenset(
    {"Callable", "Iterator", "Generator", "Set", "FrozenSet", "Type", "Awaitable", "Coroutine",
     "AsyncIterator", "IO", "TextIO", "BinaryIO", "Pattern", "Match", "TypeVar", "Protocol",
     "NoReturn", "Never", "Self", "ClassVar", "Final", "Counter", "Deque", "DefaultDict",
     "OrderedDict", "ChainMap", "AbstractSet", "MutableSet", "Hashable", "Sized", "Path"}
)  # fmt: skip


def fits(value: Any, hint: Hint) -> bool:
    kind = hint[0]
    if kind == "scalar":
        return bool(family_of(value) == hint[1])
    if kind == "list":
        return isinstance(value, list) and all(fits(v, hint[1]) for v in value)
    if kind == "vartuple":
        return isinstance(value, tuple) and all(fits(v, hint[1]) for v in value)
    if kind == "tuple":
        return (
            isinstance(value, tuple)
            and len(value) == len(hint[1])
            and all(fits(v, h) for v, h in zip(value, hint[1], strict=True))
        )
    if kind == "dict":
        return isinstance(value, dict) and all(
            fits(k, hint[1]) and fits(v, hint[2]) for k, v in value.items()
        )
    return False  # unions mix at their options; literals and Any take no extras
