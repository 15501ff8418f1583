"""The Docker backend's dependency layer, end to end: ``deepcheck check --sandbox docker`` on a
repository whose module imports its declared dependency at import time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.docker_runner import DockerEngine
from sandbox.envs.cache import EnvCache
from tests.cli.test_cli_dependencies import assert_checked, deepcheck, dependency_repo
from tests.fakes.pypi import SimpleIndex, slugkit_index

pytestmark = pytest.mark.docker


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SimpleIndex]:
    with SimpleIndex(slugkit_index(tmp_path / "index")) as served:
        yield served


def test_a_layer_with_the_dependencies_is_built_once_and_reused(
    tmp_path: Path, index: SimpleIndex, sandbox_image: str, docker_engine: DockerEngine
) -> None:
    repo = dependency_repo(tmp_path / "r")
    cache = tmp_path / "cache"
    assert_checked(deepcheck(repo, index, cache, sandbox="docker"))
    [entry] = EnvCache(cache / "envs").entries()
    try:
        assert entry.kind == "docker" and entry.location.startswith("deepcheck-env:")
        labels = docker_engine.image_labels(entry.location)
        assert labels is not None and labels["deepcheck.base"] == sandbox_image
        served = len(index.requests)
        second = deepcheck(repo, index, cache, sandbox="docker")
        assert_checked(second)
        assert [e.key for e in EnvCache(cache / "envs").entries()] == [entry.key]
        assert len(index.requests) == served  # warm: no resolution, no build
        assert json.loads(second.stdout)["verification"]["checked"] == 1
    finally:
        docker_engine.remove_image(entry.location)
