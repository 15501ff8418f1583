"""Backend selection: ``auto`` | ``docker`` | ``process``.

``auto`` takes Docker when an engine answers and the sandbox image exists; otherwise the process
backend, with a warning that says plainly it isolates less — and only where ``allow_process``
(the CLI on a developer machine). The GitHub App passes ``allow_process=False`` unless its
settings allow it, so it never runs untrusted code outside Docker by accident.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Literal

from sandbox.runner import NoBackend, Runner

Mode = Literal["auto", "docker", "process"]
MODES: tuple[Mode, ...] = ("auto", "docker", "process")
log = logging.getLogger("deepcheck.sandbox")


def _docker() -> Runner:
    from sandbox.docker_runner import DockerRunner

    return DockerRunner()


def _process() -> Runner:
    from sandbox.process_runner import ProcessRunner

    return ProcessRunner()


DEFAULT_BACKENDS: Mapping[str, Callable[[], Runner]] = {"docker": _docker, "process": _process}


def _close(runner: Runner) -> None:
    close = getattr(runner, "close", None)
    if callable(close):
        close()


def select_runner(
    mode: str,
    *,
    allow_process: bool,
    backends: Mapping[str, Callable[[], Runner]] = DEFAULT_BACKENDS,
    warn: Callable[[str], None] = log.warning,
) -> Runner:
    """The runner for ``mode``; raises NoBackend (one line) when none can run here."""
    if mode not in MODES:
        raise NoBackend(f"unknown sandbox mode {mode!r} (choose auto, docker or process)")
    if mode == "process" and not allow_process:
        raise NoBackend(
            "the process backend is refused here (it isolates less than Docker); "
            "allow it explicitly in the settings, or use --sandbox docker"
        )
    docker_reason = None
    if mode in ("auto", "docker"):
        docker = backends["docker"]()
        docker_reason = docker.unavailable_reason()
        if docker_reason is None:
            return docker
        _close(docker)
        if mode == "docker":
            raise NoBackend(f"docker sandbox unavailable: {docker_reason}")
        if not allow_process:
            raise NoBackend(
                f"docker sandbox unavailable ({docker_reason}) and the process backend is "
                "not allowed here"
            )
    process = backends["process"]()
    reason = process.unavailable_reason()
    if reason is not None:
        prefix = f"docker sandbox unavailable ({docker_reason}); " if docker_reason else ""
        raise NoBackend(f"{prefix}process sandbox unavailable: {reason}")
    if docker_reason is not None:
        warn(
            f"Docker unavailable ({docker_reason}); using the process backend, which isolates "
            f"less: {process.isolation}"
        )
    return process
