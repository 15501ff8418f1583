"""A pull request whose repository declares a dependency that cannot be installed: the App's
check run ends neutral with the package and the fix, never success (the real resolution, with
pip, against an index on 127.0.0.1; no Docker engine needed: resolution fails first)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from app_fakes import FakeHost, FakeRunner, pr_repo

from bot.app.jobs import CheckPR, RepoRef
from bot.app.settings import Settings
from bot.app.store import Store
from bot.app.worker.tasks import run_check_pr
from bot.engine.environment.provision import docker_environment
from bot.engine.repo_config import RepoConfig
from rules.loader import load_rules
from sandbox.envs.build import Environments
from sandbox.envs.settings import DEFAULT_WHEELHOUSE, EnvSettings
from sandbox.images.recipe import pinned_requirements
from sandbox.images.wheelhouse import missing_wheels
from tests.fakes.availability import unavailable
from tests.fakes.pypi import SimpleIndex, slugkit_index

REPO = "octo/slugs"
PYPROJECT = '[project]\nname = "slugs"\nversion = "1.0"\ndependencies = ["acme-ledger>=2"]\n'
MODULE = "import acme_ledger\n\n\ndef slug(text: str) -> str:\n    return text.lower()\n"


class NoEngine:
    """An ImageEngine that must never be reached (resolution fails before any build)."""

    def image_labels(self, tag: str) -> dict[str, str] | None:
        raise AssertionError(f"the engine was asked about {tag}")

    def build_image(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("an image was built")

    def import_rootfs(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("unused")

    def image_tags(self, repository: str) -> list[str]:
        return []

    def remove_image(self, tag: str) -> bool:
        return False


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SimpleIndex]:
    missing = missing_wheels(pinned_requirements(), DEFAULT_WHEELHOUSE)
    if missing:
        unavailable("dependency tests", f"{DEFAULT_WHEELHOUSE} lacks {missing[0]}")
    with SimpleIndex(slugkit_index(tmp_path / "index")) as served:
        yield served


def test_an_uninstallable_dependency_ends_the_check_run_neutral_naming_it(
    tmp_path: Path, index: SimpleIndex
) -> None:
    repo = pr_repo(
        tmp_path / "origin",
        {"pyproject.toml": PYPROJECT, "slugs.py": MODULE},
        {"slugs.py": MODULE.replace("text.lower()", "text.upper()")},
    )
    host = FakeHost()
    host.add_pr(REPO, 3, repo)
    envs = Environments(tmp_path / "envs", EnvSettings(), {"PIP_INDEX_URL": index.url})

    def image_for(config: RepoConfig, tree: Path) -> str | None:
        return docker_environment(
            config, tree, base_image="deepcheck-sandbox:test", engine=NoEngine(), envs=envs
        )

    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    runner = FakeRunner()
    try:
        cmd = CheckPR(
            repo=RepoRef(installation_id=1, full_name=REPO, clone_url=repo.url),
            number=3, head_sha=repo.head, base_sha=repo.base, delivery_id="d1",
        )  # fmt: skip
        outcome = run_check_pr(
            cmd, host=host, store=store, runner=runner, rules=load_rules(),
            settings=Settings(data_dir=tmp_path / "data"), image_for=image_for,
        )  # fmt: skip
    finally:
        store.close()
    assert outcome == "neutral"
    [check] = host.checks.values()
    assert check.conclusion == "neutral"
    assert "'acme-ledger' cannot be resolved" in check.summary
    assert "set PIP_EXTRA_INDEX_URL" in check.summary
    assert host.reviews == [] and runner.runs == 0
