"""The container policy, pinned without an engine: hardening, naming, leftovers, endings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sandbox import Limits
from sandbox import docker_policy as policy


def test_hardening_is_pinned() -> None:
    hc = policy.host_config(Limits(), [("/x", "/src/base"), ("/x", "/src/head")])
    assert hc["network_mode"] == "none"
    assert hc["cap_drop"] == ["ALL"]
    # only what the supervisor needs to drop each side to its uid and to kill it at a timeout
    assert sorted(hc["cap_add"]) == ["KILL", "SETGID", "SETUID"]
    assert hc["security_opt"] == ["no-new-privileges"]
    assert hc["read_only"] is True
    assert set(hc["tmpfs"]) == {"/tmp", "/dev/shm", "/tmp/sides/base", "/tmp/sides/head"}
    assert "exec" in hc["tmpfs"]["/tmp"] and "size=128m" in hc["tmpfs"]["/tmp"]
    assert hc["tmpfs"]["/tmp"].endswith("mode=0755")  # no side writes the supervisor's /tmp
    assert hc["tmpfs"]["/dev/shm"].endswith("mode=0755")  # nor a shared /dev/shm
    assert hc["tmpfs"]["/tmp/sides/base"].endswith("mode=0700,uid=10001,gid=10001")
    assert hc["tmpfs"]["/tmp/sides/head"].endswith("mode=0700,uid=10002,gid=10002")
    assert hc["pids_limit"] == 256
    assert hc["mem_limit"] == hc["memswap_limit"] == "1024m"
    assert hc["nano_cpus"] == 2_000_000_000
    assert hc["log_config"]["config"]["max-size"] == policy.LOG_MAX_SIZE
    assert hc["init"] is False  # PID 1 is the supervisor
    assert hc["binds"] == ["/x:/src/base:ro", "/x:/src/head:ro"]
    assert "privileged" not in hc and "devices" not in hc


def test_environment_is_explicit_and_minimal() -> None:
    assert set(policy.ENVIRONMENT) == {
        "PATH",
        "HOME",
        "LANG",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONHASHSEED",
    }
    assert policy.SANDBOX_USER == "0:0"  # the supervisor; PR code runs as a side's uid
    assert policy.SIDE_USERS == {"base": (10001, 10001), "head": (10002, 10002)}
    assert policy.COMMAND[-1].endswith("exec python3 -m dc_harness /job/manifest.json")


def test_names_are_deterministic() -> None:
    a = policy.run_name("img:1", ["/b", "/a"], '{"x": 1}')
    assert a == policy.run_name("img:1", ["/a", "/b"], '{"x": 1}')
    assert a[1] == f"deepcheck-{a[0]}" and len(a[0]) == 16
    assert a != policy.run_name("img:2", ["/a", "/b"], '{"x": 1}')
    assert a != policy.run_name("img:1", ["/a", "/b"], '{"x": 2}')


def test_leftovers() -> None:
    now = time.time()
    mine = policy.labels("h", 600, now)
    assert mine[policy.LABEL_SANDBOX] == "1"
    assert not policy.is_leftover({"State": "created", "Labels": mine}, now)
    assert not policy.is_leftover({"State": "exited", "Labels": mine}, now)
    assert policy.is_leftover({"State": "running", "Labels": mine}, now + 1000)
    assert policy.is_leftover({"State": "running", "Labels": {}}, now)
    foreign = {**mine, policy.LABEL_OWNER: "another-host:1:1"}
    assert not policy.is_leftover({"State": "exited", "Labels": foreign}, now)


def test_a_dead_owner_makes_a_leftover() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    start = policy._start_ticks(proc.pid)
    label = f"{os.uname().nodename}:{proc.pid}:{start}"
    assert policy.owner_alive(label)
    proc.kill()
    proc.wait()
    assert not policy.owner_alive(label)
    summary = {
        "State": "running",
        "Labels": {policy.LABEL_OWNER: label, "deepcheck.deadline": "9e12"},
    }
    assert policy.is_leftover(summary, time.time())
    assert policy.owner_alive(policy.owner())


def test_endings() -> None:
    kw = {"wall_timeout_s": 600.0, "mem_mb": 1024}
    assert policy.classify(exit_code=0, oom_killed=False, timed_out=False, **kw) is None
    # a candidate was OOM-killed but the supervisor answered: not an infrastructure error
    assert policy.classify(exit_code=0, oom_killed=True, timed_out=False, **kw) is None
    timed = policy.classify(exit_code=None, oom_killed=False, timed_out=True, **kw)
    assert timed is not None and "wall-clock" in timed
    oom = policy.classify(exit_code=137, oom_killed=True, timed_out=False, **kw)
    assert oom is not None and "out of memory" in oom
    killed = policy.classify(exit_code=137, oom_killed=False, timed_out=False, **kw)
    assert killed is not None and "SIGKILL" in killed
    crashed = policy.classify(exit_code=2, oom_killed=False, timed_out=False, **kw)
    assert crashed is not None and "code 2" in crashed


def test_docker_timestamps() -> None:
    assert policy.epoch("2026-11-28T18:29:01.123456789Z") == policy.epoch(
        "2026-11-28T18:29:01.123456Z"
    )
    assert policy.epoch("0001-01-01T00:00:00Z") is None
    assert policy.epoch("garbage") is None


def test_job_and_tree_permissions(tmp_path: Path) -> None:
    job = tmp_path / "job"
    (job / "candidates" / "0").mkdir(parents=True)
    (job / "candidates" / "0" / "test_x.py").write_text("")
    os.chmod(job, 0o700)
    policy.make_readable(job)
    assert (job.stat().st_mode & 0o777) == 0o755
    assert ((job / "candidates" / "0" / "test_x.py").stat().st_mode & 0o777) == 0o644
    tree = tmp_path / "tree"
    tree.mkdir(mode=0o700)
    assert policy.tree_problem(tree) is None
    assert tree.stat().st_mode & 0o005 == 0o005
    assert "not a directory" in (policy.tree_problem(tmp_path / "nope") or "")
