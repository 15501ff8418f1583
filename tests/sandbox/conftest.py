"""Docker fixtures: the engine and the sandbox image, built once per session when missing.

Without an engine (or when the image cannot be built) the Docker tests SKIP on a developer
machine and FAIL under ``CI=true``: in CI the Docker tests must run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from sandbox.docker_policy import ContainerRun
from sandbox.docker_runner import DockerEngine, DockerRunner
from sandbox.images import ImageError, default_image
from sandbox.images.builder import build_sandbox_image
from tests.fakes.availability import unavailable

REPO = Path(__file__).resolve().parents[2]


def docker_unavailable(reason: str) -> NoReturn:
    unavailable("Docker tests", reason)


@pytest.fixture(scope="session")
def docker_engine() -> Iterator[DockerEngine]:
    engine = DockerEngine()
    reason = engine.unavailable_reason()
    if reason:
        engine.close()
        docker_unavailable(reason)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def sandbox_image(docker_engine: DockerEngine) -> str:
    """The image matching this checkout (built here if `make sandbox-image` did not)."""
    tag = default_image()
    try:
        if docker_engine.image_labels(tag) is None:
            build_sandbox_image(
                docker_engine,
                wheelhouse=REPO / "build" / "wheelhouse",
                workdir=REPO / "build" / "sandbox-image",
            )
    except ImageError as exc:
        docker_unavailable(f"cannot build {tag}: {exc}")
    return tag


@pytest.fixture
def container_runs() -> list[ContainerRun]:
    """Filled by ``docker_runner`` with one record per container start."""
    return []


@pytest.fixture
def docker_runner(
    docker_engine: DockerEngine, sandbox_image: str, container_runs: list[ContainerRun]
) -> DockerRunner:
    return DockerRunner(image=sandbox_image, engine=docker_engine, observe=container_runs.append)


TreeFactory = Callable[[str, dict[str, str]], Path]


@pytest.fixture
def make_tree(tmp_path: Path) -> TreeFactory:
    """``make_tree(name, files)``: a checkout under tmp_path the sandbox user can read."""

    def make(name: str, files: dict[str, str]) -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        # pytest's tmp_path is 0700: the bind mount needs only the tree itself readable.
        return root

    return make
