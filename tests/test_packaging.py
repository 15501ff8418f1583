"""The generic package names (``bot``, ``sandbox``, ``rules`` — django-rules ships ``rules``
too) must resolve to this repository, and the harness must stay self-contained."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["bot", "sandbox", "rules"])
def test_packages_import_from_this_repository(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve().is_relative_to(REPO / name)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_harness_imports_nothing_of_deepcheck() -> None:
    """The harness runs inside the sandbox as ``dc_harness``: stdlib + test tools only."""
    for path in (REPO / "sandbox" / "harness").rglob("*.py"):
        assert not _imports(path) & {"bot", "sandbox", "rules"}, path
