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


def _names_used(node: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """Every plain name and attribute name the body mentions (calls, references)."""
    out: set[str] = set()
    for stmt in node.body:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Name):
                out.add(sub.id)
            elif isinstance(sub, ast.Attribute):
                out.add(sub.attr)
    return frozenset(out)


def entry_points(
    source: str,
    qualname: str,
    *,
    depth: int = 2,
    limit: int = 3,
    exported: frozenset[str] | None = None,
) -> list[Caller]:
    """Public functions of the module (``source``) that reach ``qualname``, nearest first.

    For a private module (``tomli/_parser.py``), ``exported`` are the names the package
    imports from it (``loads``): only those are entry points, every other caller is climbed
    through like a private one (``parse_value`` -> ``parse_key_value_pair`` -> ``loads``)."""
    tree = parse_module(source)
    if tree is None:
        return []
    defs = dict(_definitions(tree))
    used = {name: _names_used(node) for name, node in defs.items()}
    found: list[Caller] = []
    frontier: list[tuple[str, tuple[str, ...]]] = [(qualname, (qualname,))]
    seen = {qualname}
    for _level in range(depth):
        nxt: list[tuple[str, tuple[str, ...]]] = []
        for target, chain in frontier:
            short = target.rsplit(".", 1)[-1]
            for name in defs:
                if name in seen or name.rsplit(".", 1)[-1].startswith("test"):
                    continue
                if short not in used[name]:
                    continue
                seen.add(name)
                hidden = exported is not None and name.split(".", 1)[0] not in exported
                if is_private(name) or hidden:
                    nxt.append((name, (name, *chain)))
                else:
                    found.append(Caller(name, (name, *chain)))
                    if len(found) >= limit:
                        return found
        frontier = nxt
        if not frontier:
            break
    return found
