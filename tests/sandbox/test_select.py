"""Backend selection with fake runners: auto, docker, process, and the allow_process policy."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sandbox import RunResult, SandboxSpec, Workspace
from sandbox.runner import NoBackend, Runner
from sandbox.select import select_runner


class FakeRunner:
    def __init__(self, name: str, reason: str | None = None) -> None:
        self.name = name
        self.isolation = f"{name} isolation"
        self.reason = reason
        self.closed = False

    def unavailable_reason(self) -> str | None:
        return self.reason

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        return RunResult(backend=self.name)

    def close(self) -> None:
        self.closed = True


def backends(
    docker: str | None = None, process: str | None = None
) -> tuple[dict[str, Callable[[], Runner]], dict[str, FakeRunner]]:
    made: dict[str, FakeRunner] = {}

    def factory(name: str, reason: str | None) -> Callable[[], Runner]:
        def make() -> Runner:
            made[name] = FakeRunner(name, reason)
            return made[name]

        return make

    return {"docker": factory("docker", docker), "process": factory("process", process)}, made


def test_auto_prefers_docker() -> None:
    table, _ = backends()
    assert select_runner("auto", allow_process=True, backends=table).name == "docker"


def test_auto_falls_back_to_process_with_a_plain_warning() -> None:
    table, made = backends(docker="engine down")
    warnings: list[str] = []
    runner = select_runner("auto", allow_process=True, backends=table, warn=warnings.append)
    assert runner.name == "process"
    assert made["docker"].closed
    assert len(warnings) == 1
    assert "engine down" in warnings[0] and "isolates less" in warnings[0]
    assert "process isolation" in warnings[0]


def test_auto_refuses_process_unless_allowed() -> None:
    table, made = backends(docker="image missing")
    with pytest.raises(NoBackend, match=r"image missing.*not allowed"):
        select_runner("auto", allow_process=False, backends=table)
    assert "process" not in made


def test_docker_mode_never_falls_back() -> None:
    table, made = backends(docker="engine down")
    with pytest.raises(NoBackend, match="docker sandbox unavailable: engine down"):
        select_runner("docker", allow_process=True, backends=table)
    assert "process" not in made


def test_process_mode_is_refused_when_not_allowed() -> None:
    table, made = backends()
    with pytest.raises(NoBackend, match="refused"):
        select_runner("process", allow_process=False, backends=table)
    assert made == {}


def test_process_mode_when_allowed_does_not_touch_docker() -> None:
    table, made = backends(docker="engine down")
    warnings: list[str] = []
    runner = select_runner("process", allow_process=True, backends=table, warn=warnings.append)
    assert runner.name == "process"
    assert "docker" not in made and warnings == []


def test_no_backend_at_all_is_one_line() -> None:
    table, _ = backends(docker="engine down", process="no python")
    with pytest.raises(NoBackend) as info:
        select_runner("auto", allow_process=True, backends=table)
    message = str(info.value)
    assert "\n" not in message
    assert "engine down" in message and "no python" in message


def test_unknown_mode() -> None:
    table, _ = backends()
    with pytest.raises(NoBackend, match="unknown sandbox mode"):
        select_runner("vm", allow_process=True, backends=table)
