"""Calls made on a receiver before the method under test: the state a stateful class needs.

A cache evicts only once it is full, an LRU order matters only after two inserts, a replaced
key changes a size only when it was there before. So a receiver is built, then a drawn sequence
of at most ``MAX_STEPS`` calls of the class's state-changing methods is made on it, then the
method under test is called (the driver shrinks the sequence with the rest of the example; an
exception a step raises is ignored, its effect stays). The answer is the receiver's
``"steps"``: ``[{"name": "__setitem__", "args": [...]}]`` (docs/protocol.md).

Step methods: instance methods defined in the class or its in-module bases (the nearest
definition wins, as at run time), public or in ``STEP_DUNDERS``, not properties, static or
class methods, that change ``self`` as far as the source shows (assign to or delete from it,
call a mutating method of one of its attributes, pass it to a function that is not a known
pure builtin, or call one of its own methods that does), and whose
required arguments can be generated; parameters with defaults keep them. Pure: source in,
specs out.
"""

from __future__ import annotations

import ast
from typing import Any

from bot.engine.change.functions import unchanged_function
from bot.engine.inputs.strategies import ClassSpecs, args_for
from bot.engine.source.imports import ImportMap
from rules.ruleset import RuleSet

__all__ = ["MAX_STEPS", "STEP_DUNDERS", "observed_properties", "step_methods"]

MAX_STEPS = 4  # calls before the method under test, per example
MAX_STEP_METHODS = 8
MAX_PROPERTIES = 12
STEP_DUNDERS = frozenset({"__setitem__", "__delitem__", "__getitem__", "__call__"})
_NOT_STEPS = ("property", "setter", "getter", "deleter", "cached_property", "staticmethod",
              "classmethod", "abstractmethod", "overload")  # fmt: skip
_MUTATING_FUNCTIONS = frozenset({
    ("heapq", "heappush"), ("heapq", "heappop"), ("heapq", "heapify"), ("heapq", "heapreplace"),
    ("heapq", "heappushpop"), ("bisect", "insort"), ("bisect", "insort_left"),
    ("bisect", "insort_right"), ("random", "shuffle"),
})  # fmt: skip
_MUTATING = frozenset({"__setitem__", "__delitem__", "__iadd__", "__isub__"})
_MUTATORS = frozenset({
    "append", "extend", "insert", "pop", "popitem", "popleft", "appendleft", "clear", "update",
    "add", "discard", "remove", "setdefault", "move_to_end", "sort", "reverse",
})  # fmt: skip


def _rooted_at_self(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return isinstance(node, ast.Name) and node.id == "self"


_PURE_BUILTINS = frozenset({
    "type", "isinstance", "issubclass", "len", "id", "hash", "repr", "str", "format", "getattr",
    "hasattr", "vars", "iter", "print", "sorted", "list", "tuple", "dict", "set", "frozenset",
    "bool", "int", "float", "super", "callable", "dir", "sum", "min", "max", "any", "all",
    "abs", "round", "enumerate", "zip", "map", "filter", "reversed", "range", "next", "copy",
    "deepcopy", "isfinite", "isnan", "dumps",
})  # fmt: skip


def _may_mutate_its_arguments(func: ast.expr, name: str) -> bool:
    """A call that may change what it is given: a known mutating module function
    (``heapq.heappush``, ``bisect.insort``), or a function reached by a bare lowercase name that
    is not a pure builtin (a module helper, a bound ``cache_setitem``). A class (``Bit(...)``,
    capitalised) builds a new value from it; ``math.floor`` and the like read it."""
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return (owner, name) in _MUTATING_FUNCTIONS or (
            owner[:1].isupper() and name in _MUTATING  # Base.__setitem__(self, k, v)
        )
    return bool(name) and name[0].islower() and name not in _PURE_BUILTINS


def _self_calls(fn: ast.FunctionDef) -> set[str]:
    """The methods ``fn`` calls on ``self`` (``self.touch(key)``)."""
    return {
        node.func.attr
        for node in ast.walk(fn)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    }


def _mutates_directly(fn: ast.FunctionDef) -> bool:
    """Does the body itself change ``self`` (calls of its own methods aside)?"""
    for node in ast.walk(fn):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        if any(
            isinstance(t, ast.Attribute | ast.Subscript) and _rooted_at_self(t) for t in targets
        ):
            return True  # self.total += x, self[key] = value, del self.items[k]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if (
            isinstance(func, ast.Attribute)
            and not isinstance(func.value, ast.Name | ast.Call)
            and _rooted_at_self(func.value)
            and name in _MUTATORS
        ):
            return True  # self.items.append(x)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
            inner = func.value.func
            if isinstance(inner, ast.Name) and inner.id == "super" and name in _MUTATING:
                return True  # super().__setitem__(key, value)
        passes_self = any(
            (isinstance(a, ast.Name) and a.id == "self")
            or (isinstance(a, ast.Attribute | ast.Subscript) and _rooted_at_self(a))
            for a in node.args
        )
        if passes_self and _may_mutate_its_arguments(func, name):
            # cache_setitem(self, key, value), heapq.heappush(self._heap, x)
            return True
    return False


