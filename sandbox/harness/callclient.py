"""The driver's handle on one call server: start, call with a timeout, restart, capped log.

Every failure of the server is turned into an outcome of the call, never an exception of the
driver: a hung call is ``Raised('Timeout')``, a server that died or answered garbage is
``Raised('Crash', ...)``; either way the server is restarted for the next call.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import threading
import time
from typing import Any

from .codec import CodecError, Raised, decode
from .hardening import kill_group

READY_TIMEOUT_S = 20.0


class _Log:
    """Capped log shared by all incarnations of one side's server."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.dropped = 0
        self.lock = threading.Lock()

    def drain(self, fd: int) -> None:
        while chunk := os.read(fd, 65536):
            with self.lock:
                room = self.limit - len(self.data)
                self.data += chunk[: max(room, 0)]
                self.dropped += max(0, len(chunk) - max(room, 0))
        os.close(fd)

    def text(self) -> str:
        with self.lock:
            return self.data.decode("utf-8", "replace")


class CallClient:
    def __init__(
        self,
        side: str,
        config: dict[str, Any],
        env: dict[str, str],
        cwd: str,
        call_timeout_s: float,
        log_bytes: int,
    ) -> None:
        self.side = side
        self.config = config
        self.env = env
        self.cwd = cwd
        self.call_timeout_s = call_timeout_s
        self.log = _Log(log_bytes)
        self.proc: subprocess.Popen[bytes] | None = None
        self.ready: dict[str, Any] = {}
        self.restarts = 0
        self.hits: set[int] = set()  # watched (changed) lines some call executed
        self.state: Any = None  # the receiver after the last call (decoded), if any
        self._req = self._resp = -1
        self._buf = b""
        self._pending = False
        self._drains: list[threading.Thread] = []

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> dict[str, Any]:
        """Start the server; returns its ready message (see callserver.py).

        Each incarnation gets a fresh scratch (``<cwd>-<restarts>``: HOME, TMPDIR, its cwd),
        which the server creates itself after dropping to the side's uid."""
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        log_r, log_w = os.pipe()
        argv = [sys.executable, "-P", "-m", f"{__package__}.callserver", str(req_r), str(resp_w)]
        root = f"{self.cwd}-{self.restarts}"
        env = {**self.env, "HOME": root, "TMPDIR": root}
        env["HYPOTHESIS_STORAGE_DIRECTORY"] = os.path.join(root, ".hypothesis")
        config = {**self.config, "scratch": {"root": root, "cand_dir": None, "copy_from": None}}
        try:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log_w,
                stderr=log_w,
                pass_fds=(req_r, resp_w),
                start_new_session=True,
                env=env,
                cwd="/",
            )
        finally:
            for fd in (req_r, resp_w, log_w):
                os.close(fd)
        drain = threading.Thread(target=self.log.drain, args=(log_r,), daemon=True)
        drain.start()
        self._drains.append(drain)
        self._req, self._resp, self._buf, self._pending = req_w, resp_r, b"", False
        self._write(config)
        answer = self._read(time.monotonic() + READY_TIMEOUT_S)
        if isinstance(answer, Raised):
            self.ready = {
                "ready": False,
                "error": f"server failed to start: {answer.message}",
                "error_type": answer.type,
            }
        else:
            self.ready = answer
        return self.ready

    def stop(self) -> None:
        if self.proc is None:
            return
        kill_group(self.proc.pid)
        self.proc.wait()
        for fd in (self._req, self._resp):
            if fd >= 0:
                os.close(fd)
        self._req = self._resp = -1
        self.proc = None
        for drain in self._drains:
            drain.join(timeout=1.0)  # a daemonized grandchild may hold the log pipe open
        self._drains.clear()

    def restart(self) -> None:
        self.stop()
        self.restarts += 1
        self.start()

    # -- calls ---------------------------------------------------------------------------

    def send(self, request: dict[str, Any]) -> None:
        if self.proc is None or not self.ready.get("ready"):
            return
        self._pending = True
        self._write(request)

    def receive(self, deadline: float) -> Any:
        """The decoded outcome of the request sent last (a Raised for every failure); the
        receiver's state after that call, when the server sent one, is in ``state``."""
        self.state = None
        if not self.ready.get("ready"):
            etype = str(self.ready.get("error_type") or "ImportError")
            return Raised(etype, str(self.ready.get("error", ""))[:500])
        if not self._pending:
            return Raised("Crash", "server unavailable")
        self._pending = False
        answer = self._read(deadline)
        if isinstance(answer, Raised):
            self.restart()
            return answer
        self._record_hits(answer)
        try:
            value = decode(answer["value"])
            self.state = decode(answer["self"]) if "self" in answer else None
            return value
        except (KeyError, TypeError, CodecError) as exc:
            self.restart()
            return Raised("Crash", f"unreadable answer: {exc}")

    @property
    def watched(self) -> frozenset[int]:
        watch = self.config.get("watch") or {}
        return frozenset(int(n) for n in watch.get("lines", ()) if isinstance(n, int))

    def _record_hits(self, answer: Any) -> None:
        """Watched lines the call executed (the server's word: it shapes the search's reach,
        never a verdict)."""
        hit = answer.get("hit") if isinstance(answer, dict) else None
        if isinstance(hit, list):
            self.hits.update(n for n in hit if isinstance(n, int) and n in self.watched)

    def call(self, request: dict[str, Any]) -> Any:
        self.send(request)
        return self.receive(time.monotonic() + self.call_timeout_s)

    def _write(self, doc: dict[str, Any]) -> None:
        data = memoryview(json.dumps(doc).encode() + b"\n")
        try:
            while data:
                data = data[os.write(self._req, data) :]
        except BrokenPipeError:
            return  # the read side reports the dead server

    def _exit_status(self) -> str:
        if self.proc is None:
            return "not running"
        try:
            return f"exit status {self.proc.wait(timeout=1.0)}"
        except subprocess.TimeoutExpired:
            return "still running"

    def _read(self, deadline: float) -> Any:
        with selectors.DefaultSelector() as sel:
            sel.register(self._resp, selectors.EVENT_READ)
            while b"\n" not in self._buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    return Raised("Timeout", f"no answer within {self.call_timeout_s:g}s")
                if not sel.select(timeout=left):
                    continue
                chunk = os.read(self._resp, 65536)
                if not chunk:
                    return Raised("Crash", f"server closed its answers ({self._exit_status()})")
                self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        try:
            doc = json.loads(line)
        except ValueError as exc:
            return Raised("Crash", f"unreadable answer: {exc}")
        if not isinstance(doc, dict):
            return Raised("Crash", "unreadable answer: not an object")
        return doc
