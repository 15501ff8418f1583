"""Materialize a bundled example as a git repository with a base and a head commit.

    python examples/make_example.py [--example interest] [--force] DEST

The head commit is the "pull request": its subject and body are the PR title and description.
Used by `make demo`, the tests and the benchmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

GIT_ENV = {
    "GIT_AUTHOR_NAME": "deepcheck example",
    "GIT_AUTHOR_EMAIL": "example@deepcheck.invalid",
    "GIT_COMMITTER_NAME": "deepcheck example",
    "GIT_COMMITTER_EMAIL": "example@deepcheck.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(dest: Path, *args: str) -> None:
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "-C", str(dest), *args], check=True, env=env, capture_output=True)


def _copy_tree(src: Path, dest: Path) -> None:
    for item in dest.iterdir():
        if item.name != ".git":
            shutil.rmtree(item) if item.is_dir() else item.unlink()
    shutil.copytree(src, dest, dirs_exist_ok=True)


def materialize(example: str, dest: Path, *, force: bool = False) -> Path:
    src = HERE / example
    if not (src / "base").is_dir() or not (src / "head").is_dir():
        raise SystemExit(f"make_example: no example named {example!r} in {HERE}")
    if dest.exists():
        if not force:
            raise SystemExit(f"make_example: {dest} exists (use --force to replace it)")
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    meta = json.loads((src / "pr.json").read_text(encoding="utf-8"))
    _git(dest, "init", "-q", "-b", "main")
    _copy_tree(src / "base", dest)
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", meta["base_message"])
    _copy_tree(src / "head", dest)
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", meta["title"], "-m", meta["description"])
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--example", default="interest")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    path = materialize(args.example, args.dest, force=args.force)
    print(f"example {args.example!r} at {path} (base main~1, head main)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
