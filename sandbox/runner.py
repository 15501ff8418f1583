"""The Runner port and backend selection (``auto`` | ``docker`` | ``process``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sandbox.results import RunResult
from sandbox.spec import SandboxSpec
from sandbox.workspace import Workspace

Progress = Callable[[str], None]


class Runner(Protocol):
    name: str
    # One line a user reads: how strongly this backend isolates untrusted code.
    isolation: str

    def unavailable_reason(self) -> str | None:
        """None when this backend can run now, else why not (one line)."""
        ...

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult: ...


class NoBackend(RuntimeError):
    """No sandbox backend can run here (the message says why, in one line)."""
