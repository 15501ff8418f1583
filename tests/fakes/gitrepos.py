"""Small real git repositories for pipeline and CLI tests: a base commit and a head commit."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, env=ENV, capture_output=True, text=True
    )
    return out.stdout.strip()


def write(repo: Path, files: dict[str, str | bytes | None]) -> None:
    for rel, content in files.items():
        path = repo / rel
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def make_repo(
    root: Path,
    base: dict[str, str | bytes | None],
    head: dict[str, str | bytes | None],
    *,
    title: str = "Change",
    body: str = "",
) -> Path:
    """A repository whose ``main~1`` is base and ``main`` is head (head edits on top of base)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write(root, base)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    write(root, head)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", title, *(["-m", body] if body else []))
    return root
