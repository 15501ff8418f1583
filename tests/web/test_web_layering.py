"""bot/web.py is the only fastapi importer; events, routes and commands do no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
WEB_ONLY = {"fastapi", "starlette"}
IO_LIBRARIES = WEB_ONLY | {
    "uvicorn", "httpx", "requests", "socket", "github", "huey", "sqlmodel", "sqlalchemy",
    "docker", "subprocess", "redis", "urllib", "http", "asyncio", "anyio", "bot.web",
}  # fmt: skip
SANS_IO = [BOT / "events.py", BOT / "commands.py", *sorted((BOT / "routes").glob("*.py"))]


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
            found.add(".".join(name.split(".")[:2]))
    return found


def test_only_bot_web_imports_fastapi() -> None:
    importers = {
        path.relative_to(BOT).as_posix() for path in BOT.rglob("*.py") if imports(path) & WEB_ONLY
    }
    assert importers == {"web.py"}


def test_events_routes_and_commands_are_sans_io() -> None:
    assert len(SANS_IO) >= 8
    for path in SANS_IO:
        assert not imports(path) & IO_LIBRARIES, path
