"""What a sandbox container is allowed, and how its end is read — pure, no engine calls.

``sandbox.docker_runner`` turns these values into Docker API calls; keeping them here makes the
hardening reviewable in one place and testable without an engine.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sandbox.spec import Limits

# The supervisor starts as uid 0 holding only CAP_SETUID, CAP_SETGID (to drop each side to its
# uid) and CAP_KILL (to kill those processes at their timeouts), with no-new-privileges; every
# process that runs PR code drops to its side's uid first and keeps no capability.
SANDBOX_USER = "0:0"
CAPABILITIES = ("SETUID", "SETGID", "KILL")
SIDE_USERS = {"base": (10001, 10001), "head": (10002, 10002)}
# Each side's scratch: a tmpfs of its own, 0700, owned by that side's uid.
SIDE_DIRS = {"base": "/tmp/sides/base", "head": "/tmp/sides/head"}
LABEL_SANDBOX = "deepcheck.sandbox"
LABEL_RUN = "deepcheck.run"
LABEL_DEADLINE = "deepcheck.deadline"
LABEL_OWNER = "deepcheck.owner"
# The supervisor's own output (the answer) as the engine stores it: bounded on the host's disk.
LOG_MAX_SIZE = "64m"
HARNESS_LOG_BYTES = 16_000
# Protocol: nothing from the host. (The image adds PYTHONPATH for dc_harness.)
ENVIRONMENT = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
}
# /tmp is the supervisor's (0755: Docker copies the image's 1777 up into the tmpfs), then
# exec, so the supervisor is PID 1.
COMMAND = [
    "/bin/sh",
    "-c",
    "chmod 0755 /tmp && mkdir -p -m 0700 /tmp/work && cd /tmp/work"
    " && exec python3 -m dc_harness /job/manifest.json",
]


def host_config(limits: Limits, mounts: list[tuple[str, str]]) -> dict[str, Any]:
    """Keyword arguments of ``APIClient.create_host_config`` for one sandbox start.

    ``mounts``: (host path, container path) pairs, every one read-only (one host path may be
    mounted twice: base and head of a one-tree scan).
    """
    return {
        "binds": [f"{src}:{dst}:ro" for src, dst in mounts],
        "network_mode": "none",
        "cap_drop": ["ALL"],
        "cap_add": list(CAPABILITIES),
        "security_opt": ["no-new-privileges"],
        "read_only": True,
        "tmpfs": tmpfs(limits),
        "pids_limit": limits.pids,
        "mem_limit": f"{limits.memory_mb}m",
        "memswap_limit": f"{limits.memory_mb}m",  # no swap
        "nano_cpus": int(limits.cpus * 1e9),
        "ipc_mode": "private",
        "ulimits": [{"name": "core", "soft": 0, "hard": 0}],
        "log_config": {"type": "json-file", "config": {"max-size": LOG_MAX_SIZE, "max-file": "1"}},
        "init": False,
    }


def tmpfs(limits: Limits) -> dict[str, str]:
    """The writable places: the supervisor's /tmp, one private tmpfs per side (each with the
    full size: a side cannot fill the other's), and a /dev/shm no side can write."""
    opts = f"rw,exec,nosuid,nodev,size={limits.tmpfs_mb}m"
    mounts = {"/tmp": f"{opts},mode=0755", "/dev/shm": "rw,nosuid,nodev,noexec,size=1m,mode=0755"}
    for side, (uid, gid) in SIDE_USERS.items():
        mounts[SIDE_DIRS[side]] = f"{opts},mode=0700,uid={uid},gid={gid}"
    return mounts


def run_name(image: str, sources: list[str], manifest_text: str) -> tuple[str, str]:
    """(run hash, container name): the same image, checkouts and job give the same name."""
    run_hash = hashlib.sha256(json.dumps([image, sorted(sources), manifest_text]).encode())
    short = run_hash.hexdigest()[:16]
    return short, f"deepcheck-{short}"


