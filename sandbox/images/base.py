"""The base image made without a registry: a Debian bookworm minbase rootfs with python3.

``debootstrap --variant=minbase --include=python3 bookworm ROOTFS MIRROR`` (root only), trimmed
of apt caches and documentation, packed as a tar and imported by the engine as
``deepcheck-base:bookworm``. Takes about a minute; done once per machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from sandbox.images.errors import BaseUnavailable, ImageError

DEFAULT_MIRROR = "http://deb.debian.org/debian"
SUITE = "bookworm"
DEBOOTSTRAP_TIMEOUT_S = 1200.0
# Left out of the rootfs: nothing in the sandbox reads them.
TRIM = (
    "var/cache/apt/archives",
    "var/lib/apt/lists",
    "usr/share/doc",
    "usr/share/man",
    "usr/share/info",
    "usr/share/locale",
)
IMAGE_CHANGES = (
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "ENV LANG=C.UTF-8",
    'CMD ["/bin/sh"]',
)


def debootstrap_unavailable() -> str | None:
    """None when this process can run debootstrap, else why not (one line)."""
    if shutil.which("debootstrap") is None:
        return "debootstrap is not installed (apt-get install debootstrap, or pass --base-image)"
    if os.geteuid() != 0:
        return "building the base image with debootstrap needs root (or pass --base-image)"
    return None


def make_rootfs_tar(work: Path, *, mirror: str | None = None, log: Callable[[str], None]) -> Path:
    """Debootstrap into ``work/rootfs`` and pack it as ``work/rootfs.tar``; returns the tar."""
    reason = debootstrap_unavailable()
    if reason:
        raise BaseUnavailable(reason)
    rootfs = work / "rootfs"
    tar_path = work / "rootfs.tar"
    shutil.rmtree(rootfs, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    mirror = mirror or os.environ.get("DEEPCHECK_DEBIAN_MIRROR") or DEFAULT_MIRROR
    logfile = work / "debootstrap.log"
    log(f"debootstrap {SUITE} (minbase + python3) from {mirror}; log: {logfile}")
    cmd = ["debootstrap", "--variant=minbase", "--include=python3", SUITE, str(rootfs), mirror]
    try:
        with logfile.open("wb") as out:
            proc = subprocess.run(
                cmd, stdout=out, stderr=subprocess.STDOUT, timeout=DEBOOTSTRAP_TIMEOUT_S
            )
    except subprocess.TimeoutExpired:
        raise ImageError(f"debootstrap took longer than {DEBOOTSTRAP_TIMEOUT_S:.0f} s") from None
    if proc.returncode != 0:
        tail = logfile.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise ImageError(f"debootstrap exited with {proc.returncode}: {tail[0]} (see {logfile})")
    for rel in TRIM:
        target = rootfs / rel
        if target.is_dir():
            shutil.rmtree(target)
            target.mkdir()
    packed = subprocess.run(
        ["tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(tar_path), "."],
        capture_output=True,
        text=True,
        timeout=DEBOOTSTRAP_TIMEOUT_S,
    )
    if packed.returncode != 0:
        raise ImageError(f"packing the rootfs failed: {packed.stderr.strip()[-200:]}")
    shutil.rmtree(rootfs, ignore_errors=True)
    return tar_path
