"""Hostile code against the real Docker sandbox: each case is a candidate run by DockerRunner.run.

The candidates are the probes in ``sandbox/probes`` (the same ones ``deepcheck doctor`` runs);
these tests add what only the host can see: timings, the disk, the host's process table.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sandbox import Limits, SandboxSpec, Status
from sandbox.docker_policy import ContainerRun
from sandbox.docker_runner import DockerEngine, DockerRunner
from sandbox.doctor import (
    PROBE_LIMITS,
    RESPONSIVE_LIMIT_S,
    HostListener,
    ProbeContext,
    processes_with,
    run_probe_group,
)
from sandbox.probes import Probe, load_probes
from sandbox.results import CandidateResult, RunResult

pytestmark = pytest.mark.docker

PROBES = {p.id: p for p in load_probes()}


def _run(
    runner: DockerRunner,
    probe_id: str,
    ctx: ProbeContext | None = None,
    limits: Limits = PROBE_LIMITS,
) -> tuple[RunResult, CandidateResult]:
    probe: Probe = PROBES[probe_id]
    ctx = ctx or ProbeContext(connect_to=None)
    result, reports = run_probe_group(runner, [probe], ctx, SandboxSpec(limits=limits))
    assert result.ok, result.infrastructure_error
    assert reports[0].contained, reports[0]  # the doctor's verdict, host-side checks included
    return result, result.candidates[probe_id]


def _statuses(cand: CandidateResult) -> set[Status]:
    return {o.status for o in cand.sides.values()}


@contextmanager
def _host_latency() -> Iterator[list[float]]:
    """Times a trivial host operation (start `true`) every 0.2 s while the block runs."""
    samples: list[float] = []
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(0.2):
            t = time.monotonic()
            subprocess.run(["true"], check=True, timeout=30)
            samples.append(time.monotonic() - t)

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join(timeout=35)


def _gone(engine: DockerEngine, run: ContainerRun) -> bool:
    return not engine.api().containers(all=True, filters={"name": run.name})


def test_fork_bomb_is_contained_and_the_host_stays_responsive(
    docker_runner: DockerRunner, docker_engine: DockerEngine, container_runs: list[ContainerRun]
) -> None:
    with _host_latency() as samples:
        result, cand = _run(docker_runner, "fork-bomb")
    assert _statuses(cand) <= {Status.TIMEOUT, Status.RESOURCE}, cand.sides
    assert len(samples) >= 10
    assert max(samples) < RESPONSIVE_LIMIT_S, f"host stalled: {max(samples):.2f} s to start `true`"
    assert result.duration_s < 30
    assert _gone(docker_engine, container_runs[0])


def test_memory_bomb_is_a_resource_outcome_not_a_finding(docker_runner: DockerRunner) -> None:
    result, cand = _run(docker_runner, "memory-bomb", limits=Limits(memory_mb=256))
    assert _statuses(cand) == {Status.RESOURCE}, cand.sides
    assert result.ok  # the supervisor survived and answered: not an infrastructure failure


@pytest.mark.parametrize("probe_id", ["busy-loop", "sleep"])
def test_endless_candidates_are_killed_at_the_timeout(
    docker_runner: DockerRunner, probe_id: str
) -> None:
    result, cand = _run(docker_runner, probe_id)
    assert _statuses(cand) == {Status.TIMEOUT}, cand.sides
    timeout = PROBES[probe_id].timeout_s
    assert timeout is not None
    for outcome in cand.sides.values():
        assert timeout <= outcome.duration_s < timeout + 5
    assert result.duration_s < timeout + 15


def test_no_network_interface_but_loopback_and_no_route_to_this_machine(
    docker_runner: DockerRunner, docker_engine: DockerEngine
) -> None:
    gateway = docker_engine.bridge_gateway()
    assert gateway, "the default bridge has no gateway address"
    # The doctor's host_listener check listens on gateway:port for the probe's connect
    # (and proves from the host that the listener answers): a refused port proves nothing.
    _, cand = _run(docker_runner, "network", ProbeContext(connect_to=gateway))
    assert _statuses(cand) == {Status.PASSED}, cand.sides
    nodeids = {t["nodeid"].split("::")[-1] for t in cand.sides["head"].tests}
    assert {"test_only_loopback", "test_connect_to_this_machine_fails"} <= nodeids


def test_writes_to_the_checkouts_and_to_root_fail(docker_runner: DockerRunner) -> None:
    _, cand = _run(docker_runner, "read-only")
    assert set(cand.sides) == {"base", "head"}
    assert _statuses(cand) == {Status.PASSED}, cand.sides


def test_environment_holds_no_host_variables_or_secrets(
    docker_runner: DockerRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = ProbeContext(connect_to=None, canary_name="DEEPCHECK_TEST_SECRET")
    monkeypatch.setenv("DEEPCHECK_TEST_SECRET", ctx.canary)
    # run_probe_group sets the canary in this process's environment too; the name is the test's.
    _, cand = _run(docker_runner, "environment", ctx)
    assert _statuses(cand) == {Status.PASSED}, cand.sides


def test_200_mb_of_output_is_capped_without_filling_the_disk(
    docker_runner: DockerRunner, container_runs: list[ContainerRun]
) -> None:
    free_before = shutil.disk_usage("/var/lib/docker" if Path("/var/lib/docker").exists() else "/")
    _, cand = _run(docker_runner, "output-flood")
    free_after = shutil.disk_usage("/var/lib/docker" if Path("/var/lib/docker").exists() else "/")
    outcome = cand.sides["head"]
    assert outcome.status is Status.PASSED, outcome.detail
    assert len(outcome.log.encode()) <= PROBE_LIMITS.output_bytes * 1.1 + 4096
    assert outcome.log_truncated_bytes >= 190 << 20
    run = container_runs[0]
    assert run.stdout_bytes < 1 << 20  # only the answer reached the engine's log
    assert run.stderr_bytes < 1 << 20
    assert free_before.free - free_after.free < 50 << 20


def test_forged_answers_are_not_accepted(docker_runner: DockerRunner) -> None:
    """Printed to stdout, written to files, sent to PID 1's descriptors: all ignored."""
    result, cand = _run(docker_runner, "forged-answer")
    assert _statuses(cand) == {Status.FAILED}, cand.sides
    assert set(result.candidates) == {"forged-answer"}


