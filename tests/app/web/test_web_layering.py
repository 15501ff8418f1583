"""bot/app/web.py is the only fastapi importer; events, routes and commands do no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[3] / "bot" / "app"
WEB_ONLY = {"fastapi", "starlette"}
IO_LIBRARIES = WEB_ONLY | {
    "uvicorn", "httpx", "requests", "socket", "github", "huey", "sqlmodel", "sqlalchemy",
    "docker", "subprocess", "redis", "urllib", "http", "asyncio", "anyio", "bot.app.web",
}  # fmt: skip
SANS_IO = [APP / "events.py", APP / "commands.py", *sorted((APP / "routes").glob("*.py"))]


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            found.add(name.split(".")[0])
            parts = name.split(".")
            found.update(".".join(parts[:n]) for n in range(2, len(parts) + 1))
    return found


def test_only_bot_web_imports_fastapi() -> None:
    importers = {
        path.relative_to(APP.parent).as_posix()
        for path in APP.parent.rglob("*.py")
        if imports(path) & WEB_ONLY
    }
    assert importers == {"app/web.py"}


def test_events_routes_and_commands_are_sans_io() -> None:
    assert len(SANS_IO) >= 8
    for path in SANS_IO:
        assert not imports(path) & IO_LIBRARIES, path
