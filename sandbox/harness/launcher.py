"""Launch one worker process and watch it: output cap, report pipe, wall clock, kill reasons.

A worker runs ``python -P -m dc_harness.worker <config-fd> <report-fd>`` (or is forked by the
zygote, which then runs the same code) in its own session (process group), with stdin from
/dev/null and stdout+stderr on one pipe that is drained to the end: the first ``output_bytes``
are kept, the rest counted and dropped, so no amount of output can block the worker or fill a
disk. At the wall-clock limit the whole process group gets
SIGKILL (``timed_out``). A SIGKILL we did not send is the OOM killer (``oom_killed``).
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from .channel import ReportReader, new_token
from .hardening import kill_group

# After the worker exits, how long we keep draining pipes a leftover may hold open.
EXIT_GRACE_S = 0.5


@dataclass
class WorkerSpec:
    entry: str  # worker entry module inside dc_harness (e.g. "pytest_worker")
    config: dict[str, Any]
    env: dict[str, str]
    cwd: str
    timeout_s: float
    output_bytes: int


@dataclass
class WorkerRun:
    reports: ReportReader
    returncode: int | None = None
    timed_out: bool = False
    oom_killed: bool = False
    duration_s: float = 0.0
    log: str = ""
    log_truncated_bytes: int = 0
    spawn_error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def exit_description(self) -> str:
        rc = self.returncode
        if rc is None:
            return "did not exit"
        if rc < 0:
            try:
                return f"killed by {signal.Signals(-rc).name}"
            except ValueError:
                return f"killed by signal {-rc}"
        return f"exit code {rc}"


class _CappedBuffer:
    def __init__(self, limit: int) -> None:
        self.limit = max(0, limit)
        self.data = bytearray()
        self.dropped = 0

    def add(self, chunk: bytes) -> None:
        room = self.limit - len(self.data)
        if room > 0:
            self.data += chunk[:room]
            self.dropped += max(0, len(chunk) - room)
        else:
            self.dropped += len(chunk)


def _popen(spec: WorkerSpec, out_w: int, cfg_r: int, rep_w: int) -> Any:
    argv = [sys.executable, "-P", "-m", f"{__package__}.worker", str(cfg_r), str(rep_w)]
    return subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=out_w,
        stderr=out_w,
        pass_fds=(cfg_r, rep_w),
        start_new_session=True,
        env=spec.env,
        cwd=spec.cwd,
    )


def run_worker(spec: WorkerSpec, on_launch: Any = None, zygote: Any = None) -> WorkerRun:
    """Run one worker to the end. ``zygote``: a ZygoteClient to fork from (else Popen)."""
    token = new_token()
    reports = ReportReader(token)
    run = WorkerRun(reports=reports)
    payload = json.dumps({**spec.config, "entry": spec.entry, "token": token}).encode()
    out_r, out_w = os.pipe()
    cfg_r, cfg_w = os.pipe()
    rep_r, rep_w = os.pipe()
    start = time.monotonic()
    try:
        proc = zygote.spawn(spec.env, spec.cwd, (out_w, cfg_r, rep_w)) if zygote else None
        if proc is None:
            proc = _popen(spec, out_w, cfg_r, rep_w)
    except OSError as exc:
        for fd in (out_r, cfg_w, rep_r):
            os.close(fd)
        run.spawn_error = f"cannot start worker: {exc}"
        return run
    finally:
        for fd in (out_w, cfg_r, rep_w):
            os.close(fd)
        if on_launch is not None:
            on_launch()
    out = _CappedBuffer(spec.output_bytes)
    try:
        _watch(proc, spec.timeout_s, start, payload, cfg_w, out_r, rep_r, out, run)
    finally:
        kill_group(proc.pid)
        os.close(out_r)
        os.close(rep_r)
        proc.wait()
    run.returncode = proc.returncode
    run.duration_s = round(time.monotonic() - start, 3)
    run.log = out.data.decode("utf-8", "replace")
    run.log_truncated_bytes = out.dropped
    if proc.returncode == -signal.SIGKILL and not run.timed_out:
        run.oom_killed = True
    return run


def _watch(
    proc: Any,
    timeout_s: float,
    start: float,
    payload: bytes,
    cfg_w: int,
    out_fd: int,
    rep_r: int,
    out: _CappedBuffer,
    run: WorkerRun,
) -> None:
    os.set_blocking(cfg_w, False)
    sel = selectors.DefaultSelector()
    sel.register(out_fd, selectors.EVENT_READ, "out")
    sel.register(rep_r, selectors.EVENT_READ, "rep")
    sel.register(cfg_w, selectors.EVENT_WRITE, "cfg")
    pending = memoryview(payload)
    deadline = start + timeout_s
    exited_at: float | None = None
    try:
        while sel.get_map():
            now = time.monotonic()
            if exited_at is None and proc.poll() is not None:
                exited_at = now
                kill_group(proc.pid)  # leftovers in its group must not hold the pipes
            if exited_at is not None and now - exited_at > EXIT_GRACE_S:
                break
            if not run.timed_out and now >= deadline:
                run.timed_out = True
                kill_group(proc.pid)
            for key, _ in sel.select(timeout=0.05):
                if key.data == "cfg":
                    try:
                        n = os.write(cfg_w, pending[:65536])
                    except (BrokenPipeError, BlockingIOError) as exc:
                        n = len(pending) if isinstance(exc, BrokenPipeError) else 0
                    pending = pending[n:]
                    if not pending:
                        sel.unregister(cfg_w)
                        os.close(cfg_w)
                        cfg_w = -1
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fd)
                elif key.data == "out":
                    out.add(chunk)
                else:
                    run.reports.feed(chunk)
    finally:
        sel.close()
        if cfg_w >= 0:
            os.close(cfg_w)
    if exited_at is None and not run.timed_out:
        # Every pipe is closed but the worker lives on: the wall clock still applies.
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            run.timed_out = True
