"""``deepcheck check`` on a repository whose module imports its declared dependency at import
time: the dependency is installed (process backend: a cached virtualenv) and the changed
function is checked; a dependency that cannot be installed is one line naming it and the fix.
The index is a local one on 127.0.0.1 (tests/fakes/pypi.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.envs.settings import DEFAULT_WHEELHOUSE
from sandbox.images.recipe import pinned_requirements
from sandbox.images.wheelhouse import missing_wheels
from tests.fakes.availability import unavailable
from tests.fakes.gitrepos import make_repo
from tests.fakes.pypi import SimpleIndex, slugkit_index

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = '[project]\nname = "demo-app"\nversion = "2.3"\ndependencies = ["slugkit>=1"]\n'
MODULE = (
    "from importlib.metadata import version\n\nimport slugkit\n\n"
    "VERSION = version('demo-app')\n\n\n"
    "def slug(text: str) -> str:\n    return slugkit.norm(text)\n"
)


def dependency_repo(root: Path, *, pyproject: str = PYPROJECT, config: str = "") -> Path:
    """src/ layout; head changes ``slug``; ``config`` is .deepcheck.yml (both sides)."""
    base: dict[str, str | bytes | None] = {
        "pyproject.toml": pyproject,
        "src/demo/__init__.py": "",
        "src/demo/slugs.py": MODULE,
    }
    if config:
        base[".deepcheck.yml"] = config
    head: dict[str, str | bytes | None] = {
        "src/demo/slugs.py": MODULE.replace("slugkit.norm(text)", "slugkit.norm(text)[:3]")
    }
    return make_repo(root, base, head)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleIndex]:
    missing = missing_wheels(pinned_requirements(), DEFAULT_WHEELHOUSE)
    if missing:
        unavailable(
            "dependency environment tests",
            f"{DEFAULT_WHEELHOUSE} lacks {', '.join(missing[:3])}",
            hint=" (run make sandbox-image)",
        )
    with SimpleIndex(slugkit_index(tmp_path_factory.mktemp("index"))) as served:
        yield served


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module: the environment is built by the first check only."""
    return tmp_path_factory.mktemp("cache")


def deepcheck(
    repo: Path, index: SimpleIndex, cache: Path, sandbox: str = "process"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable, "-m", "bot.cli.main", "check", "--repo", str(repo),
            "--base", "main~1", "--head", "main", "--sandbox", sandbox, "--tier", "quick",
            "--format", "json",
        ],
        capture_output=True, text=True, timeout=900, cwd=REPO,
        env={
            "PATH": "/usr/bin:/bin", "DEEPCHECK_CACHE_DIR": str(cache), "HOME": str(cache),
            "PIP_INDEX_URL": index.url,
        },
    )  # fmt: skip


def assert_checked(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode in (0, 1), proc.stderr
    verification = json.loads(proc.stdout)["verification"]
    assert verification["unchecked"] == []
    assert (verification["analysed"], verification["checked"]) == (1, 1)
    assert verification["unverified"] is False


def test_the_declared_dependency_is_installed_and_the_function_checked(
    tmp_path: Path, index: SimpleIndex, cache: Path
) -> None:
    repo = dependency_repo(tmp_path / "r")
    cold = deepcheck(repo, index, cache)
    assert_checked(cold)
    served = len(index.requests)
    venvs = sorted((cache / "envs" / "venvs").iterdir())
    assert len(venvs) == 1
    [note] = [n for n in json.loads(cold.stdout)["notes"] if n.startswith("dependencies: ")]
    assert note.startswith("dependencies: slugkit, tinydep (environment ") and " built, " in note
    warm = deepcheck(repo, index, cache)  # the same environment, no index call
    assert_checked(warm)
    assert sorted((cache / "envs" / "venvs").iterdir()) == venvs
    assert len(index.requests) == served
    [note] = [n for n in json.loads(warm.stdout)["notes"] if n.startswith("dependencies: ")]
    assert " reused, " in note


def test_without_dependencies_the_same_change_is_unverified(
    tmp_path: Path, index: SimpleIndex, cache: Path
) -> None:
    """The control: with ``sandbox.dependencies: false`` the import fails, as before."""
    repo = dependency_repo(tmp_path / "r", config="sandbox:\n  dependencies: false\n")
    proc = deepcheck(repo, index, cache)
    assert proc.returncode == 3, proc.stderr
    [gap] = json.loads(proc.stdout)["verification"]["unchecked"]
    assert gap["cause"] == "could-not-run"
    assert "No module named 'slugkit'" in gap["reason"]


def test_an_unresolvable_dependency_is_one_line_naming_it_and_the_fix(
    tmp_path: Path, index: SimpleIndex, cache: Path
) -> None:
    pyproject = PYPROJECT.replace('"slugkit>=1"', '"slugkit>=1", "no-such-package>=2"')
    proc = deepcheck(dependency_repo(tmp_path / "r", pyproject=pyproject), index, cache)
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "deepcheck: cannot install the repository's dependencies: dependency "
        "'no-such-package' cannot be resolved"
    )
    assert "set PIP_EXTRA_INDEX_URL" in last
    assert proc.stdout == ""  # no report that could read as a pass