def changes_self(fn: ast.FunctionDef, methods: dict[str, ast.FunctionDef] | None = None) -> bool:
    """Does ``fn`` (as far as the source shows) change ``self``: directly, or by calling one
    of ``methods`` (the class's, by name) that does?"""
    methods = methods or {}
    seen: set[str] = set()
    todo = [fn]
    while todo:
        current = todo.pop()
        if _mutates_directly(current):
            return True
        for name in _self_calls(current) - seen:
            seen.add(name)
            if name in methods:
                todo.append(methods[name])
    return False


def _in_module_chain(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> list[ast.ClassDef]:
    """``cls`` and its bases defined in the module, nearest first (bases from elsewhere, such
    as ``MutableMapping``, are skipped: their methods are not read here)."""
    out: list[ast.ClassDef] = []
    queue = [cls]
    while queue and len(out) < 16:
        current = queue.pop(0)
        if any(c is current for c in out):
            continue
        out.append(current)
        for base in current.bases:
            name = ast.unparse(base).split("[")[0]
            if name in classes:
                queue.append(classes[name])
    return out


def _decorated_out(fn: ast.FunctionDef) -> bool:
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        if ast.unparse(target).rsplit(".", 1)[-1] in _NOT_STEPS:
            return True
    return False


def step_methods(
    cls: ast.ClassDef,
    classes: dict[str, ast.ClassDef],
    *,
    path: str,
    module_source: str,
    rules: RuleSet,
    constants: list[str] | tuple[str, ...] = (),
    class_specs: ClassSpecs | None = None,
    imports: ImportMap | None = None,
) -> list[dict[str, Any]]:
    """The receiver's step methods with their argument specs (see the module docstring)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    chain = _in_module_chain(cls, classes)
    methods: dict[str, ast.FunctionDef] = {}
    for owner in reversed(chain):  # the nearest definition wins
        methods.update((n.name, n) for n in owner.body if isinstance(n, ast.FunctionDef))
    for owner in chain:
        for node in owner.body:
            if not isinstance(node, ast.FunctionDef) or node.name in seen:
                continue
            seen.add(node.name)
            name = node.name
            if name.startswith("_") and name not in STEP_DUNDERS:
                continue
            takes_self = node.args.posonlyargs or node.args.args
            if _decorated_out(node) or not takes_self or not changes_self(node, methods):
                continue
            stand = unchanged_function(path, module_source, f"{owner.name}.{name}")
            if stand is None:
                continue
            required = {p.name for p in stand.params if p.default is None}
            args, why_not = args_for(
                stand, rules=rules, constants=constants, module_source=module_source,
                classes=class_specs, imports=imports,
            )  # fmt: skip
            if why_not:
                continue
            out.append({"name": name, "args": [a for a in args if a["name"] in required]})
            if len(out) >= MAX_STEP_METHODS:
                return out
    return out


def observed_properties(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> list[str]:
    """The public ``@property`` (and ``cached_property``) names of the class and its in-module
    bases: read after the call, they are what callers see of state kept in private fields
    (``currsize`` over ``self.__currsize``)."""
    out: list[str] = []
    for owner in _in_module_chain(cls, classes):
        for node in owner.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            names = {
                ast.unparse(d.func if isinstance(d, ast.Call) else d).rsplit(".", 1)[-1]
                for d in node.decorator_list
            }
            if names & {"property", "cached_property"} and node.name not in out:
                out.append(node.name)
    return out[:MAX_PROPERTIES]
