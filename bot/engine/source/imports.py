"""Names a module of the repository imports from its other modules (pure, ``ast``).

``from money.core import MINOR_UNITS as UNITS, minor_exponent`` in ``fx/convert.py``:
:meth:`ImportMap.origin` says ``UNITS`` is ``MINOR_UNITS`` of ``money.core``, whose source is
``money/core.py``. Absolute and relative imports are followed; ``import x`` and names from
outside the repository are not.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from bot.engine.source.astutil import parse_module
from bot.engine.source.modules import module_for

__all__ = ["ImportMap", "Origin", "module_index"]


@dataclass(frozen=True)
class Origin:
    module: str  # dotted name of the defining module
    path: str  # its repo-relative path
    name: str  # the name there (before any ``as``)


def module_index(sources: Mapping[str, str]) -> dict[str, str]:
    """Dotted module name -> path, for the Python files in ``sources``."""
    files = set(sources)
    index: dict[str, str] = {}
    for path in sources:
        try:
            index.setdefault(module_for(path, files).module, path)
        except ValueError:
            continue
    return index


class ImportMap:
    """The ``from ... import`` names of one module, resolved within the repository."""

    def __init__(
        self,
        path: str,
        module: str,
        sources: Mapping[str, str],
        index: Mapping[str, str] | None = None,
    ) -> None:
        self.path, self.module, self.sources = path, module, sources
        self._index = index
        self._names: dict[str, tuple[str, str]] | None = None

    @property
    def index(self) -> Mapping[str, str]:
        if self._index is None:
            self._index = module_index(self.sources)
        return self._index

    def origin(self, name: str) -> Origin | None:
        """Where ``name`` (as bound in this module) is defined in the repository, or None."""
        if self._names is None:
            self._names = self._read()
        found = self._names.get(name)
        if found is None:
            return None
        module, original = found
        path = self.index.get(module)
        return Origin(module, path, original) if path is not None else None

    def names_from(self, path: str) -> set[str]:
        """The names this module imports from the repository file ``path`` (as defined there)."""
        if self._names is None:
            self._names = self._read()
        return {
            original for module, original in self._names.values() if self.index.get(module) == path
        }

    def _read(self) -> dict[str, tuple[str, str]]:
        tree = parse_module(self.sources.get(self.path, ""))
        names: dict[str, tuple[str, str]] = {}
        for node in _module_level(tree.body if tree is not None else []):
            if isinstance(node, ast.ImportFrom):
                target = self._absolute(node)
                if target:
                    for alias in node.names:
                        names[alias.asname or alias.name] = (target, alias.name)
        return names

    def _absolute(self, node: ast.ImportFrom) -> str | None:
        if not node.level:
            return node.module
        package = self.module.split(".")
        if PurePosixPath(self.path).name != "__init__.py":
            package = package[:-1]
        if node.level - 1 > len(package):
            return None
        base = package[: len(package) - (node.level - 1)]
        return ".".join([*base, node.module] if node.module else base) or None


def _module_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The module's statements, those inside module-level ``if`` (``if TYPE_CHECKING:``) and
    ``try`` blocks included; never a function's or a class's."""
    out: list[ast.stmt] = []
    for node in body:
        out.append(node)
        if isinstance(node, ast.If):
            out.extend(_module_level(node.body + node.orelse))
        elif isinstance(node, ast.Try):
            handlers = [s for h in node.handlers for s in h.body]
            out.extend(_module_level(node.body + handlers + node.orelse + node.finalbody))
    return out
