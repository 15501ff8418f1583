"""The host-side analysis of one job in a child process, so a PR cannot take the worker down.

``check_isolated`` runs :func:`bot.engine.pipeline.check` (diff parsing, AST work, candidate
generation, verdicts, report building) in ``python -m bot.app.worker.analysis_child``:

- the child sets ``RLIMIT_AS`` / ``RLIMIT_DATA`` (``memory_bytes``) and ``RLIMIT_CPU`` on
  itself before it reads a byte of the job; the parent kills it at the wall ``timeout_s``;
- it starts with a minimal environment (``PATH``, ``HOME``, ``LANG``, ``TMPDIR``,
  ``PYTHONPATH``): no ``DEEPCHECK_*`` variable, no App key, no GitHub or model token;
- what needs a secret or the machine stays in this process and is called over the pipe: the
  sandbox runner (``runner.run``), the image picker (``image_for``), the model sampler and its
  ledger (the child gets the LLM settings with the API key blanked), progress messages. The
  repository cache was fetched before; the child reads git objects only;
- messages are length-prefixed pickles on the child's stdin/stdout (the child moves its own
  stdout aside first, so a stray print cannot corrupt the channel). Both ends are our code;
  the child never runs PR code (that is the sandbox's job).

A child that dies — ``MemoryError`` under the limit, SIGKILL, the CPU limit, the wall timeout,
a crash — becomes :class:`AnalysisFailed` (an ``InfrastructureError``: the job's check run
ends ``neutral`` with the reason, e.g. "analysis ran out of memory (limit 2 GiB)"); the
worker process is untouched and serves the next job. An error the analysis raises on purpose
(``RepositoryError`` for a tree over its cap, say) is re-raised here as itself.
"""

from __future__ import annotations

import os
import pickle
import selectors
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from bot.app.settings import Settings
from bot.engine.pipeline import CheckRequest, Deps
from bot.engine.scan import ScanRequest
from bot.errors import DeepcheckError, InfrastructureError
from bot.llm.client import LLMSession
from bot.models import Report

__all__ = ["AnalysisFailed", "AnalysisLimits", "check_isolated", "gib", "limits_from"]

CHILD_MODULE = "bot.app.worker.analysis_child"
EXIT_OUT_OF_MEMORY = 3  # the child caught MemoryError and could not even report it
_HEADER = struct.Struct("!Q")
# Tests only: "module:function" the child calls before the analysis (e.g. to allocate).
TEST_PRELUDE: str | None = None
# Environment variables the child may see (values from this process); nothing else.
CHILD_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


@dataclass(frozen=True)
class AnalysisLimits:
    memory_bytes: int = 2 << 30
    cpu_s: int = 1800
    timeout_s: float = 3600.0


def limits_from(settings: Settings) -> AnalysisLimits:
    """``DEEPCHECK_ANALYSIS_MEMORY_BYTES``, ``…_CPU_S``, ``…_TIMEOUT_S``."""
    return AnalysisLimits(
        memory_bytes=settings.analysis_memory_bytes,
        cpu_s=settings.analysis_cpu_s,
        timeout_s=settings.analysis_timeout_s,
    )


class AnalysisFailed(InfrastructureError):
    """The analysis child died (out of memory, killed, timed out); the worker lives on."""


def gib(n: int) -> str:
    """``2 GiB``, ``512 MiB``: a byte count for a message."""
    if n >= 1 << 30 and n % (1 << 28) == 0:
        return f"{n / (1 << 30):g} GiB"
    return f"{n / (1 << 20):.0f} MiB"


# -- framing -------------------------------------------------------------------------------


