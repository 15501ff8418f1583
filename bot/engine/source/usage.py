"""What a function's body says about its unannotated parameters (pure, ``ast``).

``def easter(year, method=EASTER_WESTERN)`` has no hints, but its body does ``year % 19``
and checks ``1 <= method <= 3``: ``year`` is an int, and 0..4 are the values of ``method``
worth trying. :func:`infer_usage` reads, for each parameter:

* a **family** from how the body uses it: arithmetic only ints do (``%``, ``//``, shifts),
  ``range(p)``, indexing with it -> ``int``; string methods -> ``str``; iteration, ``len``,
  ``sum`` -> ``list``; ``.numerator`` -> ``fraction``; ``.quantize`` -> ``decimal``;
  ``.year``/``.weekday()`` -> ``date``; ``isinstance(p, int)`` -> that type. A parameter
  passed on to another function of the same module takes that function's reading of it
  (two calls deep).
* **bounds**: numbers it is compared with (``p < 1``, ``1 <= p <= 3``, ``p in (2, 4)``),
  literals or module constants (``MAXYEAR``), as source text; the strategies try c-1, c, c+1.
  These come from the function's own guards, so they are tried even outside a role's range.
* **choices**: strings it is compared with (``p == 'EUR'``, ``p in ('a', 'b')``), the
  prefixes it is tested for, and the keys of a module constant it indexes
  (``MINOR_UNITS[currency]``, ``RATES.get(currency)``, ``currency in MINOR_UNITS``).
* **element bounds**: numbers the items of an iterated parameter are compared with
  (``for bal in balances: if bal > 0``).
* **totals**: what the sum of its items must be (``if sum(percents) != 100: raise``).
* **dispatched**: the families ``isinstance`` tests name when they name more than one
  (``isinstance(arg, (list, dict, bool))``, then ``(int, float)``): each is drawn too.
* **key of**: another parameter it indexes (``rates[base]``): the strategies draw that
  mapping's keys from the same few values as this parameter, so lookups hit.
* a **default** written as a module constant (``method=EASTER_WESTERN``), resolved to its
  literal text.

Nothing is imported or run: this is text work on the head and base sources of the function.

Longer than ~400 lines: one ``ast`` visitor and the tables it fills; its parts read the same
function body and share the same small helpers, so splitting them would split one pass.
"""

from __future__ import annotations

import ast
import textwrap
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.engine.source.astutil import parse_module
from bot.engine.source.imports import ImportMap
from bot.engine.source.literals import numeric_assignments, safe_literal
from bot.models import ChangedFunction

__all__ = ["Usage", "infer_usage"]

MAX_DEPTH = 2  # calls followed into other functions of the module
MAX_BOUNDS = 12
MAX_NODES = 200_000  # ast nodes visited for one function: a bound on pathological sources

_INT_OPS = (ast.Mod, ast.FloorDiv, ast.LShift, ast.RShift, ast.BitAnd, ast.BitOr, ast.BitXor)
_STR_METHOD_NAMES = (
    "upper lower strip lstrip rstrip replace split rsplit startswith endswith isdigit isalpha "
    "isalnum isdecimal isnumeric isupper islower isspace zfill rjust ljust center encode format "
    "partition rpartition translate casefold title capitalize splitlines expandtabs find rfind "
    "removeprefix removesuffix"
)
_STR_METHODS = frozenset(_STR_METHOD_NAMES.split())
_ATTRIBUTES = {
    "fraction": "numerator denominator limit_denominator _numerator _denominator",
    "decimal": "quantize as_tuple is_nan is_signed adjusted normalize to_integral_value _exp "
    "_int _sign _is_special",
    "date": "year month day weekday isoweekday toordinal isocalendar strftime",
    "datetime": "hour minute second microsecond timestamp tzinfo",
    "timedelta": "total_seconds days seconds",
    "int": "bit_length to_bytes",
    "float": "is_integer",
    "list": "append",
}
_ATTR_FAMILY = {attr: family for family, names in _ATTRIBUTES.items() for attr in names.split()}
_ITERATING = frozenset({"len", "sum", "sorted", "iter", "list", "tuple", "enumerate", "zip",
                        "reversed", "set", "frozenset", "any", "all", "fsum"})  # fmt: skip
