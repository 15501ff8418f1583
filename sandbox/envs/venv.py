"""A per-repository virtualenv (process backend): the host interpreter, the harness's packages
and the repository's, every one installed from the cache's wheels with ``--no-index``.

Built in a scratch directory and renamed into place when complete, so a reader never sees half
an environment. The sandbox runs its ``bin/python`` (``ProcessRunner(python=...)``).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from sandbox.envs import pip
from sandbox.envs.cache import tree_bytes
from sandbox.envs.errors import EnvError

__all__ = ["build_venv"]


def build_venv(
    target: Path, wheels: Sequence[Path], *, scratch: Path, max_bytes: int, timeout: float
) -> tuple[Path, int]:
    """Build the venv at ``target``; returns (its python, its size in bytes)."""
    partial = scratch / "venv"
    python = pip.make_venv(partial, timeout=timeout)
    pip.install(python, wheels, cache=scratch, timeout=timeout)
    size = tree_bytes(partial)
    if size > max_bytes:
        raise EnvError(
            f"the installed dependencies take {size >> 20} MB, over the {max_bytes >> 20} MB cap",
            fix="raise DEEPCHECK_ENV_MAX_MB",
        )
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target / "bin" / "python", size
