"""Alternative constructors of a class: how real instances are made (pure, ``ast``).

``URL(scheme=..., host=..., path=..., query=...)`` is rarely how a ``URL`` is made;
``URL.from_text('http://a.com/b?q=1')`` is, and the strings its docs and tests pass are the
instances a method's bug shows on. A receiver spec lists the class's ``@classmethod`` factories
(named ``from_*``/``parse*``/``of*``/``load*``/``create*``/``make*``/``build*``, or returning
``cls(...)``) with strategies for their arguments (literals from their calls); the differential
driver then builds the receiver either way (``"factories"``, docs/protocol.md).
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from bot.engine.change.functions import function_params
from bot.engine.inputs.strategies import ClassSpecs, args_for
from bot.engine.invariants import callable_params
from bot.engine.source.literals import harvest_literals
from bot.models import ChangedFunction
from rules.ruleset import RuleSet
from rules.values import encode, parse_literal

__all__ = ["MAX_FACTORIES", "factories"]


def _source(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except RecursionError:
        return ""


_FACTORY_PREFIXES = ("from", "parse", "of", "load", "create", "make", "build")
MAX_FACTORIES = 2


def _returns_cls(node: ast.FunctionDef) -> bool:
    return any(
        isinstance(n, ast.Return)
        and isinstance(n.value, ast.Call)
        and isinstance(n.value.func, ast.Name)
        and n.value.func.id == "cls"
        for n in ast.walk(node)
    )


def factories(
    fn: ChangedFunction,
    cls: ast.ClassDef,
    sources: Mapping[str, str],
    rules: RuleSet,
    module_src: str,
    classes: ClassSpecs | None,
    constants: Sequence[str],
) -> list[dict[str, Any]]:
    """The class's alternative constructors (``@classmethod`` ``from_text``/``parse``... or any
    classmethod that returns ``cls(...)``) whose arguments can be drawn: ``[{"name", "args"}]``.
    Real instances are mostly made by them, from text the module's docs and tests show."""
    out: list[dict[str, Any]] = []
    for node in cls.body:
        if not isinstance(node, ast.FunctionDef) or node.name == fn.function.rsplit(".", 1)[-1]:
            continue
        if "classmethod" not in {ast.unparse(d).rsplit(".", 1)[-1] for d in node.decorator_list}:
            continue
        if not (node.name.lstrip("_").startswith(_FACTORY_PREFIXES) or _returns_cls(node)):
            continue
        stand_in = dataclasses.replace(
            fn, function=f"{cls.name}.{node.name}", params=function_params(node.args),
            decorators=("classmethod",), is_method=True, head_source=_source(node),
            base_source="",
        )  # fmt: skip
        own = callable_params(stand_in)
        if not own or node.name.startswith("_"):
            continue
        literals = harvest_literals(sources, node.name, own, prefer=fn.path)
        args, why_not = args_for(
            stand_in, rules=rules, literals=literals, constants=constants,
            module_source=module_src, classes=classes,
            imports=getattr(classes, "imports", None),
        )  # fmt: skip
        if not why_not and args:
            out.append({"name": node.name, "args": [_with_seen(a, literals) for a in args]})
        if len(out) >= MAX_FACTORIES:
            break
    return out


def _with_seen(arg: dict[str, Any], literals: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The argument's strategy, also drawing the values the factory's calls in docs and tests
    pass (``from_text('http://example.com')``) whatever family the body suggested."""
    values = []
    for text in literals.get(str(arg["name"]), ()):
        try:
            value = parse_literal(text)
        except ValueError:
            continue
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            values.append(encode(value))
    if not values:
        return arg
    seen = {"type": "sampled_from", "values": values}
    return {**arg, "strategy": {"type": "one_of", "options": [seen, arg["strategy"]]}}
