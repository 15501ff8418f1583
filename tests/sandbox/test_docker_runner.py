"""DockerRunner against the real engine: a run, naming and cleanup, infrastructure failures."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox import Candidate, Limits, SandboxSpec, Status, Workspace
from sandbox.docker_policy import LABEL_DEADLINE, LABEL_SANDBOX, ContainerRun
from sandbox.docker_runner import DockerEngine, DockerRunner

TreeFactory = Callable[[str, dict[str, str]], Path]

TEST_F = """\
from mod import f


def test_f_adds_one():
    assert f(1) == 2
"""


def _workspace(make_tree: TreeFactory, *cands: Candidate) -> Workspace:
    base = make_tree("base", {"mod.py": "def f(x):\n    return x + 1\n"})
    head = make_tree("head", {"mod.py": "def f(x):\n    return x + 2\n"})
    return Workspace(head=head, base=base, candidates=cands)


def _names(engine: DockerEngine, name: str) -> list[str]:
    found = engine.api().containers(all=True, filters={"name": name})
    return [c["Names"][0].lstrip("/") for c in found]


# -- without an engine ---------------------------------------------------------------------


def test_engine_down_is_an_infrastructure_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    runner = DockerRunner(image="deepcheck-sandbox:any")
    reason = runner.unavailable_reason()
    assert reason is not None and "\n" not in reason
    result = runner.run(Workspace(head=tmp_path), SandboxSpec())
    assert not result.ok
    assert result.infrastructure_error is not None
    assert "engine" in result.infrastructure_error.lower()
    assert result.candidates == {}
    runner.close()


# -- with the engine -----------------------------------------------------------------------


@pytest.mark.docker
def test_one_start_runs_every_candidate_on_both_sides(
    docker_runner: DockerRunner,
    container_runs: list[ContainerRun],
    make_tree: TreeFactory,
) -> None:
    ws = _workspace(
        make_tree,
        Candidate(id="adds-one", kind="pytest", files={"test_f.py": TEST_F}),
        Candidate(id="head-only", kind="pytest", files={"test_f.py": TEST_F}, sides=("head",)),
    )
    result = docker_runner.run(ws, SandboxSpec())
    assert result.ok, result.infrastructure_error
    assert result.backend == "docker"
    assert result.candidates["adds-one"].sides["base"].status is Status.PASSED
    assert result.candidates["adds-one"].sides["head"].status is Status.FAILED
    assert set(result.candidates["head-only"].sides) == {"head"}
    assert len(container_runs) == 1  # many candidates, one container start
    run = container_runs[0]
    assert run.exit_code == 0 and not run.oom_killed and not run.timed_out
    assert 0 < run.started_s <= result.start_s < run.wall_s
    assert result.start_s < 10


@pytest.mark.docker
def test_head_only_workspace(docker_runner: DockerRunner, make_tree: TreeFactory) -> None:
    head = make_tree("head", {"mod.py": "def f(x):\n    return x + 1\n"})
    ws = Workspace(head=head, candidates=(Candidate("c", "pytest", files={"test_f.py": TEST_F}),))
    result = docker_runner.run(ws, SandboxSpec())
    assert result.ok, result.infrastructure_error
    assert set(result.candidates["c"].sides) == {"head"}
    assert result.candidates["c"].sides["head"].status is Status.PASSED


@pytest.mark.docker
def test_the_container_reports_the_cpu_its_processes_spent(
    docker_runner: DockerRunner, make_tree: TreeFactory
) -> None:
    """The host's getrusage never sees a container's CPU; the supervisor inside measures it."""
    head = make_tree("head", {"mod.py": "def f(x):\n    return x + 1\n"})
    burn = "import time\ndef test_burn():\n    end = time.process_time() + 0.6\n"
    burn += "    while time.process_time() < end:\n        pass\n"
    ws = Workspace(head=head, candidates=(Candidate("b", "pytest", files={"test_b.py": burn}),))
    result = docker_runner.run(ws, SandboxSpec())
    assert result.ok, result.infrastructure_error
    assert result.candidates["b"].sides["head"].status is Status.PASSED
    assert result.cpu_s >= 0.6


@pytest.mark.docker
def test_one_tree_as_both_sides(docker_runner: DockerRunner, make_tree: TreeFactory) -> None:
    tree = make_tree("tree", {"mod.py": "def f(x):\n    return x + 1\n"})
    ws = Workspace(
        head=tree, base=tree, candidates=(Candidate("c", "pytest", files={"test_f.py": TEST_F}),)
    )
    result = docker_runner.run(ws, SandboxSpec())
    assert result.ok, result.infrastructure_error
    assert {s: o.status for s, o in result.candidates["c"].sides.items()} == {
        "base": Status.PASSED,
        "head": Status.PASSED,
    }


@pytest.mark.docker
def test_names_are_deterministic_and_containers_removed(
    docker_runner: DockerRunner,
    docker_engine: DockerEngine,
    container_runs: list[ContainerRun],
    make_tree: TreeFactory,
) -> None:
    ws = _workspace(make_tree, Candidate("c", "pytest", files={"test_f.py": TEST_F}))
    docker_runner.run(ws, SandboxSpec())
    docker_runner.run(ws, SandboxSpec())
    other = _workspace(make_tree, Candidate("d", "pytest", files={"test_f.py": TEST_F}))
    docker_runner.run(other, SandboxSpec())
    first, second, third = (r.name for r in container_runs)
    assert first == second and first.startswith("deepcheck-")
    assert third != first
    assert _names(docker_engine, first) == [] and _names(docker_engine, third) == []


@pytest.mark.docker
def test_leftovers_of_a_crashed_run_are_removed_at_the_next_start(
    docker_runner: DockerRunner,
    docker_engine: DockerEngine,
    sandbox_image: str,
    make_tree: TreeFactory,
) -> None:
    api = docker_engine.api()
    stale = api.create_container(
        sandbox_image,
        command=["true"],
        name="deepcheck-test-leftover",
        labels={LABEL_SANDBOX: "1", LABEL_DEADLINE: "0"},
        host_config=api.create_host_config(network_mode="none"),
    )
    live = api.create_container(
        sandbox_image,
        command=["sleep", "60"],
        name="deepcheck-test-live",
        labels={LABEL_SANDBOX: "1", LABEL_DEADLINE: f"{time.time() + 600:.0f}"},
        host_config=api.create_host_config(network_mode="none"),
    )
    try:
        api.start(live["Id"])
        ws = _workspace(make_tree, Candidate("c", "pytest", files={"test_f.py": TEST_F}))
        assert docker_runner.run(ws, SandboxSpec()).ok
        assert _names(docker_engine, "deepcheck-test-leftover") == []
        assert _names(docker_engine, "deepcheck-test-live") == ["deepcheck-test-live"]
    finally:
        for cid in (stale["Id"], live["Id"]):
            try:
                api.remove_container(cid, force=True)
            except Exception as exc:  # already removed by the runner: that is the point
                assert "No such container" in str(exc)


@pytest.mark.docker
def test_missing_image_is_an_infrastructure_error(
    docker_engine: DockerEngine, make_tree: TreeFactory
) -> None:
    runner = DockerRunner(image="deepcheck-sandbox:does-not-exist", engine=docker_engine)
    reason = runner.unavailable_reason()
    assert reason is not None and "deepcheck sandbox build" in reason
    ws = _workspace(make_tree, Candidate("c", "pytest", files={"test_f.py": TEST_F}))
    result = runner.run(ws, SandboxSpec())
    assert result.infrastructure_error is not None
    assert "missing" in result.infrastructure_error
    assert result.candidates == {}


@pytest.mark.docker
def test_wall_timeout_kills_the_container_as_infrastructure(
    docker_runner: DockerRunner,
    docker_engine: DockerEngine,
    container_runs: list[ContainerRun],
    make_tree: TreeFactory,
) -> None:
    sleepy = "import time\n\n\ndef test_sleep():\n    time.sleep(120)\n"
    ws = _workspace(make_tree, Candidate("c", "pytest", files={"test_s.py": sleepy}))
    spec = SandboxSpec(limits=Limits(wall_timeout_s=4, candidate_timeout_s=120))
    t = time.monotonic()
    result = docker_runner.run(ws, spec)
    assert time.monotonic() - t < 20
    assert result.infrastructure_error is not None
    assert "wall-clock timeout" in result.infrastructure_error
    assert result.candidates == {}
    assert container_runs[0].timed_out
    assert _names(docker_engine, container_runs[0].name) == []


@pytest.mark.docker
def test_whole_container_out_of_memory_is_infrastructure(
    docker_runner: DockerRunner, container_runs: list[ContainerRun], make_tree: TreeFactory
) -> None:
    """6 MB (the engine's minimum) cannot hold the supervisor: the answer is lost, not a verdict."""
    ws = _workspace(make_tree, Candidate("c", "pytest", files={"test_f.py": TEST_F}))
    result = docker_runner.run(ws, SandboxSpec(limits=Limits(memory_mb=6)))
    assert result.infrastructure_error is not None, result.candidates
    assert "memory" in result.infrastructure_error or "SIGKILL" in result.infrastructure_error
    assert result.candidates == {}
    assert container_runs[0].exit_code == 137


@pytest.mark.docker
def test_unreadable_checkout_is_reported(
    docker_runner: DockerRunner, tmp_path: Path, make_tree: TreeFactory
) -> None:
    ws = Workspace(head=tmp_path / "missing", candidates=())
    result = docker_runner.run(ws, SandboxSpec())
    assert result.infrastructure_error is not None
    assert "not a directory" in result.infrastructure_error
