"""Where deepcheck keeps what it can rebuild: checked-out trees, bench scratch, the LLM quota.

``DEEPCHECK_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/deepcheck``, else
``~/.cache/deepcheck``. The GitHub App keeps its own under ``Settings.data_dir``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir() -> Path:
    env = os.environ.get("DEEPCHECK_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "deepcheck"
