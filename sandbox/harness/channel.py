"""The worker → supervisor report channel: token-stamped JSON lines on a dedicated pipe.

The supervisor creates two pipes per worker: a *config* pipe (supervisor → worker, read once at
start, carries the job for that worker and the token) and a *report* pipe (worker → supervisor).
Workers never use stdout for anything the supervisor interprets.
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

MAX_RECORD_BYTES = 1_000_000
MAX_REPORT_BYTES = 8_000_000


def new_token() -> str:
    return secrets.token_hex(16)


class ReportWriter:
    """Worker side: writes records stamped with the token."""

    def __init__(self, fd: int, token: str) -> None:
        self._fd = fd
        self._token = token

    def disown(self) -> None:
        """In a process forked by the code under test: report nothing, hold no pipe."""
        if self._fd >= 0:
            os.close(self._fd)
        self._fd = -1

    def send(self, record: dict[str, Any]) -> None:
        if self._fd < 0:
            return
        line = json.dumps({**record, "token": self._token}, default=str).encode() + b"\n"
        view = memoryview(line)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]


class ReportReader:
    """Supervisor side: accumulates bytes, yields records with the right token."""

    def __init__(self, token: str) -> None:
        self._token = token
        self._buf = bytearray()
        self._total = 0
        self.records: list[dict[str, Any]] = []
        self.dropped = 0

    def feed(self, data: bytes) -> None:
        self._total += len(data)
        if self._total > MAX_REPORT_BYTES:
            self.dropped += 1
            return
        self._buf += data
        while True:
            nl = self._buf.find(b"\n")
            if nl < 0:
                if len(self._buf) > MAX_RECORD_BYTES:
                    self._buf.clear()
                    self.dropped += 1
                return
            line = bytes(self._buf[:nl])
            del self._buf[: nl + 1]
            self._accept(line)

    def _accept(self, line: bytes) -> None:
        try:
            rec = json.loads(line)
        except ValueError:
            self.dropped += 1
            return
        if not isinstance(rec, dict) or not secrets.compare_digest(
            str(rec.pop("token", "")), self._token
        ):
            self.dropped += 1
            return
        self.records.append(rec)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r.get("type") == kind]

    def last(self, kind: str) -> dict[str, Any] | None:
        found = self.of_type(kind)
        return found[-1] if found else None


def read_config(fd: int) -> dict[str, Any]:
    """Worker side: read the whole config pipe, then close it."""
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    doc = json.loads(b"".join(chunks))
    if not isinstance(doc, dict):
        raise ValueError("worker config is not an object")
    return doc
