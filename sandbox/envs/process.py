"""The process backend, run in a dependency environment's interpreter.

The engine hands a sandbox start its environment as ``SandboxSpec.image`` (for Docker, an image
tag). :class:`EnvironmentRunner` wraps the process backend: a spec whose ``image`` is a cached
virtualenv's python runs in a :class:`~sandbox.process_runner.ProcessRunner` on that
interpreter (same isolation, same limits); any other spec runs in the default one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sandbox.process_runner import ProcessRunner
from sandbox.results import RunResult
from sandbox.spec import SandboxSpec
from sandbox.workspace import Workspace

__all__ = ["EnvironmentRunner"]


class EnvironmentRunner:
    name = "process"

    def __init__(self, default: ProcessRunner) -> None:
        self._default = default
        self._use_bwrap = default.uses_bwrap  # the same isolation as the default
        self._runners: dict[str, ProcessRunner] = {}
        self.isolation = default.isolation

    def unavailable_reason(self) -> str | None:
        return self._default.unavailable_reason()

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        python = spec.image
        if python is None or not Path(python).is_absolute():
            return self._default.run(workspace, spec)
        runner = self._runners.get(python)
        if runner is None:
            runner = ProcessRunner(use_bwrap=self._use_bwrap, python=python)
            self._runners[python] = runner
        return runner.run(workspace, replace(spec, image=None))