def _start_ticks(pid: int) -> str | None:
    """A process's start time (clock ticks since boot): with the pid, names it uniquely."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat_line[stat_line.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


def owner() -> str:
    """This process, as the owner label of the containers it starts: host:pid:start."""
    return f"{socket.gethostname()}:{os.getpid()}:{_start_ticks(os.getpid())}"


def owner_alive(label: str) -> bool:
    """False only when the owner is known to be gone (same host, pid dead or reused)."""
    host, _, rest = label.partition(":")
    pid, _, start = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's engine client, or no owner recorded: trust the deadline
    return _start_ticks(int(pid)) == start


def labels(run_hash: str, wall_timeout_s: float, now: float) -> dict[str, str]:
    """Labels of a sandbox container; owner and deadline tell a crashed run from a live one."""
    return {
        LABEL_SANDBOX: "1",
        LABEL_RUN: run_hash,
        LABEL_OWNER: owner(),
        LABEL_DEADLINE: f"{now + wall_timeout_s + 60:.0f}",
    }


def is_leftover(summary: dict[str, Any], now: float) -> bool:
    """A labelled container of a crashed run: its owner process is gone, or its deadline passed.

    Not "not running": a container another live run has just created, or whose answer it is
    about to read, is not running either.
    """
    found = summary.get("Labels") or {}
    try:
        deadline = float(found.get(LABEL_DEADLINE, "0"))
    except ValueError:
        deadline = 0.0
    return deadline <= now or not owner_alive(str(found.get(LABEL_OWNER, "")))


@dataclass(frozen=True)
class ContainerRun:
    """What one container start cost and how it ended (for tests, doctor and the bench)."""

    name: str
    image: str
    exit_code: int | None
    oom_killed: bool
    timed_out: bool
    create_s: float  # run() entry → container created
    started_s: float  # run() entry → the engine's StartedAt
    ready_s: float  # started_s + the harness's own start → first worker launched
    finished_s: float  # run() entry → the engine's FinishedAt (the supervisor exited)
    wall_s: float  # run() entry → answer read
    stdout_bytes: int
    stderr_bytes: int


def epoch(ts: str) -> float | None:
    """Docker's RFC 3339 timestamps carry nanoseconds; datetime takes microseconds."""
    if not ts or ts.startswith("0001-"):
        return None
    head, _, frac = ts.rstrip("Z").partition(".")
    try:
        return datetime.fromisoformat(f"{head}.{(frac + '000000')[:6]}+00:00").timestamp()
    except ValueError:
        return None


def classify(
    *, exit_code: int | None, oom_killed: bool, timed_out: bool, wall_timeout_s: float, mem_mb: int
) -> str | None:
    """Why a container gave no usable answer (an infrastructure error), or None."""
    if timed_out:
        return f"sandbox killed at the wall-clock timeout ({wall_timeout_s:g} s); answer missing"
    if oom_killed and exit_code != 0:
        return f"sandbox container ran out of memory ({mem_mb} MB); the harness answer is lost"
    if exit_code == 137:
        return "sandbox supervisor was killed (SIGKILL); the harness answer is lost"
    if exit_code not in (0, None):
        return f"sandbox supervisor exited with code {exit_code} without an answer"
    return None


def make_readable(root: Path) -> None:
    """The sides' users (10001, 10002) read the job dir: dirs 0755, files 0644."""
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def tree_problem(tree: Path) -> str | None:
    """Why the sandbox user could not read a checkout, or None (opens our own temp roots)."""
    if not tree.is_dir():
        return f"checkout {tree} is not a directory"
    st = tree.stat()
    if st.st_mode & 0o005 != 0o005:
        if st.st_uid != os.geteuid():
            return f"checkout {tree} is not readable by the sandbox user (chmod o+rx)"
        # A temp checkout of ours (mkdtemp is 0700): open its root to the sandbox user.
        tree.chmod(stat.S_IMODE(st.st_mode) | 0o005)
    return None
