"""The environment a repository's checks run in: its declared dependencies, installed.

``docker_environment`` (an image tag) and ``process_environment`` (a virtualenv's python) read
the declaration from the **base** tree (a pull request cannot change what is installed for its
own check), turn it into an :class:`~sandbox.envs.request.EnvRequest` with the repository's
``sandbox.sdists`` choice and the sandbox's own pinned packages, and let
:class:`~sandbox.envs.build.Environments` resolve, build or reuse it. A dependency that cannot
be installed raises :class:`~bot.errors.DependencyUnavailable` naming the package and the fix:
the CLI exits 3 with that line, the App's check run ends neutral with it; never a silent pass.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.cache import cache_dir
from bot.engine.environment.declared import Declaration
from bot.engine.environment.reading import read_declaration
from bot.engine.repo_config import RepoConfig
from bot.errors import DependencyUnavailable
from sandbox.envs.build import Built, Environments
from sandbox.envs.errors import EnvError
from sandbox.envs.request import DOCKER_TARGET, EnvRequest
from sandbox.envs.settings import EnvSettings
from sandbox.images.builder import ImageEngine
from sandbox.images.errors import ImageError
from sandbox.images.recipe import pinned_requirements

__all__ = [
    "Provided", "docker_environment", "environments", "process_environment", "provide",
    "request_for",
]  # fmt: skip

Log = Callable[[str], None]


def request_for(
    declaration: Declaration, config: RepoConfig, harness: tuple[str, ...]
) -> EnvRequest:
    sdists = config.sandbox.sdists
    project = declaration.project
    return EnvRequest(
        requirements=declaration.requirements,
        optional=declaration.optional,
        harness=harness,
        constraints=declaration.pins,
        project=(project.name, project.version) if project is not None else None,
        sdists=tuple(sdists) if isinstance(sdists, tuple) and sdists else bool(sdists),
        notes=declaration.notes,
    )


def environments(log: Log | None = None) -> Environments:
    """The host's environment cache (``<cache>/envs``), budgets from ``DEEPCHECK_ENV_*``."""
    try:
        settings = EnvSettings.from_environ(os.environ)
    except EnvError as exc:
        raise DependencyUnavailable(str(exc)) from None
    return Environments(cache_dir() / "envs", settings, os.environ, log=log or (lambda _m: None))


def _request(config: RepoConfig, tree: Path) -> EnvRequest | None:
    if not config.sandbox.dependencies:
        return None
    declaration = read_declaration(tree)
    if declaration.empty:
        return None
    try:
        harness = pinned_requirements()
    except ImageError as exc:
        raise DependencyUnavailable(f"dependencies: {exc}") from None
    return request_for(declaration, config, harness)


@dataclass(frozen=True)
class Provided:
    location: str  # the image tag, or the venv's python
    notes: tuple[str, ...]  # for the report: what was ignored, left out, built or reused


def _provided(request: EnvRequest, make: Callable[[], Built]) -> Provided:
    try:
        built = make()
    except EnvError as exc:
        raise DependencyUnavailable(
            f"cannot install the repository's dependencies: {exc}"
        ) from None
    how = "built" if built.built else "reused"
    packages = ", ".join(built.packages) or "no third-party package"
    summary = (
        f"dependencies: {packages} (environment {built.key[:12]} {how}, {built.seconds:.1f} s)"
    )
    notes = (*request.notes, *built.notes)
    return Provided(built.location, (summary, *(f"dependencies: {n}" for n in notes)))


def provide(
    config: RepoConfig,
    tree: Path,
    *,
    backend: str,
    base_image: str | Callable[[], str] | None = None,
    engine: ImageEngine | None = None,
    envs: Environments | None = None,
) -> Provided | None:
    """The environment of ``tree``'s declaration for ``backend`` ("docker": a layer on
    ``base_image``; "process": a virtualenv); None when nothing is declared. Without
    ``engine``, the local Docker engine (opened only when there is something to install)."""
    request = _request(config, tree)
    if request is None:
        return None
    chosen = envs or environments()
    if backend == "process":
        return _provided(request, lambda: chosen.venv(request))
    assert base_image is not None, "a Docker layer needs its base image"
    if callable(base_image):
        base_image = base_image()
    if engine is not None:
        layer_engine = engine
        return _provided(
            request, lambda: chosen.layer(request, DOCKER_TARGET, base_image, layer_engine)
        )
    from sandbox.docker_runner import DockerEngine

    with DockerEngine() as own:
        return _provided(request, lambda: chosen.layer(request, DOCKER_TARGET, base_image, own))


def process_environment(
    config: RepoConfig, tree: Path, *, envs: Environments | None = None
) -> str | None:
    """The python of the repository's virtualenv (None: nothing declared, use the host's)."""
    provided = provide(config, tree, backend="process", envs=envs)
    return provided.location if provided is not None else None


def docker_environment(
    config: RepoConfig,
    tree: Path,
    *,
    base_image: str,
    engine: ImageEngine | None = None,
    envs: Environments | None = None,
) -> str | None:
    """The tag of the repository's layer on ``base_image`` (None: nothing declared)."""
    provided = provide(
        config, tree, backend="docker", base_image=base_image, engine=engine, envs=envs
    )
    return provided.location if provided is not None else None
