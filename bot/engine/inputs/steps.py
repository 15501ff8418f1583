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
call a method on it or on one of its attributes that mutates, pass it along), and whose
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

__all__ = ["MAX_STEPS", "STEP_DUNDERS", "step_methods"]

MAX_STEPS = 4  # calls before the method under test, per example
MAX_STEP_METHODS = 8
STEP_DUNDERS = frozenset({"__setitem__", "__delitem__", "__getitem__", "__call__"})
_NOT_STEPS = ("property", "setter", "getter", "deleter", "cached_property", "staticmethod",
              "classmethod", "abstractmethod", "overload")  # fmt: skip
_MUTATORS = frozenset({
    "append", "extend", "insert", "pop", "popitem", "popleft", "appendleft", "clear", "update",
    "add", "discard", "remove", "setdefault", "move_to_end", "sort", "reverse",
})  # fmt: skip


def _rooted_at_self(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return isinstance(node, ast.Name) and node.id == "self"


def changes_self(fn: ast.FunctionDef) -> bool:
    """Does the body (as far as the source shows) change ``self``?"""
    for node in ast.walk(fn):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        if any(
            isinstance(t, ast.Attribute | ast.Subscript) and _rooted_at_self(t) for t in targets
        ):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and _rooted_at_self(func.value)
                and (isinstance(func.value, ast.Name) or func.attr in _MUTATORS)
            ):
                return True  # self.m(...), self.items.append(...)
            if any(isinstance(a, ast.Name) and a.id == "self" for a in node.args):
                return True  # helper(self, ...), cache_setitem(self, key, value)
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
                inner = func.value.func
                if isinstance(inner, ast.Name) and inner.id == "super":
                    return True  # super().__setitem__(key, value)
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
    for owner in _in_module_chain(cls, classes):
        for node in owner.body:
            if not isinstance(node, ast.FunctionDef) or node.name in seen:
                continue
            seen.add(node.name)
            name = node.name
            if name.startswith("_") and name not in STEP_DUNDERS:
                continue
            if _decorated_out(node) or not node.args.args or not changes_self(node):
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
