"""The local process backend: the harness as a host subprocess, in bubblewrap when available.

Both modes apply rlimits per process (address space = ``memory_mb``, CPU, file size) and a
cleared environment (nothing from the host: no tokens, no keys).

With ``bwrap`` (detected with ``shutil.which`` and probed once): a read-only view of the host
root, fresh /dev, /proc and a size-capped tmpfs on /tmp, no network, own pid/ipc/uts
namespaces, all capabilities dropped, killed with its parent; base and head read-only at
``/src/base`` and ``/src/head``, the job read-only at ``/job``, the harness at ``/harness``.
Run as root, bubblewrap also keeps base and head apart as in Docker (docs/security.md, "Base
and head apart"): the supervisor keeps CAP_SETUID/SETGID/KILL, each side has a tmpfs of its
own and runs as its uid (10001, 10002), and a top-level directory other uids cannot pass
(``/root``) is shown only for the interpreter. Otherwise every side runs as this user.
Without it: a plain subprocess; the code under test can read the host filesystem and reach
the network, and ``isolation`` says so.

Either way the harness is a copy of ``sandbox/harness`` imported as ``dc_harness``, exactly as
in the Docker image, and runs with the host's ``sys.executable``. Infrastructure failures (the
harness crashed, its answer is unreadable, the whole run timed out) come back as
``RunResult.infrastructure_error``, never as an exception or a verdict.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sandbox.docker_policy import SIDE_DIRS, SIDE_USERS, tree_problem
from sandbox.jobdir import HARNESS_MODULE, HARNESS_SOURCE, JobError, parse_answer, write_job
from sandbox.results import RunResult
from sandbox.spec import SandboxSpec
from sandbox.workspace import Workspace

HARNESS_LOG_CHARS = 20_000
# Mount points the bwrap sandbox makes itself instead of binding the host's.
# Not bound from the host: mounted fresh (dev, proc, tmp), the job's own (src, job, harness),
# /run masked by a tmpfs (it holds the Docker socket and other daemons' sockets: a read-only
# bind still lets a client connect), /sys left out (it shows the host's network devices).
_OWN_MOUNTS = frozenset({"dev", "proc", "tmp", "src", "job", "harness", "run", "sys"})
_PROBE_TIMEOUT_S = 30.0

# Run inside the sandbox before the harness: apply rlimits, then exec the harness (no
# preexec_fn, which is unsafe in a threaded host).
_RLIMIT_BOOT = """\
import os, resource, sys
as_bytes, cpu_s, fsize = (int(v) for v in sys.argv[1:4])
resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))
resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
os.execv(sys.executable, [sys.executable, "-P", "-m", sys.argv[4], sys.argv[5]])
"""


_BWRAP_ISOLATION = (
    "bubblewrap: read-only host filesystem, private /tmp, no network, own pid namespace, "
    "capabilities dropped, rlimits; weaker than Docker (same kernel, no memory cgroup; base "
    "and head as two uids only when run as root, else as this user)"
)
_PLAIN_ISOLATION = (
    "plain subprocess with rlimits: NOT isolated - the code under test can read the host "
    "filesystem, write where this user can, and reach the network"
)


def _base_env(pythonpath: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONPATH": pythonpath,
    }


def _interpreter_dirs(python: str | None = None) -> list[str]:
    """Directories the harness interpreter runs from (venv and base installation)."""
    dirs = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    if python is not None:  # a dependency environment's venv (sandbox.envs)
        dirs.add(os.path.dirname(os.path.dirname(os.path.abspath(python))))
    return sorted(os.path.realpath(d) for d in dirs if d)


class ProcessRunner:
    """Runner backend ``process`` (see the module docstring)."""

    name = "process"

    def __init__(self, *, use_bwrap: bool | None = None, python: str | None = None) -> None:
        """``use_bwrap``: None = when installed and working, True = required, False = never."""
        self._python = python or sys.executable
        self._want_bwrap = use_bwrap
        self._bwrap_path = shutil.which("bwrap") if use_bwrap is not False else None
        self._bwrap_ok: bool | None = None
        self._python_probed = False
        self._python_problem: str | None = None
        # A plain attribute (the Runner protocol's shape); probing bwrap takes milliseconds.
        self.isolation: str = _BWRAP_ISOLATION if self.uses_bwrap else _PLAIN_ISOLATION

    # -- what this backend offers -------------------------------------------------------

    @property
    def uses_bwrap(self) -> bool:
        if self._bwrap_path is None:
            return False
        if self._bwrap_ok is None:
            self._bwrap_ok = self._probe_bwrap(self._bwrap_path)
        return self._bwrap_ok

    def unavailable_reason(self) -> str | None:
        if self._want_bwrap is True and not self.uses_bwrap:
            return "bubblewrap was required but bwrap is missing or cannot create a sandbox"
        if not self._python_probed:
            self._python_problem = self._probe_python()
            self._python_probed = True
        return self._python_problem

    def _probe_python(self) -> str | None:
        try:
            proc = subprocess.run(
                [self._python, "-c", "import pytest, hypothesis"],
                capture_output=True,
                timeout=_PROBE_TIMEOUT_S,
                env=_base_env(""),
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"cannot run {self._python}: {exc}"
        if proc.returncode != 0:
            last = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            return f"{self._python} cannot import pytest and hypothesis: {' '.join(last)}"
        return None

    @staticmethod
    def _probe_bwrap(bwrap: str) -> bool:
        cmd = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        cmd += ["--unshare-net", "--unshare-pid", "--die-with-parent", "true"]
        try:
            return (
                subprocess.run(cmd, capture_output=True, timeout=_PROBE_TIMEOUT_S).returncode == 0
            )
        except (OSError, subprocess.TimeoutExpired):
            return False

    # -- running ------------------------------------------------------------------------

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="deepcheck-process-") as tmp_name:
            tmp = Path(tmp_name)
            harness_parent = tmp / "harness"
            shutil.copytree(
                HARNESS_SOURCE,
                harness_parent / HARNESS_MODULE,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
            bwrap = self.uses_bwrap
            # Root on the host and bubblewrap: base and head as two uids, as in Docker.
            two_uids = bwrap and os.geteuid() == 0
            trees: dict[str, str | None] = {}
            for side in ("base", "head"):
                tree = workspace.tree(side)
                if tree is None:
                    trees[side] = None
                else:
                    trees[side] = f"/src/{side}" if bwrap else str(tree.resolve())
            try:
                if two_uids:  # the sides' uids read the checkouts
                    for tree_path in (workspace.base, workspace.head):
                        problem = tree_problem(tree_path) if tree_path else None
                        if problem:
                            raise JobError(problem)
                write_job(
                    tmp / "job", workspace, spec, trees,
                    users=SIDE_USERS if two_uids else None,
                    side_dirs=SIDE_DIRS if two_uids else None,
                )  # fmt: skip
            except (JobError, OSError) as exc:
                return RunResult(
                    backend=self.name,
                    infrastructure_error=f"cannot write the job: {exc}",
                    duration_s=time.monotonic() - started,
                )
            if bwrap:
                cmd = self._bwrap_command(workspace, spec, tmp, two_uids=two_uids)
                env = _base_env("/harness")
                cwd = "/"
            else:
                (tmp / "work").mkdir()
                cmd = self._rlimit_command(spec, str(tmp / "job" / "manifest.json"))
                env = _base_env(str(harness_parent))
                env["HOME"] = env["TMPDIR"] = str(tmp / "work")
                cwd = str(tmp / "work")
            return self._execute(cmd, env, cwd, spec, started)

    def _bwrap_command(
        self, workspace: Workspace, spec: SandboxSpec, tmp: Path, *, two_uids: bool = False
    ) -> list[str]:
        assert self._bwrap_path is not None
        limits = spec.limits
        cmd = [self._bwrap_path]
        hidden: list[str] = []  # closed to other uids (/root): left out, see below
        # The host's top-level directories, read-only (not "/" itself: /src, /job and
        # /harness must be creatable as mount points).
        for entry in sorted(os.listdir("/")):
            host = f"/{entry}"
            if entry in _OWN_MOUNTS:
                continue
            if os.path.islink(host):
                cmd += ["--symlink", os.readlink(host), host]
            elif os.path.isdir(host):
                if two_uids and not os.stat(host).st_mode & 0o001:
                    hidden.append(host)
                    continue
                cmd += ["--ro-bind", host, host]
        cmd += ["--dev", "/dev", "--proc", "/proc"]
        cmd += ["--tmpfs", "/run"]
        cmd += ["--size", str(limits.tmpfs_mb * 1024 * 1024), "--tmpfs", "/tmp"]
        # The interpreter (a venv under /tmp, say, as in a CI clone) stays visible read-only
        # on top of the private /tmp.
        for keep in _interpreter_dirs(self._python):
            if keep == "/tmp" or keep.startswith("/tmp/"):
                # its parents passable by every uid (bwrap would copy the host's modes, and a
                # pytest or mktemp directory is 0700): a dependency venv under /tmp stays usable
                parts = keep.strip("/").split("/")
                for n in range(2, len(parts)):
                    cmd += ["--perms", "0755", "--dir", "/" + "/".join(parts[:n])]
                cmd += ["--ro-bind", keep, keep]
            elif any(keep.startswith(d + "/") for d in hidden):
                # only the interpreter, under directories every uid may pass through
                parts = keep.strip("/").split("/")
                for n in range(1, len(parts)):
                    cmd += ["--perms", "0755", "--dir", "/" + "/".join(parts[:n])]
                cmd += ["--ro-bind", keep, keep]
        if two_uids:  # one tmpfs per side; the supervisor gives each side a 0700 dir in it
            for side_dir in SIDE_DIRS.values():
                cmd += ["--perms", "1777", "--size", str(limits.tmpfs_mb * 1024 * 1024)]
                cmd += ["--tmpfs", side_dir]
        cmd += ["--ro-bind", str(tmp / "harness"), "/harness"]
        cmd += ["--ro-bind", str(tmp / "job"), "/job"]
        cmd += ["--perms", "0755", "--dir", "/src"]  # bwrap would make it 0700
        for side in ("base", "head"):
            tree = workspace.tree(side)
            if tree is not None:
                cmd += ["--ro-bind", str(tree.resolve()), f"/src/{side}"]
        cmd += ["--dir", "/tmp/work", "--chdir", "/tmp/work", "--remount-ro", "/"]
        cmd += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
        # --as-pid-1: the (non-dumpable) supervisor is PID 1, so no dumpable bwrap init shares
        # its answer pipe through /proc/1/fd.
        cmd += ["--as-pid-1", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        if two_uids:  # the supervisor drops each side to its uid and kills it at its timeout
            cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]
        return cmd + self._rlimit_command(spec, "/job/manifest.json")

    def _rlimit_command(self, spec: SandboxSpec, manifest: str) -> list[str]:
        limits = spec.limits
        as_bytes = limits.memory_mb * 1024 * 1024
        cpu_s = int(limits.wall_timeout_s * max(1.0, limits.cpus)) + 1
        fsize = limits.tmpfs_mb * 1024 * 1024
        return [
            self._python,
            "-I",
            "-c",
            _RLIMIT_BOOT,
            str(as_bytes),
            str(cpu_s),
            str(fsize),
            HARNESS_MODULE,
            manifest,
        ]

    def _execute(
        self, cmd: list[str], env: dict[str, str], cwd: str, spec: SandboxSpec, started: float
    ) -> RunResult:
        timeout = spec.limits.wall_timeout_s
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        except OSError as exc:
            return RunResult(
                backend=self.name,
                infrastructure_error=f"cannot start the harness: {exc}",
                duration_s=time.monotonic() - started,
            )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            stdout, stderr = proc.communicate()
            return RunResult(
                backend=self.name,
                infrastructure_error=f"the whole sandbox run exceeded {timeout:g}s and was killed",
                duration_s=time.monotonic() - started,
                harness_log=_tail(stderr),
            )
        finally:
            _kill_group(proc.pid)
        duration = time.monotonic() - started
        log = _tail(stderr)
        if proc.returncode != 0:
            return RunResult(
                backend=self.name,
                infrastructure_error=(
                    f"the harness exited with {_describe_exit(proc.returncode)}: "
                    f"{log.strip().splitlines()[-1] if log.strip() else 'no diagnostics'}"
                ),
                duration_s=duration,
                harness_log=log,
            )
        return parse_answer(
            self.name, stdout, duration_s=duration, start_s=duration, harness_log=log
        )


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return  # already gone


def _tail(data: bytes) -> str:
    return data.decode("utf-8", "replace")[-HARNESS_LOG_CHARS:]


def _describe_exit(rc: int) -> str:
    if rc < 0:
        try:
            return f"signal {signal.Signals(-rc).name}"
        except ValueError:
            return f"signal {-rc}"
    return f"exit code {rc}"
