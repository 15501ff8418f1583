"""One adapter module per external library (style.md habit 1); the rest stays pure.

Each library below may be imported only by the modules listed for it. A new module that needs
one of them goes through its adapter (or, for a deliberate new adapter, is added here).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "sandbox", "rules")

# library (top-level import name) -> modules allowed to import it (paths or folder prefixes)
ADAPTERS: dict[str, tuple[str, ...]] = {
    "docker": ("sandbox/docker_runner.py",),
    "github": ("bot/github.py",),
    "anthropic": ("bot/llm.py",),
    "huey": ("bot/queue.py",),
    "sqlmodel": ("bot/store/",),
    "sqlalchemy": ("bot/store/",),
    "fastapi": ("bot/web.py",),
    "starlette": ("bot/web.py",),
    "uvicorn": ("bot/cli_app.py",),
    "typer": ("bot/cli",),  # bot/cli.py and its bot/cli_*.py command modules
    # Test and analysis tools run PR code: only inside the sandbox (the harness and probes).
    "hypothesis": ("sandbox/harness/", "sandbox/probes/"),
    "crosshair": ("sandbox/harness/",),
    "pytest": ("sandbox/harness/", "sandbox/probes/"),
}


def _modules() -> list[Path]:
    return sorted(p for src in SOURCES for p in (REPO / src).rglob("*.py"))


def _top_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("library", sorted(ADAPTERS))
def test_library_is_imported_only_by_its_adapter(library: str) -> None:
    allowed = ADAPTERS[library]
    offenders = []
    for path in _modules():
        rel = path.relative_to(REPO).as_posix()
        if library in _top_imports(path) and not rel.startswith(allowed):
            offenders.append(rel)
    assert offenders == [], f"{library} imported outside {allowed}: {offenders}"


def test_sandbox_does_not_depend_on_the_bot() -> None:
    """The sandbox is the lower layer: it never imports the product."""
    offenders = [
        p.relative_to(REPO).as_posix()
        for p in (REPO / "sandbox").rglob("*.py")
        if "bot" in _top_imports(p)
    ]
    assert offenders == []
