"""Dependency environments against a real pip and a package index on 127.0.0.1.

The index serves wheels written here (tests/fakes/pypi.py); the sandbox's own packages
(pytest, hypothesis, crosshair...) come from ``build/wheelhouse`` (``make sandbox-image``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.envs.build import Environments
from sandbox.envs.cache import Entry, EnvCache
from sandbox.envs.errors import EnvError
from sandbox.envs.outcomes import pip_failure
from sandbox.envs.pip import index_environment
from sandbox.envs.request import DOCKER_TARGET, EnvRequest, host_target, platform_tags
from sandbox.envs.settings import DEFAULT_WHEELHOUSE, EnvSettings
from sandbox.images.recipe import pinned_requirements
from sandbox.images.wheelhouse import missing_wheels
from tests.fakes.availability import unavailable
from tests.fakes.pypi import SimpleIndex, slugkit_index

HARNESS = pinned_requirements()


@pytest.fixture(scope="module")
def wheelhouse() -> Path:
    missing = missing_wheels(HARNESS, DEFAULT_WHEELHOUSE)
    if missing:
        unavailable(
            "dependency environment tests",
            f"{DEFAULT_WHEELHOUSE} lacks {', '.join(missing[:3])}",
            hint=" (run make sandbox-image)",
        )
    return DEFAULT_WHEELHOUSE


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleIndex]:
    folder = slugkit_index(tmp_path_factory.mktemp("index"))
    with SimpleIndex(folder) as served:
        yield served


@pytest.fixture(scope="module")
def envs(
    tmp_path_factory: pytest.TempPathFactory, index: SimpleIndex, wheelhouse: Path
) -> Environments:
    environ = {"PIP_INDEX_URL": index.url, "GITHUB_TOKEN": "ghs_secret"}
    return Environments(
        tmp_path_factory.mktemp("envs"), EnvSettings(wheelhouse=wheelhouse), environ
    )


def _request(*requirements: str, **kw: object) -> EnvRequest:
    return EnvRequest(requirements=requirements, harness=HARNESS, **kw)  # type: ignore[arg-type]


def test_a_venv_holds_the_dependencies_and_the_projects_metadata_then_is_reused(
    envs: Environments, index: SimpleIndex
) -> None:
    request = _request("slugkit>=1", project=("demo-app", "2.3"))
    first = envs.venv(request)
    assert first.built
    assert first.packages == ("slugkit", "tinydep")
    probe = (
        "import importlib.metadata as m, slugkit, tinydep, hypothesis, pytest; "
        "print(m.version('demo-app'), m.version('slugkit'), tinydep.VALUE, slugkit.norm(' A '))"
    )
    out = subprocess.run(
        [first.location, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.split() == ["2.3", "1.0", "12", "a"]
    served = len(index.requests)
    before = envs.cache.entry(first.key)
    assert before is not None
    time.sleep(0.01)
    second = envs.venv(request)  # the second check: same key, nothing rebuilt, no index call
    assert (second.key, second.location, second.built) == (first.key, first.location, False)
    assert len(index.requests) == served
    after = envs.cache.entry(first.key)
    assert after is not None and after.last_used > before.last_used


def test_optional_dependencies_that_do_not_resolve_are_left_out_with_a_note(
    envs: Environments,
) -> None:
    request = _request("slugkit>=1", optional=("no-such-extra",), project=("demo-app", "2.3"))
    built = envs.venv(request)
    assert built.packages == ("slugkit", "tinydep")
    [note] = [n for n in built.notes if n.startswith("optional dependencies left out (1)")]
    assert "'no-such-extra' cannot be resolved" in note


def test_an_unresolvable_dependency_names_the_package_and_the_fix(envs: Environments) -> None:
    with pytest.raises(EnvError) as caught:
        envs.venv(_request("no-such-package>=1"))
    assert caught.value.package == "no-such-package"
    assert "'no-such-package' cannot be resolved" in str(caught.value)
    assert "set PIP_EXTRA_INDEX_URL" in str(caught.value)


def test_an_sdist_only_dependency_is_refused_unless_opted_in(envs: Environments) -> None:
    with pytest.raises(EnvError) as caught:
        envs.venv(_request("sourceonly"))
    assert caught.value.package == "sourceonly"
    assert "only a source distribution" in str(caught.value)
    assert caught.value.fix is not None
    assert "sandbox.sdists: [sourceonly]" in caught.value.fix
    # opted in: pip goes on to build it, and needs its build backend from the index (which
    # this one lacks): the package named now is setuptools, not the refused sdist
    with pytest.raises(EnvError) as built:
        envs.venv(_request("sourceonly", sdists=("sourceonly",)))
    assert built.value.package == "setuptools"


def test_a_conflict_with_the_sandboxs_own_packages_fails_loudly(envs: Environments) -> None:
    with pytest.raises(EnvError) as caught:
        envs.venv(_request("pytest<1"))
    assert "conflict" in str(caught.value)


def test_a_lock_pin_of_a_sandbox_package_is_dropped_with_a_note() -> None:
    ours = next(p for p in HARNESS if p.startswith("pytest=="))
    request = _request("slugkit", constraints=("pytest==7.0.0", ours, "tinydep==1.2"))
    kept, notes = request.effective_constraints()
    assert kept == ("tinydep==1.2",)
    version = ours.partition("==")[2]
    assert notes == (
        f"the lock's pytest==7.0.0 is not used: the sandbox brings its own pytest {version}",
    )  # the same version as the sandbox's: dropped without a note


def test_pip_gets_only_the_index_variables() -> None:
    environ = {
        "UV_INDEX_URL": "https://uv.example.invalid/simple",
        "PIP_EXTRA_INDEX_URL": "https://extra.example.invalid/simple",
        "UV_EXTRA_INDEX_URL": "https://ignored.example.invalid/simple",
        "GITHUB_TOKEN": "ghs_secret",
        "ANTHROPIC_API_KEY": "sk-secret",
    }
    assert index_environment(environ) == {
        "PIP_INDEX_URL": "https://uv.example.invalid/simple",
        "PIP_EXTRA_INDEX_URL": "https://extra.example.invalid/simple",
    }


def test_pip_failures_read_as_one_line_without_credentials() -> None:
    stderr = (
        "ERROR: Could not find a version that satisfies the requirement babel>=9 "
        "(from versions: 2.18.0, 2.19.0)\nERROR: No matching distribution found for babel>=9\n"
    )
    failure = pip_failure(stderr, _request("babel>=9"), DOCKER_TARGET, sdist_only=False)
    assert failure.package == "babel"
    assert "available: 2.18.0, 2.19.0" in str(failure)
    other = pip_failure(
        "ERROR: HTTP error 401 while getting https://user:tok3n@private.example.invalid/x\n",
        _request("x"), host_target(), sdist_only=False,
    )  # fmt: skip
    assert "tok3n" not in str(other) and "***@private.example.invalid" in str(other)


def test_the_docker_target_accepts_every_older_manylinux() -> None:
    tags = platform_tags("manylinux_2_36_x86_64")
    assert tags[0] == "manylinux_2_36_x86_64"
    for tag in ("manylinux_2_28_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64"):
        assert tag in tags
    assert "manylinux_2_37_x86_64" not in tags
    flags = DOCKER_TARGET.pip_flags
    assert flags[:4] == ["--python-version", "3.11", "--implementation", "cp"]
    assert flags[-2:] == ["--abi", "cp311"]


def test_bad_budget_settings_are_one_line() -> None:
    assert EnvSettings.from_environ({"DEEPCHECK_ENV_BUILDS": "4"}).builds == 4
    with pytest.raises(EnvError, match="DEEPCHECK_ENV_MAX_MB must be a number"):
        EnvSettings.from_environ({"DEEPCHECK_ENV_MAX_MB": "lots"})
    with pytest.raises(EnvError, match="DEEPCHECK_ENV_CACHE_ENTRIES must be positive"):
        EnvSettings.from_environ({"DEEPCHECK_ENV_CACHE_ENTRIES": "0"})


def _entry(cache: EnvCache, key: str, used: float, size: int) -> Entry:
    venv = cache.venv_dir(key)
    venv.mkdir(parents=True)
    (venv / "marker").write_bytes(b"x" * size)
    entry = Entry(key, "venv", str(venv / "bin" / "python"), size, used, used)
    cache.save(entry)
    return entry


def test_eviction_is_lru_by_last_use_and_spares_a_locked_environment(tmp_path: Path) -> None:
    cache = EnvCache(tmp_path)
    for n, key in enumerate(("old", "busy", "mid", "new")):
        _entry(cache, key, used=1000.0 + n, size=100)
    assert [e.key for e in cache.entries()] == ["new", "mid", "busy", "old"]
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with cache.lock("busy", timeout=5):
            held.set()
            release.wait(10)

    worker = threading.Thread(target=hold)
    worker.start()
    held.wait(5)
    try:
        gone = cache.evict(max_entries=2, max_bytes=10**9, keep="new")
    finally:
        release.set()
        worker.join()
    assert [e.key for e in gone] == ["old", "mid"]  # "busy" is being built: spared
    assert [e.key for e in cache.entries()] == ["new", "busy"]
    assert not cache.venv_dir("old").exists() and cache.venv_dir("busy").exists()
    gone = cache.evict(max_entries=10, max_bytes=150, keep="new")  # the byte cap
    assert [e.key for e in gone] == ["busy"]


def test_builds_past_the_global_limit_wait_then_give_up(tmp_path: Path) -> None:
    cache = EnvCache(tmp_path)
    with (
        cache.slot(1, timeout=1),
        pytest.raises(EnvError, match="1 environment builds were running"),
        cache.slot(1, timeout=0.3),
    ):
        pass
    with cache.slot(1, timeout=0.3):  # released: free again
        pass


def test_doctor_shows_the_environment_cache(tmp_path: Path) -> None:
    cache = EnvCache(tmp_path / "cache" / "envs")
    entry = _entry(cache, "a" * 64, used=time.time(), size=3 << 20)
    entry.packages = ["babel", "text-unidecode"]
    cache.save(entry)
    env = {
        **os.environ,
        "DEEPCHECK_CACHE_DIR": str(tmp_path / "cache"),
        "DOCKER_HOST": f"unix://{tmp_path}/none.sock",  # no backend: doctor stops before probes
    }
    run = [sys.executable, "-m", "bot.cli.main", "doctor", "--refuse-process"]
    proc = subprocess.run([*run, "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 3, proc.stderr
    [shown] = json.loads(proc.stdout)["environments"]["entries"]
    assert (shown["key"], shown["kind"], shown["bytes"]) == ("a" * 16, "venv", 3 << 20)
    assert shown["packages"] == ["babel", "text-unidecode"]
    text = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert "dependency envs 1 cached, 3 MB" in text.stdout
    assert "babel, text-unidecode" in text.stdout
