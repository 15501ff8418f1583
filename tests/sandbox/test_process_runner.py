"""The process backend: isolation it promises, limits, and infrastructure failures.

Candidates here are pytest files that probe their own sandbox; the verdict comes back through
the real harness.
"""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest
from harness_fixtures import BACKENDS, candidate, make_runner, make_tree, run_job

from sandbox import Candidate, SandboxSpec, Status, Workspace
from sandbox.process_runner import ProcessRunner
from sandbox.spec import Limits

SECRET = "DEEPCHECK_TEST_SECRET"
ALLOWED_ENV = {
    "PATH", "HOME", "TMPDIR", "LANG", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "PYTHONPATH",
    "HYPOTHESIS_STORAGE_DIRECTORY", "PYTEST_CURRENT_TEST", "PYTEST_VERSION",
}  # fmt: skip


def _probe(cid: str, body: str) -> Candidate:
    return candidate(cid, "pytest", {f"test_{cid.replace('-', '_')}.py": body}, sides=("head",))


def _probes(marker: Path) -> list[Candidate]:
    return [
        _probe(
            "env",
            f"""
            import os
            def test_env_is_clean():
                assert set(os.environ) <= set({sorted(ALLOWED_ENV)!r}), sorted(os.environ)
                assert os.environ["PYTHONHASHSEED"] == "0"
            """,
        ),
        _probe(
            "oom",
            """
            import os, signal
            def test_killed_like_the_oom_killer():
                os.kill(os.getpid(), signal.SIGKILL)
            """,
        ),
        _probe(
            "oom-score",
            """
            def test_workers_are_the_oom_killers_first_choice():
                assert open("/proc/self/oom_score_adj").read().strip() == "1000"
            """,
        ),
        _probe(
            "memory",
            """
            def test_hog():
                block = bytearray(4 * 1024 * 1024 * 1024)
                assert block
            """,
        ),
        _probe(
            "daemon",
            f"""
            import os, time
            def test_leaves_a_daemon_behind():
                if os.fork() == 0:
                    os.setsid()
                    if os.fork() == 0:
                        try:  # the host's tmp_path: invisible under bwrap (private /tmp)
                            with open({str(marker)!r}, "w") as fh:
                                fh.write(str(os.getpid()))
                        finally:
                            time.sleep(300)
                    os._exit(0)
                time.sleep(0.3)
            """,
        ),
    ]


BWRAP_ONLY = [
    _probe(
        "no-network",
        """
        import socket, pytest
        def test_no_network():
            with pytest.raises(OSError):
                socket.create_connection(("1.1.1.1", 53), timeout=2)
        """,
    ),
    _probe(
        "read-only-trees",
        """
        import os, pytest
        def test_trees_and_job_are_read_only():
            for path in ("/src/head/new.py", "/job/x", "/harness/x", "/usr/x"):
                with pytest.raises(OSError):
                    open(path, "w")
        """,
    ),
    _probe(
        "supervisor-unreachable",
        """
        import os, pytest
        def test_cannot_open_the_supervisors_fds():
            supervisor = f"/proc/{os.getppid()}"
            assert "dc_harness" in open(f"{supervisor}/cmdline").read()
            with pytest.raises(PermissionError):
                os.readlink(f"{supervisor}/fd/1")  # its stdout: the answer to the host
            with pytest.raises(PermissionError):
                open(f"{supervisor}/fd/1", "w")
            with pytest.raises(PermissionError):
                open(f"{supervisor}/environ").read()
        """,
    ),
]


@pytest.mark.parametrize("backend", BACKENDS)
def test_isolation_and_limits(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = make_runner(backend)
    monkeypatch.setenv(SECRET, "hunter2")
    marker = tmp_path / "daemon.pid"
    head = make_tree(tmp_path / "head", {"calc.py": "X = 1\n"})
    cands = _probes(marker) + (BWRAP_ONLY if backend == "bwrap" else [])
    result = run_job(runner, None, head, cands, parallelism=4)
    status = {cid: c.sides["head"] for cid, c in result.candidates.items()}
    assert status["env"].status == Status.PASSED, status["env"].detail
    assert status["oom"].status == Status.RESOURCE
    assert status["oom-score"].status == Status.PASSED, status["oom-score"].detail
    # a MemoryError under the address-space limit is a resource outcome, never a finding
    assert status["memory"].status == Status.RESOURCE
    assert "MemoryError" in status["memory"].detail
    assert status["daemon"].status == Status.PASSED, status["daemon"].detail
    for cid in ("no-network", "read-only-trees", "supervisor-unreachable"):
        if cid in status:
            assert status[cid].status == Status.PASSED, (cid, status[cid].detail)
    if backend == "plain":  # under bwrap the daemon could not write the host's /tmp at all
        pid = int(marker.read_text())
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid), "the supervisor (child subreaper) kills daemonized leftovers"


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_backend_describes_its_isolation() -> None:
    assert "bubblewrap" in make_runner("bwrap").isolation
    plain = make_runner("plain")
    assert "NOT isolated" in plain.isolation and "network" in plain.isolation
    assert plain.name == "process"


