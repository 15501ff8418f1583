"""What goes into the sandbox image, and the content hash that names it.

The image tag is ``deepcheck-sandbox:<digest>`` where the digest covers the harness sources,
the Dockerfile template and the pinned requirements (the host venv's versions of pytest,
hypothesis, crosshair-tool, pip and everything they need). A harness change therefore means a
new tag, and ``default_image()`` always names the image matching this checkout. The base image
is not part of the digest: it is a deployment choice, recorded as a label on the image.

Pure: reads files and installed-package metadata, talks to no engine.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from sandbox.images.errors import ImageError
from sandbox.jobdir import HARNESS_MODULE, HARNESS_SOURCE
from sandbox.spec import DEFAULT_IMAGE_REPO

HERE = Path(__file__).parent
SANDBOX_DOCKERFILE = HERE / "sandbox.Dockerfile"
REPO_DOCKERFILE = HERE / "repo.Dockerfile"
BASE_IMAGE = "deepcheck-base:bookworm"
REPO_IMAGE_REPO = "deepcheck-repo"
# What the harness and candidates import inside the sandbox; pip serves per-repo installs.
IMAGE_PACKAGES = ("pytest", "hypothesis", "crosshair-tool", "pip")
LABEL = "deepcheck.image"  # "sandbox" | "repo" | "base"
LABEL_BASE = "deepcheck.base"
_SKIP_PARTS = {"__pycache__", ".mypy_cache", ".pytest_cache"}


def pinned_requirements(roots: Iterable[str] = IMAGE_PACKAGES) -> tuple[str, ...]:
    """``name==version`` for the roots and their runtime dependencies, as the host venv has them."""
    env = {k: str(v) for k, v in default_environment().items()}
    pins: dict[str, str] = {}
    todo = list(roots)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in pins:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise ImageError(
                f"the host environment lacks {name}, which the sandbox image needs "
                "(pip install -e . in the deepcheck venv)"
            ) from None
        pins[name] = dist.version
        for line in dist.requires or ():
            try:
                req = Requirement(line)
            except InvalidRequirement:
                continue
            if req.marker is None or req.marker.evaluate({**env, "extra": ""}):
                todo.append(req.name)
    return tuple(f"{name}=={version}" for name, version in sorted(pins.items()))


def harness_files(source: Path = HARNESS_SOURCE) -> dict[str, bytes]:
    """The harness package's files by relative POSIX path (caches and bytecode left out)."""
    files: dict[str, bytes] = {}
    if not source.is_dir():
        return files
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if not path.is_file() or _SKIP_PARTS & set(rel.parts) or path.suffix in {".pyc", ".pyo"}:
            continue
        files[rel.as_posix()] = path.read_bytes()
    return files


def digest(parts: Mapping[str, bytes]) -> str:
    """A stable hash of named byte strings (names and contents both count)."""
    h = hashlib.sha256()
    for name in sorted(parts):
        h.update(name.encode() + b"\0" + hashlib.sha256(parts[name]).digest())
    return h.hexdigest()


@dataclass(frozen=True)
class SandboxRecipe:
    """Everything that defines the sandbox image; ``tag`` is derived from it."""

    dockerfile: str
    pins: tuple[str, ...]
    harness: Mapping[str, bytes]

    @property
    def digest(self) -> str:
        parts = {f"harness/{k}": v for k, v in self.harness.items()}
        parts["Dockerfile"] = self.dockerfile.encode()
        parts["requirements.txt"] = self.requirements_txt.encode()
        return digest(parts)

    @property
    def tag(self) -> str:
        return f"{DEFAULT_IMAGE_REPO}:{self.digest[:16]}"

    @property
    def requirements_txt(self) -> str:
        return "".join(f"{pin}\n" for pin in self.pins)

    @property
    def harness_ready(self) -> bool:
        return "__main__.py" in self.harness


def sandbox_recipe() -> SandboxRecipe:
    return SandboxRecipe(
        dockerfile=SANDBOX_DOCKERFILE.read_text(encoding="utf-8"),
        pins=pinned_requirements(),
        harness=harness_files(),
    )


@cache
def _default_image() -> str:
    return sandbox_recipe().tag


def default_image() -> str:
    """The sandbox image tag matching this checkout's harness and the host's pinned packages."""
    return _default_image()


def safe_relpath(rel: str) -> PurePosixPath:
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts or str(p) == ".":
        raise ImageError(f"dependency file path must be relative and inside the repo: {rel!r}")
    return p


def repo_image_tag(base_image: str, install_command: str, files: Mapping[str, bytes]) -> str:
    """``deepcheck-repo:<digest>`` of (base image, install command, dependency files)."""
    parts = {f"files/{safe_relpath(k)}": v for k, v in files.items()}
    parts["base"] = base_image.encode()
    parts["command"] = install_command.encode()
    parts["Dockerfile"] = REPO_DOCKERFILE.read_bytes()
    return f"{REPO_IMAGE_REPO}:{digest(parts)[:16]}"


__all__ = [
    "BASE_IMAGE",
    "HARNESS_MODULE",
    "LABEL",
    "LABEL_BASE",
    "SandboxRecipe",
    "default_image",
    "harness_files",
    "pinned_requirements",
    "repo_image_tag",
    "sandbox_recipe",
]
