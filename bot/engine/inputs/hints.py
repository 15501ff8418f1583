"""Type hints as the input strategies read them: annotation text to a small hint tree (pure).

A hint is a tuple: ``("scalar", family)``, ``("list", h)``, ``("tuple", [h])``,
``("vartuple", h)``, ``("dict", k, v)``, ``("union", [h])``, ``("literal", [values])`` or
``("any",)``; families are the strategy families of ``rules.values`` (int, decimal, date...).
Unknown names stay ``("class", name)`` for the repository's own classes.

Annotations are read statically, never evaluated: a name the module defines as a type alias
(``Amount: TypeAlias = Decimal | int``, ``Number = Union[int, float]``, the same inside
``if TYPE_CHECKING:``, which the runtime never sees) or as a ``TypeVar`` (its bound, or the
union of its constraints) is expanded from the module's own source (:func:`type_aliases`).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from rules.values import family_of, parse_literal

__all__ = ["Aliases", "Hint", "NoStrategy", "fits", "hint_of", "parse_hint", "type_aliases"]


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
_SUPPORTS = {
    "SupportsInt": "int",
    "SupportsIndex": "int",
    "SupportsFloat": "float",
    "SupportsAbs": "int",
    "SupportsRound": "float",
    "SupportsComplex": "float",
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


Aliases = Mapping[str, ast.expr]
_MAX_ALIAS_DEPTH = 8
_TYPING_ROOTS = {"typing", "typing_extensions", "t"}


def _is_type_checking(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` / ``if typing.TYPE_CHECKING:`` (also ``TYPE_CHECKING = False``'s)."""
    return _name(test) == "TYPE_CHECKING"


def _looks_like_a_type(node: ast.expr) -> bool:
    """A right-hand side that can only be a type: ``X | Y``, ``Union[...]``, ``list[int]``..."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _looks_like_a_type(node.left) and _looks_like_a_type(node.right)
    if isinstance(node, ast.Subscript):
        return _name(node.value) in (
            _LISTS | _TUPLES | _DICTS | _UNIONS | {"Literal", "Annotated", "Callable"}
        )
    if isinstance(node, ast.Constant):
        return node.value is None
    return _name(node) in _SCALARS


def _typevar(node: ast.expr) -> ast.expr | None:
    """``TypeVar("T", bound=X)`` -> X; ``TypeVar("T", A, B)`` -> ``A | B``; plain -> ``Any``."""
    if not (isinstance(node, ast.Call) and _name(node.func) == "TypeVar"):
        return None
    bound = next((k.value for k in node.keywords if k.arg == "bound"), None)
    if isinstance(bound, ast.Constant) and isinstance(bound.value, str):
        try:  # bound="Amount": a forward reference
            return ast.parse(bound.value, mode="eval").body
        except SyntaxError:
            return None
    if bound is not None:
        return bound
    constraints = node.args[1:]
    if not constraints:
        return ast.Name("Any")
    union: ast.expr = constraints[0]
    for other in constraints[1:]:
        union = ast.BinOp(union, ast.BitOr(), other)
    return union


def type_aliases(module_source: str | None) -> dict[str, ast.expr]:
    """Type aliases and TypeVars the module defines at its top level (``if TYPE_CHECKING:``
    blocks included), by name, as annotation expressions. Nothing is imported or evaluated."""
    if not module_source:
        return {}
    try:
        tree = ast.parse(module_source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    found: dict[str, ast.expr] = {}

    def visit(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.If):
                visit(stmt.body)
                visit(stmt.orelse)
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                if stmt.value is not None and _name(stmt.annotation) == "TypeAlias":
                    value = stmt.value
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        try:
                            value = ast.parse(value.value, mode="eval").body
                        except SyntaxError:
                            continue
                    found[stmt.target.id] = value
            elif (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
            ):
                name, value = stmt.targets[0].id, stmt.value
                var = _typevar(value)
                if var is not None:
                    found[name] = var
                elif _looks_like_a_type(value) and name[:1].isupper():
                    found[name] = value

    visit(tree.body)
    return found


def parse_hint(text: str, aliases: Aliases | None = None, _depth: int = 0) -> Hint:
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise NoStrategy(f"cannot read the type hint {text!r}") from None
    return hint_of(node, aliases, _depth)


def hint_of(node: ast.expr, aliases: Aliases | None = None, _depth: int = 0) -> Hint:
    if _depth > 2 * _MAX_ALIAS_DEPTH:
        raise NoStrategy(f"the type hint {ast.unparse(node)!r} refers to itself")
    if aliases and _depth < _MAX_ALIAS_DEPTH and isinstance(node, ast.Name | ast.Attribute):
        target = aliases.get(ast.unparse(node)) or aliases.get(_name(node))
        if target is not None and target is not node:
            return hint_of(target, aliases, _depth + 1)
    return _hint_of(node, aliases, _depth)


def _hint_of(node: ast.expr, aliases: Aliases | None, depth: int) -> Hint:
    def sub(inner: ast.expr) -> Hint:  # the parts of a hint see the same aliases
        return hint_of(inner, aliases, depth)

    def some(nodes: list[ast.expr]) -> list[Hint]:
        """A union's options that have a strategy (``str | bytes``: str); all when none has."""
        found, first = [], None
        for node in nodes:
            try:
                found.append(sub(node))
            except NoStrategy as exc:
                first = first or exc
        if not found and first is not None:
            raise first
        return found

    if isinstance(node, ast.Constant):
        if node.value is None:
            return ("scalar", "none")
        if isinstance(node.value, str):  # a forward reference: "Decimal"
            return parse_hint(node.value, aliases, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return ("union", some([node.left, node.right]))
    if isinstance(node, ast.Subscript):
        outer = _name(node.value)
        inner = node.slice
        args = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        if outer in _LISTS and len(args) == 1:
            return ("list", sub(args[0]))
        if outer in _TUPLES:
            last = args[-1]
            if len(args) == 2 and isinstance(last, ast.Constant) and last.value is Ellipsis:
                return ("vartuple", sub(args[0]))
            return ("tuple", [sub(a) for a in args])
        if outer in _DICTS and len(args) == 2:
            return ("dict", sub(args[0]), sub(args[1]))
        if outer in _UNIONS:
            options = some(args)
            return ("union", [*options, ("scalar", "none")] if outer == "Optional" else options)
        if outer == "Literal":
            try:
                return ("literal", [parse_literal(ast.unparse(a)) for a in args])
            except ValueError as exc:
                raise NoStrategy(f"Literal of non-literal values: {exc}") from None
        if outer == "Annotated":
            return sub(args[0])
        if outer == "Callable":  # drawn from deterministic builtins (sandbox codec CALLABLES)
            return ("callable",)
    name = _name(node) if isinstance(node, ast.Name | ast.Attribute) else ""
    if name == "Callable":
        return ("callable",)
    if name in _SCALARS:
        return ("scalar", _SCALARS[name])
    if name in _SUPPORTS:  # typing.SupportsInt and friends: the numbers that satisfy them
        return ("scalar", _SUPPORTS[name])
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
