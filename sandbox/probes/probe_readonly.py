"""Hostile probe: the checkouts and the root filesystem cannot be written."""

import contextlib
import importlib.util
import os
from pathlib import Path

NAME = "dc-probe-write-attempt"


def _tree() -> Path:
    spec = importlib.util.find_spec("dc_probe_tree")
    assert spec is not None and spec.origin, "the probe tree is not on sys.path"
    return Path(spec.origin).parent


def _written(path: Path) -> bool:
    """Try to create ``path``; remove it again if that worked (a probe must not litter)."""
    try:
        with open(path, "x") as fh:
            fh.write("escaped")
    except OSError:
        return False
    with contextlib.suppress(OSError):
        os.unlink(path)
    return True


def test_checkout_is_read_only() -> None:
    tree = _tree()
    assert not _written(tree / NAME)
    marker = tree / "dc_probe_tree.py"
    try:
        with open(marker, "a") as fh:
            fh.write("# escaped\n")
    except OSError:
        return
    raise AssertionError(f"appended to {marker}")


def test_root_is_read_only() -> None:
    for directory in ("/", "/usr", "/etc", "/opt", "/var"):
        assert not _written(Path(directory) / NAME), directory


def test_scratch_is_writable() -> None:
    assert _written(Path(os.environ.get("TMPDIR", "/tmp")) / NAME)