def send(fd: int, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes | None:
    buf = bytearray()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while len(buf) < n:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                if not sel.select(timeout=left):
                    continue
            chunk = os.read(fd, min(n - len(buf), 1 << 20))
            if not chunk:
                return None
            buf += chunk
    return bytes(buf)


def receive(fd: int, deadline: float | None = None) -> Any:
    """The next message, or ``EOFError`` when the other end closed; ``TimeoutError``."""
    head = _read_exact(fd, _HEADER.size, deadline)
    if head is None:
        raise EOFError
    body = _read_exact(fd, _HEADER.unpack(head)[0], deadline)
    if body is None:
        raise EOFError
    return pickle.loads(body)


# -- the parent ----------------------------------------------------------------------------


def _child_env() -> dict[str, str]:
    env = {k: os.environ[k] for k in CHILD_ENV if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.setdefault("LANG", "C.UTF-8")
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _targets(deps: Deps, llm: LLMSession | None) -> dict[str, Any]:
    found: dict[str, Any] = {"runner": deps.runner, "progress": deps.progress}
    if deps.image_for is not None:
        found["image_for"] = deps.image_for
    if llm is not None:
        found["sampler"] = llm.sampler
        found["ledger"] = llm.ledger
    return found


def _job(request: CheckRequest, deps: Deps, llm: LLMSession | None, generators: list[str] | None,
         limits: AnalysisLimits) -> dict[str, Any]:  # fmt: skip
    return {
        "request": request,
        "rules": deps.rules,
        "cache_dir": deps.cache_dir,
        "tree_limits": deps.limits,
        "runner": (deps.runner.name, getattr(deps.runner, "isolation", "")),
        "image_for": deps.image_for is not None,
        "generators": generators,
        # The model's settings without the key: the child asks this process to sample.
        "llm": None if llm is None else replace(llm.settings, api_key=""),
        "prelude": TEST_PRELUDE,
    }


def check_isolated(
    request: CheckRequest,
    deps: Deps,
    *,
    llm: LLMSession | None = None,
    generators: list[str] | None = None,
    limits: AnalysisLimits | None = None,
) -> Report:
    """``check(request, deps)`` in a memory-limited child (see the module docstring).

    ``deps.generators``, ``judge`` and ``meter`` are rebuilt in the child from ``generators``
    (names; None: all) and ``llm`` (whose sampler and ledger stay here)."""
    limits = limits or AnalysisLimits()
    return _isolated(_job(request, deps, llm, generators, limits), _targets(deps, llm), limits)


def scan_isolated(
    request: ScanRequest, deps: Deps, *, limits: AnalysisLimits | None = None
) -> Report:
    """``scan(request, deps)`` (the nightly scan) in the same kind of memory-limited child."""
    limits = limits or AnalysisLimits()
    job = _job(CheckRequest(request.repo, "", ""), deps, None, None, limits)
    job["scan"] = request
    return _isolated(job, _targets(deps, None), limits)


def _isolated(job: dict[str, Any], targets: dict[str, Any], limits: AnalysisLimits) -> Report:
    started = time.monotonic()
    deadline = started + limits.timeout_s
    proc = subprocess.Popen(
        [sys.executable, "-m", CHILD_MODULE, str(limits.memory_bytes), str(limits.cpu_s)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=_child_env(),
        close_fds=True,
        start_new_session=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    to_child, from_child = proc.stdin.fileno(), proc.stdout.fileno()
    try:
        send(to_child, ("job", job))
        while True:
            try:
                msg = receive(from_child, deadline)
            except EOFError:
                raise _died(proc, limits) from None
            except TimeoutError:
                _kill(proc)
                raise AnalysisFailed(
                    f"analysis did not finish within {limits.timeout_s:g} s and was stopped"
                ) from None
            kind = msg[0]
            if kind == "done":
                report: Report = msg[1]
                return report
            if kind == "raise":
                raise _rebuilt(msg[1], msg[2])
            if kind == "memory":
                raise _out_of_memory(limits)
            send(to_child, _serve(targets, msg))
    except BrokenPipeError:
        raise _died(proc, limits) from None
    finally:
        _kill(proc)
        for stream in (proc.stdin, proc.stdout):
            stream.close()
        proc.wait()


def _serve(targets: dict[str, Any], msg: tuple[Any, ...]) -> tuple[Any, ...]:
    """One call of the child on an object of this process: ("call", target, method, args)."""
    _, target, method, args, kwargs = msg
    obj = targets[target]
    fn: Callable[..., Any] = obj if method is None else getattr(obj, method)
    try:
        result = fn(*args, **kwargs)
    except DeepcheckError as exc:
        return ("error", exc, args)
    return ("ok", result, args)  # args: a method like Ledger.fill fills them in place


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()


def _out_of_memory(limits: AnalysisLimits) -> AnalysisFailed:
    return AnalysisFailed(f"analysis ran out of memory (limit {gib(limits.memory_bytes)})")


def _died(proc: subprocess.Popen[bytes], limits: AnalysisLimits) -> AnalysisFailed:
    try:
        rc = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        _kill(proc)
        rc = proc.wait()
    if rc == EXIT_OUT_OF_MEMORY:
        return _out_of_memory(limits)
    if rc == -signal.SIGXCPU:
        return AnalysisFailed(f"analysis used more than {limits.cpu_s} s of CPU and was stopped")
    if rc == -signal.SIGKILL:
        return AnalysisFailed(
            f"analysis was killed (SIGKILL: out of memory on this machine?, limit "
            f"{gib(limits.memory_bytes)})"
        )
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = f"signal {-rc}"
        return AnalysisFailed(f"analysis crashed ({name})")
    return AnalysisFailed(f"analysis ended without an answer (exit code {rc})")


def _rebuilt(exc: BaseException | None, text: str) -> Exception:
    """The child's exception: our own errors as themselves, anything else as an internal one."""
    if isinstance(exc, DeepcheckError):
        return exc
    return RuntimeError(text)
