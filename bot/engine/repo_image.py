"""The sandbox environment a repository's checks run in.

Docker backend (``docker_image_for``): ``sandbox.image`` names a locally built image;
``sandbox.install`` is an install step baked into a per-repository image on top of deepcheck's,
built with the network off from the repository's dependency files (requirements/constraints
files and wheels under ``wheels/``), cached by their content. Without ``sandbox.install``, what
the repository declares (pyproject, requirements, locks) is installed into a cached layer
(:mod:`bot.engine.environment.provision`). Process backend (``process_image_for``): the same
declaration in a cached virtualenv, whose python the wrapped runner uses
(``with_environments``). Files are read from the tree given (the base side, so a PR cannot
change what is installed for its own check).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

from bot.engine.environment.provision import (
    docker_environment,
    environments,
    process_environment,
    provide,
)
from bot.engine.repo_config import RepoConfig
from bot.errors import DependencyUnavailable, InfrastructureError
from bot.git import read_tree_file
from sandbox.envs.process import EnvironmentRunner
from sandbox.images import default_image
from sandbox.images.builder import build_repo_image
from sandbox.images.errors import ImageError
from sandbox.process_runner import ProcessRunner
from sandbox.runner import Runner

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


def _install_step(config: RepoConfig, tree: Path) -> str:
    try:
        return build_repo_image(
            config.sandbox.image or default_image(), config.sandbox.install or "",
            dependency_files(tree),
        )  # fmt: skip
    except ImageError as exc:
        raise InfrastructureError(f"sandbox.install failed: {exc}") from exc


def docker_image_for(config: RepoConfig, tree: Path) -> str | None:
    """The image to run this repository's checks in, building it when needed."""
    if config.sandbox.install:
        return _install_step(config, tree)
    layer = docker_environment(config, tree, base_image=config.sandbox.image or default_image())
    return layer or config.sandbox.image


def process_image_for(config: RepoConfig, tree: Path) -> str | None:
    """The python of the repository's dependency virtualenv (None: the default interpreter);
    the runner must be wrapped by ``with_environments``."""
    return process_environment(config, tree)


ImageFor = Callable[[RepoConfig, Path], "str | None"]


@runtime_checkable
class NotedImages(Protocol):
    """An ``image_for`` that also says what it did (``pipeline.check`` reports it)."""

    notes: list[str]

    def __call__(self, config: RepoConfig, tree: Path) -> str | None: ...


class EnvironmentImages:
    """``image_for`` of a backend (``docker`` | ``process``), keeping the notes of the last
    environment it provided (installed packages, built or reused, what was left out)."""

    def __init__(
        self,
        backend: str,
        progress: Callable[[str], None] | None = None,
        *,
        base_image: str | None = None,
        host_sdists: bool = True,
    ) -> None:
        self.backend = backend
        self.notes: list[str] = []
        self.progress = progress
        self.base_image = base_image  # the runner's image (the App's DEEPCHECK_SANDBOX_IMAGE)
        self.host_sdists = host_sdists  # False (the App): a repository's sdists are not built

    def __call__(self, config: RepoConfig, tree: Path) -> str | None:
        self.notes = []
        if self.backend == "docker" and config.sandbox.install:
            return _install_step(config, tree)
        refused = bool(config.sandbox.sdists) and not self.host_sdists
        if refused:
            sandbox = config.sandbox.model_copy(update={"sdists": False})
            config = config.model_copy(update={"sandbox": sandbox})

        def base() -> str:  # only when there is something to install: it may build a recipe
            return config.sandbox.image or self.base_image or default_image()

        envs = environments(self.progress) if self.progress is not None else None
        try:
            provided = provide(config, tree, backend=self.backend, base_image=base, envs=envs)
        except DependencyUnavailable as exc:
            if refused:
                raise DependencyUnavailable(f"{exc}; {_NO_SDISTS}") from None
            raise
        if provided is None:
            return config.sandbox.image if self.backend == "docker" else None
        self.notes = [*([f"sandbox.sdists ignored: {_NO_SDISTS}"] if refused else []),
                      *provided.notes]  # fmt: skip
        return provided.location


_NO_SDISTS = (
    "this deployment builds no sdists on its host (they run the package's build code); "
    "the operator can allow it with DEEPCHECK_ENV_SDISTS=1"
)


def with_environments(
    runner: Runner,
    progress: Callable[[str], None] | None = None,
    *,
    base_image: str | None = None,
    host_sdists: bool = True,
) -> tuple[Runner, ImageFor | None]:
    """The runner and the ``image_for`` hook that give checks the repository's dependencies
    (Docker: a layer per repository; process: a virtualenv per repository); ``progress``
    hears "resolving ..." / "building ..." while an environment is made."""
    if runner.name == "docker":
        return runner, EnvironmentImages(
            "docker", progress, base_image=base_image, host_sdists=host_sdists
        )
    if isinstance(runner, ProcessRunner):
        return EnvironmentRunner(runner), EnvironmentImages(
            "process", progress, host_sdists=host_sdists
        )
    return runner, None