_TYPES = {
    "int": "int", "float": "float", "str": "str", "Decimal": "decimal", "Fraction": "fraction",
    "date": "date", "datetime": "datetime", "timedelta": "timedelta", "list": "list",
    "tuple": "list", "bool": "bool",
}  # fmt: skip
# Stdlib constants worth knowing by name: calendar guards compare with them.
_KNOWN = {"MINYEAR": "1", "MAXYEAR": "9999", "maxsize": "9223372036854775807"}


@dataclass(frozen=True)
class Usage:
    family: str | None = None
    bounds: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    default: str | None = None
    element_bounds: tuple[str, ...] = ()  # numbers the items are compared with (for x in p)
    key_of: tuple[str, ...] = ()  # parameters this one indexes (rates[base]: base -> rates)
    totals: tuple[str, ...] = ()  # what its sum must be (if sum(percents) != 100: raise)
    dispatched: tuple[str, ...] = ()  # every family an isinstance() test names (type dispatch)


@dataclass
class _Reading:
    votes: Counter[str] = field(default_factory=Counter)
    bounds: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    element_bounds: list[str] = field(default_factory=list)
    key_of: list[str] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)
    dispatched: list[str] = field(default_factory=list)

    def merge(self, other: _Reading) -> None:
        """What a callee read of the same value."""
        self.votes.update({k: v for k, v in other.votes.items() if k != "number"})
        for mine, theirs in (
            (self.bounds, other.bounds),
            (self.choices, other.choices),
            (self.element_bounds, other.element_bounds),
            (self.totals, other.totals),
            (self.dispatched, other.dispatched),
        ):  # each value once: a helper called from many places is read once per call
            mine += [v for v in dict.fromkeys(theirs) if v not in mine]


def _function_defs(tree: ast.AST | None) -> dict[str, ast.FunctionDef]:
    if tree is None:
        return {}
    defs: dict[str, ast.FunctionDef] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            defs.setdefault(node.name, node)
    return defs


def function_def(source: str) -> ast.FunctionDef | None:
    """The function defined by a changed function's source text (indented or not)."""
    tree = parse_module(textwrap.dedent(source)) if source else None
    if tree is None:
        return None
    return next((n for n in tree.body if isinstance(n, ast.FunctionDef)), None)


