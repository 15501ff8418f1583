"""A fork server for workers: import pytest and Hypothesis once, fork a worker per side.

Starting a worker from scratch costs ~1 s of CPU (mostly importing Hypothesis); forking a
process that already imported it costs milliseconds. The zygote is trusted code: it imports no
PR code, is non-dumpable (a worker cannot ptrace it to tamper with later forks) and dies with
the supervisor. It talks to the supervisor over a SOCK_SEQPACKET socket:

- supervisor → zygote: ``{"env": {...}, "cwd": "..."}`` with three fds attached
  (output pipe write end, config pipe read end, report pipe write end);
- zygote → supervisor: ``{"spawned": pid}`` per request, in order, and ``{"exit": pid,
  "status": returncode}`` when a worker ends (negative: killed by that signal, as Popen).

The forked child becomes a worker exactly like ``python -m dc_harness.worker`` would: own
session, stdin /dev/null, stdout+stderr on the output pipe, the environment and cwd it was
given, no other fds. ``ZygoteClient`` is the supervisor's side; when the zygote cannot start
or dies, the launcher falls back to spawning workers with Popen.
"""

from __future__ import annotations

import json
import os
import queue
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from typing import Any

from . import hardening

_MAX_MSG = 1 << 20


# -- the zygote process ------------------------------------------------------------------


def _child(request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: become a worker, run it, never return."""
    rc = 1
    try:
        os.setsid()
        out_w, cfg_r, rep_w = fds
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        lo, hi = sorted((cfg_r, rep_w))
        os.closerange(3, lo)  # everything else the zygote held, the socket included
        os.closerange(lo + 1, hi)
        os.closerange(hi + 1, 65536)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in request["env"].items()})
        tempfile.tempdir = None
        from . import worker

        rc = worker.main([str(cfg_r), str(rep_w)])
    except SystemExit as exc:
        rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                continue  # closed by the code under test
        os._exit(rc)


def _reap(sock: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        code = os.waitstatus_to_exitcode(status)
        sock.send(json.dumps({"exit": pid, "status": code}).encode())


def serve(sock_fd: int) -> int:
    hardening.set_non_dumpable()
    hardening.die_with_parent()
    sock = socket.socket(fileno=sock_fd)
    # What every worker needs, imported once (trusted modules only).
    import _pytest.config  # noqa: F401
    import hypothesis  # noqa: F401
    import pytest  # noqa: F401

    from . import driver, pytest_worker, worker  # noqa: F401

    sock.send(b'{"ready": true}')
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ)
    while True:
        _reap(sock)
        if not sel.select(timeout=0.02):
            continue
        msg, fds, _, _ = socket.recv_fds(sock, _MAX_MSG, 3)
        if not msg:
            return 0  # the supervisor is gone
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            sock.send(b'{"spawned": null}')
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(json.loads(msg), fds)
        for fd in fds:
            os.close(fd)
        sock.send(json.dumps({"spawned": pid}).encode())


# -- the supervisor's side ---------------------------------------------------------------


class ZygoteClient:
    READY_TIMEOUT_S = 30.0
    SPAWN_TIMEOUT_S = 10.0

    def __init__(self, env: dict[str, str], cwd: str) -> None:
        self._sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-P", "-m", f"{__package__}.zygote", str(theirs.fileno())],
            stdin=subprocess.DEVNULL,
            stdout=sys.stderr.fileno(),
            pass_fds=(theirs.fileno(),),
            start_new_session=True,
            env=env,
            cwd=cwd,
        )
        theirs.close()
        self._lock = threading.Lock()
        self._replies: queue.Queue[int | None] = queue.Queue()
        self._exits: dict[int, int] = {}
        self._exited = threading.Condition()
        self.alive = False
        self._sock.settimeout(self.READY_TIMEOUT_S)
        try:
            self.alive = json.loads(self._sock.recv(_MAX_MSG) or b"{}").get("ready") is True
        except (OSError, ValueError) as exc:
            hardening.warn(f"zygote did not start ({exc}); workers start from scratch")
        self._sock.settimeout(None)
        if self.alive:
            threading.Thread(target=self._read, name="zygote", daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                msg = self._sock.recv(_MAX_MSG)
            except OSError:
                msg = b""
            if not msg:
                break
            doc = json.loads(msg)
            if "spawned" in doc:
                self._replies.put(doc["spawned"])
            elif "exit" in doc:
                with self._exited:
                    self._exits[int(doc["exit"])] = int(doc["status"])
                    self._exited.notify_all()
        self.alive = False
        self._replies.put(None)
        with self._exited:
            self._exited.notify_all()

    def spawn(self, env: dict[str, str], cwd: str, fds: tuple[int, int, int]) -> ZygoteChild | None:
        """A forked worker, or None when the zygote is gone (fall back to Popen)."""
        if not self.alive:
            return None
        request = json.dumps({"env": env, "cwd": cwd}).encode()
        with self._lock:
            try:
                socket.send_fds(self._sock, [request], list(fds))
                pid = self._replies.get(timeout=self.SPAWN_TIMEOUT_S)
            except (OSError, queue.Empty) as exc:
                hardening.warn(f"zygote spawn failed: {exc}")
                self.alive = False
                return None
        return None if pid is None else ZygoteChild(self, pid)

    def wait_exit(self, pid: int, timeout: float | None) -> int | None:
        with self._exited:
            self._exited.wait_for(lambda: pid in self._exits or not self.alive, timeout)
            return self._exits.get(pid)

    def close(self) -> None:
        self._sock.close()
        if self.proc is not None:
            hardening.kill_group(self.proc.pid)
            self.proc.wait()
            self.proc = None


class ZygoteChild:
    """The Popen-like handle of a forked worker (pid, poll, wait, returncode)."""

    def __init__(self, zygote: ZygoteClient, pid: int) -> None:
        self.zygote = zygote
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.zygote.wait_exit(self.pid, 0)
            if self.returncode is None and not self.zygote.alive:
                self.returncode = -9  # the zygote died and took its children with it
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.returncode = self.zygote.wait_exit(self.pid, timeout)
            if self.returncode is None:
                if self.zygote.alive:
                    raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0)
                self.returncode = -9
        return self.returncode


if __name__ == "__main__":
    sys.exit(serve(int(sys.argv[1])))