def test_unusable_python_is_reported_not_raised(tmp_path: Path) -> None:
    runner = ProcessRunner(use_bwrap=False, python=str(tmp_path / "no-such-python"))
    reason = runner.unavailable_reason()
    assert reason is not None and "no-such-python" in reason


@pytest.mark.parametrize("backend", BACKENDS)
def test_whole_run_timeout_is_an_infrastructure_error(backend: str, tmp_path: Path) -> None:
    runner = make_runner(backend)
    head = make_tree(tmp_path / "head", {"calc.py": "X = 1\n"})
    cand = _probe("sleep", "import time\ndef test_s():\n    time.sleep(60)\n")
    spec = SandboxSpec(limits=Limits(wall_timeout_s=1.5, candidate_timeout_s=60))
    started = time.monotonic()
    result = runner.run(Workspace(head=head, candidates=(cand,)), spec)
    assert time.monotonic() - started < 10
    assert result.infrastructure_error is not None
    assert "exceeded" in result.infrastructure_error
    assert not result.ok and not result.candidates


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_sandbox_reports_the_cpu_its_processes_spent(backend: str, tmp_path: Path) -> None:
    """The supervisor's own measure (what a Docker container's host never sees)."""
    runner = make_runner(backend)
    head = make_tree(tmp_path / "head", {"calc.py": "X = 1\n"})
    # The burn (2 s of CPU) dwarfs how much a loaded machine makes the start-up's CPU vary
    # between two runs (seen up to 0.3 s); the idle test sleeps without spending any.
    burn = "import time\ndef test_burn():\n    end = time.process_time() + 2.0\n"
    burn += "    while time.process_time() < end:\n        pass\n"
    idle = "import time\ndef test_idle():\n    time.sleep(0.6)\n"
    busy = run_job(runner, None, head, [_probe("burn", burn)])
    quiet = run_job(runner, None, head, [_probe("idle", idle)])
    assert busy.cpu_s >= 2.0
    assert busy.cpu_s > quiet.cpu_s + 1.0


def _fake_python(tmp_path: Path, script: str) -> str:
    path = tmp_path / "fake-python"
    path.write_text("#!/bin/sh\n" + textwrap.dedent(script))
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("echo 'PASSED: everything'\n", "answer unreadable"),
        ("echo boom >&2\nexit 3\n", "exit code 3"),
        ("kill -9 $$\n", "SIGKILL"),
    ],
)
def test_harness_failures_are_infrastructure_errors(
    tmp_path: Path, script: str, expected: str
) -> None:
    python = _fake_python(tmp_path, script)
    runner = ProcessRunner(use_bwrap=False, python=python)
    head = make_tree(tmp_path / "head", {"calc.py": "X = 1\n"})
    cand = _probe("a", "def test_a():\n    pass\n")
    result = runner.run(Workspace(head=head, candidates=(cand,)), SandboxSpec())
    assert result.infrastructure_error is not None
    assert expected in result.infrastructure_error
    assert result.candidates == {}


def test_bad_candidate_path_is_an_infrastructure_error(tmp_path: Path) -> None:
    runner = make_runner("plain")
    head = make_tree(tmp_path / "head", {"calc.py": "X = 1\n"})
    cand = candidate("escape", "pytest", {"../outside.py": "X = 1\n"})
    result = runner.run(Workspace(head=head, candidates=(cand,)), SandboxSpec())
    assert result.infrastructure_error is not None and "outside" in result.infrastructure_error
    assert not os.path.exists(tmp_path / "outside.py")
