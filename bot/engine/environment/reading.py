"""Read a tree's dependency declaration (the I/O half of :mod:`bot.engine.environment.declared`).

Files are read with :func:`bot.git.read_tree_file`: no symlink is followed at any component and
sizes are checked before reading, so a checkout cannot point the reader outside itself. The
caller passes the *base* tree: a pull request cannot change what is installed for its own check.
"""

from __future__ import annotations

import os
from pathlib import Path

from bot.engine.environment.declared import LOCK_FILES, Declaration, declared
from bot.git import read_tree_file

__all__ = ["read_declaration"]

MAX_FILE_BYTES = 4_000_000  # a lock file of a large project is a few hundred kB
_ROOT_FILES = ("pyproject.toml", "setup.cfg", "setup.py", *LOCK_FILES)
_ROUNDS = 6  # includes of includes


def _names(tree: Path, rel: str) -> list[str]:
    """Regular files directly in ``rel`` (no symlink: ``read_tree_file`` refuses them)."""
    try:
        with os.scandir(tree / rel if rel else tree) as entries:
            return sorted(e.name for e in entries if e.is_file(follow_symlinks=False))
    except OSError:
        return []


def read_declaration(tree: Path) -> Declaration:
    """What the tree declares (see :func:`declared`)."""
    if (tree / "requirements").is_symlink():
        sub: list[str] = []
    else:
        sub = [f"requirements/{n}" for n in _names(tree, "requirements") if n.endswith(".txt")]
    root = _names(tree, "")
    wanted = [n for n in root if n in _ROOT_FILES or _is_requirements(n)] + sub
    files: dict[str, bytes] = {}
    tried: set[str] = set()
    result = Declaration()
    for _ in range(_ROUNDS):
        for rel in wanted:
            tried.add(rel)
            data = read_tree_file(tree, rel, MAX_FILE_BYTES)
            if data is not None:
                files[rel] = data
        result = declared(files)
        wanted = [w for w in result.wanted if w not in tried]
        if not wanted:
            break
    return result


def _is_requirements(name: str) -> bool:
    return name.endswith(".txt") and name.startswith(("requirements", "constraints"))
