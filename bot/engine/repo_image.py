"""The sandbox image a repository asks for in ``.deepcheck.yml`` (Docker backend).

``sandbox.image`` names a locally built image; ``sandbox.install`` is an install step baked
into a per-repository image on top of deepcheck's, built with the network off from the
repository's dependency files (requirements/constraints files and wheels under ``wheels/``),
cached by their content. The files are read from the tree given (the base side, so a PR
cannot change what is installed for its own check).
"""

from __future__ import annotations

from pathlib import Path

from bot.engine.repo_config import RepoConfig
from bot.errors import InfrastructureError
from bot.git import read_tree_file
from sandbox.images import default_image
from sandbox.images.builder import build_repo_image
from sandbox.images.errors import ImageError

_PATTERNS = ("requirements*.txt", "constraints*.txt", "wheels/*.whl")
_MAX_BYTES = 200_000_000


def dependency_files(tree: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    for pattern in _PATTERNS:
        for path in sorted(tree.glob(pattern)):
            rel = path.relative_to(tree).as_posix()
            data = read_tree_file(tree, rel, _MAX_BYTES)  # no symlink followed, size first
            if data is not None:
                total += len(data)
                if total > _MAX_BYTES:
                    raise InfrastructureError("sandbox.install: dependency files exceed 200 MB")
                files[rel] = data
    return files


def docker_image_for(config: RepoConfig, tree: Path) -> str | None:
    """The image to run this repository's checks in, building it when needed."""
    if config.sandbox.install:
        try:
            return build_repo_image(
                config.sandbox.image or default_image(),
                config.sandbox.install,
                dependency_files(tree),
            )
        except ImageError as exc:
            raise InfrastructureError(f"sandbox.install failed: {exc}") from exc
    return config.sandbox.image
