"""The host-side wheelhouse: pinned wheels downloaded once, then staged into an image's site dir.

Pip inside a container cannot verify TLS and the sandbox has no network, so every Python package
reaches an image through the host: ``pip download`` into ``build/wheelhouse`` (skipped when all
pinned wheels are already there, so an air-gapped machine works with a copied wheelhouse), then
``pip install --target`` from that wheelhouse alone. The host Python and the image's python3 share
the ABI (CPython 3.11, glibc Linux), so the staged directory is copied into the image as is.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from packaging.utils import (
    InvalidWheelFilename,
    canonicalize_name,
    canonicalize_version,
    parse_wheel_filename,
)

from sandbox.images.errors import ImageError

PIP_TIMEOUT_S = 600.0


def _pip(args: list[str], what: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise ImageError(f"{what}: pip took longer than {PIP_TIMEOUT_S:.0f} s") from None
    if proc.returncode != 0:
        errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("ERROR")]
        last = (errors or proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ImageError(f"{what}: pip exited with {proc.returncode}: {last.strip()}")


def _wheel_keys(wheelhouse: Path) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for whl in wheelhouse.glob("*.whl"):
        try:
            name, version, _build, _tags = parse_wheel_filename(whl.name)
        except InvalidWheelFilename:
            continue
        keys.add((canonicalize_name(name), canonicalize_version(version)))
    return keys


def missing_wheels(pins: Iterable[str], wheelhouse: Path) -> list[str]:
    """Pins (``name==version``) with no wheel of that version in the wheelhouse."""
    have = _wheel_keys(wheelhouse) if wheelhouse.is_dir() else set()
    missing = []
    for pin in pins:
        name, _, version = pin.partition("==")
        if (canonicalize_name(name), canonicalize_version(version)) not in have:
            missing.append(pin)
    return missing


def ensure_wheelhouse(pins: Iterable[str], wheelhouse: Path) -> list[str]:
    """Download the pinned wheels that are not there yet; returns what was downloaded."""
    missing = missing_wheels(pins, wheelhouse)
    if missing:
        wheelhouse.mkdir(parents=True, exist_ok=True)
        _pip(
            ["download", "-q", "--only-binary=:all:", "--no-deps", "-d", str(wheelhouse), *missing],
            f"downloading {len(missing)} wheels into {wheelhouse}",
        )
    return missing


def stage_site(pins: Iterable[str], wheelhouse: Path, target: Path) -> None:
    """Install the pins into ``target`` from the wheelhouse alone (no index); atomic."""
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    _pip(
        [
            "install",
            "-q",
            "--no-index",
            "--no-deps",
            "--find-links",
            str(wheelhouse),
            "--target",
            str(partial),
            *pins,
        ],
        f"staging packages from {wheelhouse}",
    )
    # Console scripts carry the host interpreter's path in their shebang: useless inside.
    shutil.rmtree(partial / "bin", ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
