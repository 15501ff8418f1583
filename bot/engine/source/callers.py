"""Public entry points that reach a changed function: who in its module calls it (pure, ``ast``).

A private helper (``_quotient_and_remainder``) or a function with awkward arguments (a
``re.Match`` that only ``re.sub`` passes) is often not worth driving directly; the bug it
carries is reachable through the public functions of its module that call it. This module
reads the head source of the changed function's module and answers, breadth first: which
functions refer to it (a call, ``self._helper(...)``, or a reference passed on, as in
``re.sub(pattern, _helper, text)``), climbing through private callers until a public one is
found, at most ``depth`` levels up.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from bot.engine.source.astutil import parse_module

__all__ = ["Caller", "entry_points", "is_private"]


@dataclass(frozen=True)
class Caller:
    qualname: str  # "format", "Parser.parse"
    via: tuple[str, ...]  # the chain from the entry point down to the changed function


def is_private(qualname: str) -> bool:
    """``_helper``, ``_Parser.parse`` or ``Parser._step``: not part of the public surface."""
    parts = [p for p in qualname.split(".") if p != "<locals>"]
    return any(p.startswith("_") and not (p.startswith("__") and p.endswith("__")) for p in parts)


def _definitions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Module-level functions and the methods of module-level classes (not nested ones)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield f"{node.name}.{item.name}", item


def _refers_to(node: ast.AST, short: str) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id == short:
            return True
        if isinstance(sub, ast.Attribute) and sub.attr == short:
            return True
    return False


def entry_points(source: str, qualname: str, *, depth: int = 2, limit: int = 3) -> list[Caller]:
    """Public functions of the module (``source``) that reach ``qualname``, nearest first."""
    tree = parse_module(source)
    if tree is None:
        return []
    defs = dict(_definitions(tree))
    found: list[Caller] = []
    frontier: list[tuple[str, tuple[str, ...]]] = [(qualname, (qualname,))]
    seen = {qualname}
    for _level in range(depth):
        nxt: list[tuple[str, tuple[str, ...]]] = []
        for target, chain in frontier:
            short = target.rsplit(".", 1)[-1]
            for name, node in defs.items():
                if name in seen or name.rsplit(".", 1)[-1].startswith("test"):
                    continue
                if not any(_refers_to(stmt, short) for stmt in node.body):
                    continue
                seen.add(name)
                if is_private(name):
                    nxt.append((name, (name, *chain)))
                else:
                    found.append(Caller(name, (name, *chain)))
                    if len(found) >= limit:
                        return found
        frontier = nxt
        if not frontier:
            break
    return found