def test_an_sdist_only_dependency_says_how_to_opt_in(
    tmp_path: Path, index: SimpleIndex, cache: Path
) -> None:
    pyproject = PYPROJECT.replace('"slugkit>=1"', '"sourceonly"')
    proc = deepcheck(dependency_repo(tmp_path / "r", pyproject=pyproject), index, cache)
    assert proc.returncode == 3
    last = proc.stderr.strip().splitlines()[-1]
    assert "'sourceonly' has no wheel" in last
    assert (
        "allow sdists for this repository in .deepcheck.yml (sandbox.sdists: [sourceonly])" in last
    )


def test_the_app_never_builds_a_repositorys_sdists_on_its_host(
    tmp_path: Path, index: SimpleIndex, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sandbox.sdists`` is the repository's choice, but building an sdist runs its build code
    on the host: the App (``host_sdists=False``, DEEPCHECK_ENV_SDISTS unset) ignores it, says so,
    and names the operator's setting."""
    from bot.engine.repo_config import RepoConfig, SandboxConfig
    from bot.engine.repo_image import with_environments
    from bot.errors import DependencyUnavailable
    from sandbox.process_runner import ProcessRunner

    monkeypatch.setenv("DEEPCHECK_CACHE_DIR", str(cache))
    monkeypatch.setenv("PIP_INDEX_URL", index.url)
    tree = tmp_path / "tree"
    (tree / "src" / "demo").mkdir(parents=True)
    (tree / "pyproject.toml").write_text(PYPROJECT.replace('"slugkit>=1"', '"sourceonly"'))
    (tree / "src" / "demo" / "__init__.py").write_text("")
    config = RepoConfig(sandbox=SandboxConfig(sdists=True))
    _runner, image_for = with_environments(ProcessRunner(), host_sdists=False)
    assert image_for is not None
    with pytest.raises(DependencyUnavailable) as caught:
        image_for(config, tree)
    message = str(caught.value)
    assert "'sourceonly' has no wheel" in message
    assert "DEEPCHECK_ENV_SDISTS=1" in message and "builds no sdists on its host" in message


SCANNED = (
    "from decimal import Decimal\n\nimport slugkit\n\nCENT = Decimal('0.01')\n\n\n"
    "def compound(principal: Decimal, rate: Decimal, periods: int) -> Decimal:\n"
    '    """Balance after compounding ``principal`` at ``rate`` for ``periods`` periods."""\n'
    "    balance = principal\n"
    "    for _ in range(1, periods):  # skips a period\n"
    "        balance = balance + balance * rate\n"
    "    return balance.quantize(CENT)\n"
)


def scan(repo: Path, index: SimpleIndex, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable, "-m", "bot.cli.main", "scan", "--repo", str(repo),
            "--sandbox", "process", "--format", "json", "--quiet",
        ],
        capture_output=True, text=True, timeout=900, cwd=REPO,
        env={
            "PATH": "/usr/bin:/bin", "DEEPCHECK_CACHE_DIR": str(cache), "HOME": str(cache),
            "PIP_INDEX_URL": index.url,
        },
    )  # fmt: skip


@pytest.mark.parametrize("dependencies", [True, False])
def test_the_nightly_scan_installs_the_declared_dependencies(
    tmp_path: Path, index: SimpleIndex, cache: Path, dependencies: bool
) -> None:
    """A module that imports its dependency at import time: scanned only once installed."""
    files: dict[str, str | bytes | None] = {
        "pyproject.toml": PYPROJECT,
        "ledger/__init__.py": "",
        "ledger/interest.py": SCANNED,
    }
    if not dependencies:
        files[".deepcheck.yml"] = "sandbox:\n  dependencies: false\n"
    repo = make_repo(tmp_path / "r", files, {})
    proc = scan(repo, index, cache)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    found = [(f["kind"], f["function"]) for f in report["findings"] if f["verified"]]
    if dependencies:
        assert proc.returncode == 1 and found == [("defect", "compound")]
        assert any(n.startswith("dependencies: slugkit, tinydep") for n in report["notes"])
    else:  # the control: the module cannot be imported, nothing is verified
        assert found == []