class _Reader:
    def __init__(self, module_source: str, imports: ImportMap | None = None) -> None:
        tree = parse_module(module_source)
        self.constants = numeric_assignments(tree.body) if tree is not None else {}
        self.strings = _string_assignments(tree.body) if tree is not None else {}
        self.keys = _key_assignments(tree.body) if tree is not None else {}
        self.defs = _function_defs(tree)
        self.params: frozenset[str] = frozenset()  # the function's own parameters
        self.imports = imports
        self._others: dict[str, _Reader] = {}
        self._followed: dict[tuple[int, str, int], _Reading] = {}  # callee readings, memoized
        self.budget = MAX_NODES  # nodes visited, across the readers of one inference

    def imported(self, name: str) -> tuple[_Reader, str] | None:
        """The reader of the repository module ``name`` is imported from, and its name there."""
        origin = self.imports.origin(name) if self.imports is not None else None
        if origin is None or self.imports is None:
            return None
        if origin.path not in self._others:
            nested = ImportMap(origin.path, origin.module, self.imports.sources, self.imports.index)
            self._others[origin.path] = _Reader(self.imports.sources.get(origin.path, ""), nested)
        other = self._others[origin.path]
        other.budget = min(other.budget, self.budget)
        return other, origin.name

    def _table(self, attribute: str, name: str) -> Any:
        """``name`` in this module's constants/strings/keys/defs, or where it is imported from."""
        own = getattr(self, attribute)
        if name in own:
            return own[name]
        found = self.imported(name)
        return getattr(found[0], attribute).get(found[1]) if found is not None else None

    def constant(self, node: ast.AST) -> str | None:
        """Source text of a number the node stands for: literal, module constant, known name."""
        text = safe_literal(node)
        if text is not None:
            return text if _is_numberish(text) else None
        if isinstance(node, ast.Name):
            return self._table("constants", node.id) or _KNOWN.get(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return _KNOWN.get(node.attr)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.constant(node.operand)
            return f"-{inner}" if inner is not None and not inner.startswith("-") else None
        return None

    def string(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return repr(node.value)
        if isinstance(node, ast.Name):
            return self._table("strings", node.id)  # type: ignore[no-any-return]
        return None

    def read(self, fn: ast.FunctionDef, name: str, depth: int, out: _Reading) -> None:
        names = {name}
        for node in ast.walk(fn):  # plain copies: y = year
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and _is(node.value, name)
            ):
                names.add(node.targets[0].id)
        items = {
            node.target.id
            for node in ast.walk(fn)
            if isinstance(node, ast.For | ast.comprehension)
            and isinstance(node.target, ast.Name)
            and any(_is(node.iter, n) for n in names)
        }
        for alias in sorted(names):
            for node in ast.walk(fn):
                self.budget -= 1
                if self.budget <= 0:
                    return
                self._node(node, alias, depth, out)
        for item in sorted(items - names):  # for bal in balances: if bal > 0
            each = _Reading()
            for node in ast.walk(fn):
                if isinstance(node, ast.Compare):
                    self._compare(node, item, each)
            out.element_bounds += each.bounds

    def _node(self, node: ast.AST, name: str, depth: int, out: _Reading) -> None:
        if isinstance(node, ast.BinOp) and _is(node.left, name):
            if isinstance(node.op, _INT_OPS) and not _is_str_format(node):
                out.votes["int"] += 2
            elif isinstance(node.op, ast.Add) and self.string(node.right) is not None:
                out.votes["str"] += 2
        elif isinstance(node, ast.BinOp) and _is(node.right, name):
            if isinstance(node.op, _INT_OPS) and not isinstance(node.op, ast.Mod):
                out.votes["int"] += 1
        elif isinstance(node, ast.Subscript):
            if _is_key(node.slice, name):
                self._key(node.value, name, out)
            elif _is(node.value, name):
                if isinstance(node.slice, ast.Name) and node.slice.id in self.params:
                    out.votes["dict"] += 2  # rates[base]: a mapping keyed by another parameter
                else:
                    out.votes["str" if isinstance(node.slice, ast.Slice) else "list"] += 1
        elif isinstance(node, ast.Attribute) and _is(node.value, name):
            if node.attr in _STR_METHODS:
                out.votes["str"] += 3
            elif node.attr in _ATTR_FAMILY:
                out.votes[_ATTR_FAMILY[node.attr]] += 3
        elif isinstance(node, ast.For | ast.comprehension) and _is(node.iter, name):
            out.votes["list"] += 2
        elif isinstance(node, ast.Compare):
            self._compare(node, name, out)
        elif isinstance(node, ast.Call):
            self._call(node, name, depth, out)

    def _compare(self, node: ast.Compare, name: str, out: _Reading) -> None:
        operands = [node.left, *node.comparators]
        for i, op in enumerate(node.ops):
            left, right = operands[i], operands[i + 1]
            for summed, other in ((left, right), (right, left)):
                if _is_sum_of(summed, name) and isinstance(op, ast.Eq | ast.NotEq):
                    total = self.constant(other)
                    if total is not None:
                        out.totals.append(total)
            if not (_is(left, name) or _is(right, name)):
                continue
            other = right if _is(left, name) else left
            if isinstance(op, ast.In | ast.NotIn) and isinstance(
                other, ast.Tuple | ast.List | ast.Set
            ):
                for elt in other.elts:
                    self._bound(elt, out)
            elif isinstance(op, ast.In | ast.NotIn) and _is(right, name):
                self._bound(left, out)  # 'IMO' in number
            elif isinstance(op, ast.In | ast.NotIn) and _is(left, name):
                self._key(right, name, out)  # currency in MINOR_UNITS
            elif not isinstance(op, ast.Is | ast.IsNot | ast.In | ast.NotIn):
                self._bound(other, out)

    def _key(self, mapping: ast.AST, name: str, out: _Reading) -> None:
        """``name`` indexes ``mapping``: a module constant's keys are its values worth trying;
        another parameter's keys are drawn from the same values as ``name``."""
        keys = self._table("keys", mapping.id) if isinstance(mapping, ast.Name) else None
        if keys:
            out.choices += keys
            out.votes["str" if keys and keys[0][:1] in "'\"" else "int"] += 2
        elif isinstance(mapping, ast.Name) and mapping.id in self.params and mapping.id != name:
            out.key_of.append(mapping.id)
        else:
            out.votes["int"] += 1  # a list index, or a mapping's key: a weak vote

    def _prefixes(self, call: ast.Call, out: _Reading) -> None:
        """``p.startswith('IMO')``: the string itself is worth trying (as is ``'IMO' in p``)."""
        for arg in call.args[:1]:
            for option in arg.elts if isinstance(arg, ast.Tuple) else [arg]:
                text = self.string(option)
                if text is not None:
                    out.choices.append(text)

    def _bound(self, node: ast.AST, out: _Reading) -> None:
        number = self.constant(node)
        if number is not None:
            out.bounds.append(number)
            out.votes["number"] += 1
            return
        text = self.string(node)
        if text is not None:
            out.choices.append(text)
            out.votes["str"] += 2

    def _call(self, node: ast.Call, name: str, depth: int, out: _Reading) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and _is(func.value, name):
            if func.attr in ("startswith", "endswith", "find", "count", "removeprefix"):
                self._prefixes(node, out)
            elif func.attr == "get" and node.args and isinstance(node.args[0], ast.Name):
                out.votes["dict"] += 2 if node.args[0].id in self.params else 1
            return
        if isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault"):
            if node.args and _is_key(node.args[0], name):  # RATES.get(currency, ...)
                self._key(func.value, name, out)
            return
        callee = func.id if isinstance(func, ast.Name) else None
        positions = [i for i, a in enumerate(node.args) if _is(a, name)]
        if callee == "range" and positions:
            out.votes["int"] += 3
        elif callee in _ITERATING and positions:
            out.votes["list"] += 1
        elif callee == "isinstance" and positions == [0] and len(node.args) == 2:
            for type_name in _type_names(node.args[1]):
                if type_name in _TYPES:
                    out.votes[_TYPES[type_name]] += 2
                    out.dispatched.append(_TYPES[type_name])
                elif type_name == "dict":
                    out.dispatched.append("dict")
        elif callee in ("min", "max") and positions and len(node.args) == 1:
            out.votes["list"] += 1
        elif callee is not None and positions and depth < MAX_DEPTH:
            found = (self, callee) if callee in self.defs else self.imported(callee)
            target = found[0].defs.get(found[1]) if found is not None else None
            if found is not None and target is not None:
                found[0].follow(target, node, positions, depth, out, self.params)

    def follow(
        self,
        target: ast.FunctionDef,
        call: ast.Call,
        positions: list[int],
        depth: int,
        out: _Reading,
        callers: frozenset[str],
    ) -> None:
        """Read the callee's parameters at ``positions``; its ``rates[base]`` becomes the
        caller's when the caller passed its own parameters there."""
        params = [a.arg for a in [*target.args.posonlyargs, *target.args.args]]
        passed = {
            params[i]: a.id
            for i, a in enumerate(call.args)
            if i < len(params) and isinstance(a, ast.Name) and a.id in callers
        }
        for index in positions:
            if index < len(params):
                key = (id(target), params[index], depth)
                inner = self._followed.get(key)
                if inner is None:
                    inner = self._followed[key] = _Reading()
                    outer_params, self.params = self.params, frozenset(params)
                    self.read(target, params[index], depth + 1, inner)
                    self.params = outer_params
                out.merge(inner)
                out.key_of += [passed[k] for k in inner.key_of if k in passed]


def _string_assignments(body: list[ast.stmt]) -> dict[str, str]:
    out: dict[str, str] = {}
    for stmt in body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            out[stmt.targets[0].id] = repr(stmt.value.value)
    return out


def _key_assignments(body: list[ast.stmt]) -> dict[str, list[str]]:
    """Module constants that are collections of literals: their keys (dicts) or items, as
    source text (``MINOR_UNITS = {"JPY": 0, ...}`` -> ``["'JPY'", ...]``)."""
    out: dict[str, list[str]] = {}
    for stmt in body:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and stmt.targets else None
        if isinstance(stmt, ast.AnnAssign):
            target = stmt.target
        value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
        if not isinstance(target, ast.Name) or value is None:
            continue
        if isinstance(value, ast.Call) and _is_frozen(value):
            value = value.args[0]
        items: list[ast.expr | None] = []
        if isinstance(value, ast.Dict):
            items = list(value.keys)
        elif isinstance(value, ast.Set | ast.List | ast.Tuple):
            items = list(value.elts)
        texts = [t for t in (safe_literal(i) for i in items if i is not None) if t is not None]
        if texts and len(texts) == len(items):
            out[target.id] = texts[:MAX_BOUNDS]
    return out


def _is_frozen(call: ast.Call) -> bool:
    return _is(call.func, "frozenset") and len(call.args) == 1


def _type_names(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Tuple):
        for elt in node.elts:
            yield from _type_names(elt)
    elif isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr


def _is(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_sum_of(node: ast.AST, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and _is(node.func, "sum")
        and len(node.args) == 1
        and _is(node.args[0], name)
    )


def _is_key(node: ast.AST, name: str) -> bool:
    """``name``, or ``name.upper()`` and the like, used as a key."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("upper", "lower", "strip", "casefold")
        and not node.args
    ):
        return _is(node.func.value, name)
    return _is(node, name)


def _is_str_format(node: ast.BinOp) -> bool:
    return isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)


def _is_numberish(text: str) -> bool:
    try:
        complex(text.replace("_", ""))
    except ValueError:
        return text.startswith(("Decimal(", "Fraction("))
    return True


def _family(votes: Counter[str]) -> str | None:
    ranked = [(n, f) for f, n in votes.items() if f != "number" and n > 0]
    if not ranked:
        return None  # only compared with numbers: which kind of number is left open
    best = max(ranked)[1]
    if best == "list" and votes.get("str", 0) > 0:
        return "str"  # strings are sequences too; a string method settles it
    return best


def infer_usage(
    fn: ChangedFunction, module_source: str, imports: ImportMap | None = None
) -> dict[str, Usage]:
    """Per parameter name, what the head and base bodies of ``fn`` say about it; with
    ``imports``, functions and constants imported from other modules of the repository are
    read too."""
    reader = _Reader(module_source, imports)
    reader.params = frozenset(p.name for p in fn.params)
    defs = [
        d for d in (function_def(fn.head_source), function_def(fn.base_source)) if d is not None
    ]
    out: dict[str, Usage] = {}
    for param in fn.params:
        reading = _Reading()
        for node in defs:
            reader.read(node, param.name, 0, reading)
        default = None
        if param.default is not None and param.default.isidentifier():
            default = reader.constants.get(param.default) or reader.strings.get(param.default)
        usage = Usage(
            _family(reading.votes),
            _unique(reading.bounds),
            _unique(reading.choices),
            default,
            _unique(reading.element_bounds),
            _unique(reading.key_of),
            _unique(reading.totals),
            _unique(reading.dispatched) if len(set(reading.dispatched)) > 1 else (),
        )
        if usage != Usage():
            out[param.name] = usage
    return out


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(list(dict.fromkeys(values))[:MAX_BOUNDS])
