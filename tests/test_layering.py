"""The architecture as tests: layers import downwards only, one adapter per library, no cycles.

Layers (``cli`` -> ``app`` -> ``llm`` -> ``engine`` -> ``rules``, ``sandbox``; ``report`` is
used by ``cli`` and ``app``; the shared leaves ``bot/*.py`` by everyone): a module may import
nothing its layer's row in ``FORBIDDEN`` names. Each external library below may be imported
only by the modules listed for it. Every import counts, at module level or inside a function.
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
    "github": ("bot/app/github/client.py",),
    "anthropic": ("bot/llm/client.py",),
    "huey": ("bot/app/queue.py",),
    "sqlmodel": ("bot/app/store/",),
    "sqlalchemy": ("bot/app/store/",),
    "fastapi": ("bot/app/web.py",),
    "starlette": ("bot/app/web.py",),
    "uvicorn": ("bot/cli/serve.py",),
    "typer": ("bot/cli/",),  # the typer app and its command modules
    # Test and analysis tools run PR code: only inside the sandbox (the harness and probes).
    "hypothesis": ("sandbox/harness/", "sandbox/probes/"),
    "crosshair": ("sandbox/harness/",),
    "pytest": ("sandbox/harness/", "sandbox/probes/"),
}


def _modules() -> list[Path]:
    return sorted(p for src in SOURCES for p in (REPO / src).rglob("*.py"))


# layer (path prefix) -> module prefixes it must not import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "rules/": ("bot", "sandbox"),
    "sandbox/": ("bot", "rules"),
    "bot/engine/": ("bot.llm", "bot.app", "bot.cli", "bot.benchmark", "bot.report"),
    "bot/report/": ("bot.engine", "bot.llm", "bot.app", "bot.cli", "bot.benchmark"),
    "bot/llm/": ("bot.app", "bot.cli", "bot.benchmark", "bot.report"),
    "bot/app/": ("bot.cli", "bot.benchmark"),
    "bot/benchmark/": ("bot.app", "bot.cli", "bot.llm"),
}
# the shared leaves: value types, errors, git, fingerprints, redaction, the cache directory
LEAVES_MAY_IMPORT = ("rules",)


def imported_modules(source: str) -> set[str]:
    """Every module an import statement names (``from a.b import c`` names a.b and a.b.c)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def layer_violations(rel: str, source: str) -> list[str]:
    """The imports of the module at ``rel`` (a repository path) that its layer forbids."""
    names = imported_modules(source)
    if rel.startswith("bot/") and rel.count("/") == 1:  # a shared leaf
        return sorted(
            n for n in names if n.split(".")[0] in ("bot", "rules", "sandbox")
            and not n.startswith(("bot.models", "bot.errors", *LEAVES_MAY_IMPORT))
            and not (n.split(".")[0] == "bot" and n.count(".") == 1)
        )  # fmt: skip
    out = []
    for layer, banned in FORBIDDEN.items():
        if rel.startswith(layer):
            out += [n for n in names if any(n == b or n.startswith(b + ".") for b in banned)]
    return sorted(set(out))


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (harness and probes run in the sandbox)."""
    paths = {}
    for path in _modules():
        rel = path.relative_to(REPO)
        if rel.parts[:2] in (("sandbox", "harness"), ("sandbox", "probes")):
            continue
        parts = list(rel.with_suffix("").parts)
        paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for mod, path in paths.items():
        deps = set()
        for name in imported_modules(path.read_text(encoding="utf-8")):
            while name and name not in paths:
                name = name.rpartition(".")[0]
            if name and name != mod and not mod.startswith(name + "."):
                deps.add(name)
        graph[mod] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


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


def test_every_module_imports_only_downwards() -> None:
    offenders = {}
    for path in _modules():
        rel = path.relative_to(REPO).as_posix()
        bad = layer_violations(rel, path.read_text(encoding="utf-8"))
        if bad:
            offenders[rel] = bad
    assert offenders == {}


def test_an_engine_module_importing_the_app_is_a_violation() -> None:
    """The table bites: the checker flags what the issue forbids, at any depth of the file."""
    lazy = "def f():\n    from bot.app.store import Store\n    return Store\n"
    assert layer_violations("bot/engine/pipeline.py", lazy) == [
        "bot.app.store",
        "bot.app.store.Store",
    ]
    assert layer_violations("bot/engine/plan.py", "import bot.llm.client\n") == ["bot.llm.client"]
    assert layer_violations("rules/loader.py", "from bot.errors import ConfigError\n") != []
    assert layer_violations("sandbox/runner.py", "import bot\n") == ["bot"]
    assert layer_violations("bot/models.py", "from bot.engine.plan import AUTO\n") != []
    # allowed directions stay allowed
    assert layer_violations("bot/cli/main.py", "from bot.app.settings import Settings\n") == []
    assert layer_violations("bot/llm/judge.py", "from bot.engine.plan import AUTO\n") == []


def test_there_are_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_every_module_fits_in_a_reading_or_says_why() -> None:
    """~400 lines at most, unless the module's docstring states why it is longer."""
    long = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text)) or ""
        if text.count("\n") > 420 and "Longer than" not in doc:
            long.append(path.relative_to(REPO).as_posix())
    assert long == []
