"""deepcheck doctor: verdicts from scripted runs (a fake runner), the CLI, and a real Docker run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from sandbox import RunResult, SandboxSpec, Status, Workspace
from sandbox.doctor import (
    HOST_CHECKS,
    DoctorReport,
    ProbeContext,
    diagnose,
    processes_with,
    run_probes,
)
from sandbox.probes import Probe, load_probes
from sandbox.results import CandidateResult, Outcome
from sandbox.runner import NoBackend, Runner

PROBES = load_probes()
REPO = Path(__file__).resolve().parents[2]
TEST = ({"nodeid": "t.py::test", "outcome": "passed", "message": ""},)


def contained_outcome(probe: Probe) -> Outcome:
    status = sorted(probe.contained)[0]
    log_dropped = 200 << 20 if probe.host_check == "output_capped" else 0
    return Outcome(status=Status(status), tests=TEST, log_truncated_bytes=log_dropped)


class ScriptedRunner:
    """Answers every candidate as contained unless ``override`` says otherwise."""

    def __init__(
        self,
        name: str = "docker",
        override: dict[str, Outcome] | None = None,
        infrastructure_error: str | None = None,
        extra_ids: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.isolation = "scripted"
        self.override = override or {}
        self.infrastructure_error = infrastructure_error
        self.extra_ids = extra_ids
        self.workspaces: list[Workspace] = []

    def unavailable_reason(self) -> str | None:
        return None

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        self.workspaces.append(workspace)
        if self.infrastructure_error:
            return RunResult(backend=self.name, infrastructure_error=self.infrastructure_error)
        by_id = {p.id: p for p in PROBES}
        cands = {}
        for cand in workspace.candidates:
            outcome = self.override.get(cand.id) or contained_outcome(by_id[cand.id])
            cands[cand.id] = CandidateResult(cand.id, "pytest", {s: outcome for s in cand.sides})
        for extra in self.extra_ids:
            cands[extra] = CandidateResult(extra, "pytest", {"head": Outcome(Status.PASSED)})
        return RunResult(backend=self.name, candidates=cands)


def _diagnose(runner: Runner | None, **kwargs: Any) -> DoctorReport:
    def select(mode: str, *, allow_process: bool, warn: Any) -> Runner:
        if runner is None:
            raise NoBackend("no sandbox backend: scripted")
        return runner

    return diagnose(
        "auto", select=select, docker_status=lambda: ("ready", "img:1", True, None), **kwargs
    )


def test_catalog_is_consistent() -> None:
    ids = [p.id for p in PROBES]
    assert len(ids) == len(set(ids)) >= 10
    for p in PROBES:
        assert (REPO / "sandbox" / "probes" / p.file).is_file()
        assert p.contained and all(isinstance(s, Status) for s in p.contained)
        assert p.host_check is None or p.host_check in HOST_CHECKS
        assert set(p.sides) <= {"base", "head"}


def test_everything_contained_exits_0() -> None:
    runner = ScriptedRunner()
    report = _diagnose(runner)
    assert report.exit_code == 0, [p for p in report.probes if not p.contained]
    assert [p.id for p in report.probes] == [p.id for p in PROBES]
    # shared probes in one start, each ``alone`` probe in its own
    assert len(runner.workspaces) == 1 + sum(p.alone for p in PROBES)
    doc = report.to_json()
    assert doc["exit_code"] == 0 and doc["backend"] == "docker"
    json.dumps(doc)


def test_one_escape_exits_1() -> None:
    report = _diagnose(ScriptedRunner(override={"network": Outcome(Status.FAILED, tests=TEST)}))
    assert report.exit_code == 1
    bad = [p for p in report.probes if not p.contained]
    assert [p.id for p in bad] == ["network"]
    assert "failed" in bad[0].detail


def test_no_backend_exits_3() -> None:
    report = _diagnose(None)
    assert report.exit_code == 3
    assert report.no_backend == "no sandbox backend: scripted"
    assert report.probes == []


def test_a_probe_that_did_not_run_is_not_contained() -> None:
    report = _diagnose(ScriptedRunner(override={"early-exit": Outcome(Status.ERROR)}))
    early = next(p for p in report.probes if p.id == "early-exit")
    assert not early.contained and "did not run" in early.detail


def test_infrastructure_error_is_not_contained() -> None:
    report = _diagnose(ScriptedRunner(infrastructure_error="engine went away"))
    assert report.exit_code == 1
    assert all(p.status == "infrastructure" for p in report.probes)


def test_unsafe_probes_do_not_run_on_the_process_backend() -> None:
    runner = ScriptedRunner(name="process")
    reports = run_probes(runner, ProbeContext(connect_to=None))
    unsafe = {p.id for p in PROBES if p.unsafe}
    assert unsafe
    ran = {c.id for ws in runner.workspaces for c in ws.candidates}
    assert not unsafe & ran
    for r in reports:
        if r.id in unsafe:
            assert not r.contained and r.status == "not run"


def test_forged_ids_in_the_answer_are_caught() -> None:
    report = _diagnose(ScriptedRunner(extra_ids=("forged",)))
    forged = next(p for p in report.probes if p.id == "forged-answer")
    assert not forged.contained and "forged" in forged.detail


def test_uncapped_output_is_caught() -> None:
    huge = Outcome(Status.PASSED, tests=TEST, log="x" * 100_000, log_truncated_bytes=0)
    report = _diagnose(ScriptedRunner(override={"output-flood": huge}))
    flood = next(p for p in report.probes if p.id == "output-flood")
    assert not flood.contained and "bytes of log kept" in flood.detail


def test_leftover_processes_are_found_by_token() -> None:
    token = "dc-probe-test-leftover-token"
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", token])
    try:
        deadline = time.monotonic() + 10
        while not processes_with(token) and time.monotonic() < deadline:
            time.sleep(0.05)  # until the child has exec'd
        assert processes_with(token) == [proc.pid]
    finally:
        proc.kill()
        proc.wait()
    assert processes_with(token) == []


def test_probe_config_reaches_the_candidates() -> None:
    runner = ScriptedRunner()
    ctx = ProbeContext(connect_to=None)
    run_probes(runner, ctx, [p for p in PROBES if p.id == "environment"])
    files = runner.workspaces[0].candidates[0].files
    config = json.loads(files["probe_config.json"])
    assert config["canary"] == ctx.canary and config["token"] == ctx.token
    assert "test_environment.py" in files
    assert ctx.canary_name not in os.environ  # restored after the run


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        cwd=REPO,
    )


def test_cli_rejects_an_unknown_backend() -> None:
    proc = _cli("doctor", "--sandbox", "vm")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "--sandbox" in proc.stderr


def test_cli_without_any_backend_exits_3_in_one_line(tmp_path: Path) -> None:
    env = {"DOCKER_HOST": f"unix://{tmp_path}/none.sock"}
    proc = _cli("doctor", "--json", "--refuse-process", env=env)
    assert proc.returncode == 3, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["exit_code"] == 3 and "not allowed" in doc["no_backend"]
    proc = _cli("doctor", "--refuse-process", env=env)
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0


@pytest.mark.docker
@pytest.mark.slow
def test_cli_doctor_on_docker_contains_every_probe(sandbox_image: str) -> None:
    proc = _cli("doctor", "--sandbox", "docker")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(PROBES)}/{len(PROBES)} probes contained" in proc.stdout
    assert sandbox_image in proc.stdout
