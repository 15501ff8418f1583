"""Arguments of the repository's own classes: ``def __sub__(self, other: "Money")``.

A parameter hinted with a class the repository defines (in the function's module, or imported
into it from another module of the repository) gets an ``instance`` strategy: the class's
module and name and strategies for its constructor's arguments (``__init__``, ``__new__``, a
``@dataclass``'s or ``NamedTuple``'s fields), read from the source like a receiver's
(bot/receivers.py), with literals from the calls of the class. Each side's call server builds
the instance from its own module. Nesting (an ``Invoice`` of ``LineItem``s) is followed two
classes deep; enums and classes that inherit their constructor from elsewhere are not built.

    {"type": "instance", "module": "money.core", "class": "Money", "args": [...]}

Pure: source text in, specs out; nothing is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from bot.imports import ImportMap
from bot.literals import _parse, harvest_literals
from bot.models import ChangedFunction

__all__ = ["ClassResolver"]

MAX_DEPTH = 2


class ClassResolver:
    """Instance specs for class names as seen from one module of the repository."""

    def __init__(
        self,
        path: str,
        module: str,
        sources: Mapping[str, str],
        rules: Any,
        *,
        depth: int = 0,
        index: Mapping[str, str] | None = None,
    ) -> None:
        self.path, self.module, self.sources, self.rules, self.depth = (
            path, module, sources, rules, depth,
        )  # fmt: skip
        self.imports = ImportMap(path, module, sources, index)
        self._cache: dict[str, dict[str, Any] | None] = {}

    def spec(self, name: str) -> dict[str, Any] | None:
        """The ``instance`` spec for ``name`` (``Money`` or ``models.Money``), or None."""
        if self.depth >= MAX_DEPTH:
            return None
        if name not in self._cache:
            self._cache[name] = None  # a class that needs itself is not built
            self._cache[name] = self._build(name.rsplit(".", 1)[-1])
        return self._cache[name]

    # -- finding the class -----------------------------------------------------------------

    def _find(self, name: str) -> tuple[str, str, ast.ClassDef] | None:
        """(module, path, class) of ``name`` as this module sees it."""
        tree = _parse(self.sources.get(self.path, ""))
        if tree is None:
            return None
        own = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
        if own is not None:
            return self.module, self.path, own
        origin = self.imports.origin(name)
        found = _parse(self.sources.get(origin.path, "")) if origin is not None else None
        if origin is None or found is None:
            return None
        cls = next(
            (n for n in found.body if isinstance(n, ast.ClassDef) and n.name == origin.name), None
        )
        return (origin.module, origin.path, cls) if cls is not None else None

    # -- building the spec -----------------------------------------------------------------

    def _build(self, name: str) -> dict[str, Any] | None:
        from bot.receivers import constructor_params, constructor_source
        from bot.strategies import args_for

        found = self._find(name)
        if found is None:
            return None
        module, path, cls = found
        params = constructor_params(cls)
        if params is None:
            return None
        stand_in = ChangedFunction(
            path, cls.name, cls.lineno, cls.end_lineno or cls.lineno, "modified",
            params=params, head_source=constructor_source(cls),
        )  # fmt: skip
        literals = harvest_literals(self.sources, cls.name, params, prefer=path)
        nested = ClassResolver(
            path, module, self.sources, self.rules, depth=self.depth + 1, index=self.imports.index
        )
        args, why_not = args_for(
            stand_in,
            rules=self.rules,
            literals=literals,
            module_source=self.sources.get(path, ""),
            classes=nested,
            imports=nested.imports,
            optional_defaults=True,
        )
        if why_not:
            return None
        return {"type": "instance", "module": module, "class": cls.name, "args": args}