def test_exiting_early_is_not_a_pass(docker_runner: DockerRunner) -> None:
    _, cand = _run(docker_runner, "early-exit")
    outcome = cand.sides["head"]
    assert outcome.status is Status.ERROR, outcome.detail
    passed = [t for t in outcome.tests if t["outcome"] == "passed"]
    assert [t["nodeid"].split("::")[-1] for t in passed] == ["test_passes_first"]


def test_a_daemonized_process_dies_with_the_container(
    docker_runner: DockerRunner, docker_engine: DockerEngine, container_runs: list[ContainerRun]
) -> None:
    ctx = ProbeContext(connect_to=None)
    _, cand = _run(docker_runner, "daemon", ctx)
    assert _statuses(cand) == {Status.PASSED}, cand.sides
    time.sleep(0.3)
    assert processes_with(ctx.token) == []  # nothing left on this machine carries the token
    assert _gone(docker_engine, container_runs[0])


def test_the_host_listener_sees_a_sandbox_that_has_a_network(
    docker_engine: DockerEngine, sandbox_image: str
) -> None:
    """Control for the network probe: with a network (the default bridge), the connect to this
    machine's bridge address does reach the doctor's listener, so 'not reached' means something.
    """
    gateway = docker_engine.bridge_gateway()
    assert gateway
    check = HostListener(ProbeContext(connect_to=gateway))
    port = check.before()["connect_port"]
    api = docker_engine.api()
    script = f"import socket; socket.create_connection(({gateway!r}, {port}), timeout=5).close()"
    cid = api.create_container(
        sandbox_image,
        command=["python3", "-c", script],
        host_config=api.create_host_config(network_mode="bridge", cap_drop=["ALL"]),
    )["Id"]
    try:
        api.start(cid)
        assert api.wait(cid, timeout=60)["StatusCode"] == 0
    finally:
        api.remove_container(cid, force=True)
    time.sleep(0.5)
    empty = CandidateResult("network", "pytest")
    problem = check.after(empty, RunResult(backend="docker"))
    assert problem is not None and "reached this machine" in problem
