"""The analysis child: ``python -m bot.app.worker.analysis_child <memory-bytes> <cpu-s>``.

Started by :func:`bot.app.worker.isolation.check_isolated` (see there). It limits itself first,
then reads one job from stdin, runs :func:`bot.engine.pipeline.check` with the parent's runner,
image picker and model sampler behind the pipe, and answers once.
"""

from __future__ import annotations

import functools
import importlib
import os
import pickle
import resource
import sys
import threading
from typing import Any

from bot.app.worker.isolation import EXIT_OUT_OF_MEMORY, receive, send
from bot.engine.pipeline import Deps, check
from bot.engine.scan import scan
from bot.llm.client import LLMSession, Prompt, Sample
from bot.llm.plugins import engine_parts
from bot.models import Report
from sandbox.results import RunResult
from sandbox.spec import SandboxSpec
from sandbox.workspace import Workspace

# Calls whose arguments the parent's object fills in (Ledger.fill adds to a Spent).
_FILLS = frozenset({("ledger", "fill")})


def limit_self(memory_bytes: int, cpu_s: int) -> None:
    for res in (resource.RLIMIT_AS, resource.RLIMIT_DATA):
        resource.setrlimit(res, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Channel:
    """Calls on the parent's objects, one at a time."""

    def __init__(self, rfd: int, wfd: int) -> None:
        self.rfd, self.wfd = rfd, wfd
        self._lock = threading.Lock()

    def call(self, target: str, method: str | None, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            send(self.wfd, ("call", target, method, args, kwargs))
            status, value, filled = receive(self.rfd)
        if (target, method) in _FILLS:
            for mine, theirs in zip(args, filled, strict=True):
                if hasattr(mine, "__dict__") and type(mine) is type(theirs):
                    mine.__dict__.update(theirs.__dict__)
        if status == "error":
            raise value
        return value


class Remote:
    """Any method call on it is a call on the parent's object of that name."""

    def __init__(self, channel: Channel, target: str) -> None:
        self._channel, self._target = channel, target

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return functools.partial(self._channel.call, self._target, name)


class RemoteRunner:
    def __init__(self, channel: Channel, name: str, isolation: str) -> None:
        self._channel, self.name, self.isolation = channel, name, isolation

    def unavailable_reason(self) -> str | None:
        reason: str | None = self._channel.call("runner", "unavailable_reason")
        return reason

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        result: RunResult = self._channel.call("runner", "run", workspace, spec)
        return result


class RemoteSampler:
    def __init__(self, channel: Channel) -> None:
        self._channel = channel
        self.ledger: Any = Remote(channel, "ledger")

    def sample(self, prompts: Any) -> list[Sample]:
        batch: list[Prompt] = list(prompts)
        samples: list[Sample] = self._channel.call("sampler", "sample", batch)
        return samples


def analyse(job: dict[str, Any], channel: Channel) -> Report:
    session = None
    if job["llm"] is not None:
        session = LLMSession(settings=job["llm"], sampler=RemoteSampler(channel))
    parts = engine_parts(session, job["generators"])
    image_for = None
    if job["image_for"]:
        image_for = functools.partial(channel.call, "image_for", None)
    deps = Deps(
        runner=RemoteRunner(channel, *job["runner"]), rules=job["rules"],
        cache_dir=job["cache_dir"], progress=functools.partial(channel.call, "progress", None),
        image_for=image_for, generators=parts.generators, judge=parts.judge, meter=parts.meter,
        limits=job["tree_limits"],
    )  # fmt: skip
    if job.get("scan") is not None:  # the nightly scan of one tree
        return scan(job["scan"], deps)
    return check(job["request"], deps)


def _raised(exc: BaseException) -> tuple[str, BaseException | None, str]:
    text = f"{type(exc).__name__}: {exc}"[:2000]
    try:
        pickle.dumps(exc)
    except Exception:
        return ("raise", None, text)
    return ("raise", exc, text)


def main(argv: list[str]) -> int:
    memory_bytes, cpu_s = int(argv[0]), int(argv[1])
    limit_self(memory_bytes, cpu_s)
    rfd, wfd = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # a stray print goes to stderr, never into the channel
    channel = Channel(rfd, wfd)
    try:
        _, job = receive(rfd)
        if job["prelude"]:
            module, _, name = str(job["prelude"]).partition(":")
            getattr(importlib.import_module(module), name)()
        answer: tuple[Any, ...] = ("done", analyse(job, channel))
    except MemoryError:
        answer = ("memory",)
    except BaseException as exc:  # everything reaches the parent as an answer
        answer = _raised(exc)
    try:
        send(wfd, answer)
    except MemoryError:
        os._exit(EXIT_OUT_OF_MEMORY)
    except BrokenPipeError:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
