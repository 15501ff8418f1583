"""The sandbox self-test: one trivial job through the configured Runner, run at start.

A web process or worker that cannot run a sandbox would accept deliveries and then fail every
check. So at start the App builds its runner the way the tasks do, runs one tiny pytest
candidate against a one-file tree (written under the data directory: with sibling containers
that path is one the engine sees as well), and calls the sandbox usable only when that test
passed. Everything goes through the ``Runner`` port: this module never talks to Docker.

``SelfTest`` holds the verdict for ``bot.app.web``: ``pending`` until the first attempt ends,
then ``ok`` or ``failed`` with a one-line reason; ``start()`` runs attempts in a background
thread, retrying a failure every ``retry_s`` seconds until one passes (an engine that comes up
late is picked up without a restart).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sandbox.results import Status
from sandbox.runner import NoBackend, Runner
from sandbox.spec import Limits, SandboxSpec
from sandbox.workspace import Candidate, Workspace

__all__ = ["SELFTEST_LIMITS", "SelfTest", "Verdict", "run_selftest"]

log = logging.getLogger("deepcheck.selftest")

PREFIX = "sandbox self-test failed: "
SELFTEST_LIMITS = Limits(candidate_timeout_s=30.0, wall_timeout_s=120.0)
_MODULE = "def answer():\n    return 42\n"
_TEST = (
    "from selftest_module import answer\n\n\n"
    "def test_the_sandbox_runs_a_test():\n"
    "    assert answer() == 42\n"
)

State = Literal["pending", "ok", "failed"]


@dataclass(frozen=True)
class Verdict:
    state: State
    reason: str = ""  # one line; "" when ok

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 300 else line[:297] + "..."


def _close(runner: Runner) -> None:
    close = getattr(runner, "close", None)
    if callable(close):
        with contextlib.suppress(Exception):
            close()


def run_selftest(make_runner: Callable[[], Runner], work_dir: Path) -> Verdict:
    """Build a runner with ``make_runner`` and run one tiny pytest candidate through it.

    ``ok`` only when the candidate's test passed; else ``failed`` with the reason, which starts
    with ``sandbox self-test failed: ``. Never raises for a sandbox problem."""
    try:
        runner = make_runner()
    except NoBackend as exc:
        return Verdict("failed", PREFIX + _one_line(str(exc)))
    except Exception as exc:  # a broken backend must not kill the process: it is the verdict
        return Verdict("failed", PREFIX + _one_line(f"{type(exc).__name__}: {exc}"))
    try:
        return _run(runner, work_dir)
    except Exception as exc:
        return Verdict("failed", PREFIX + _one_line(f"{type(exc).__name__}: {exc}"))
    finally:
        _close(runner)


def _run(runner: Runner, work_dir: Path) -> Verdict:
    reason = runner.unavailable_reason()
    if reason:
        return Verdict("failed", PREFIX + _one_line(f"{runner.name} sandbox unavailable: {reason}"))
    work_dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="selftest-", dir=work_dir))
    try:
        head = root / "head"
        head.mkdir()
        (head / "selftest_module.py").write_text(_MODULE, encoding="utf-8")
        for path in (root, head):
            path.chmod(0o755)  # the sandbox user reads the tree
        (head / "selftest_module.py").chmod(0o644)
        candidate = Candidate(
            id="selftest", kind="pytest", files={"test_selftest.py": _TEST}, sides=("head",)
        )
        result = runner.run(
            Workspace(head=head, candidates=(candidate,)),
            SandboxSpec(limits=SELFTEST_LIMITS, parallelism=1),
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if result.infrastructure_error:
        return Verdict("failed", PREFIX + _one_line(result.infrastructure_error))
    found = result.candidates.get("selftest")
    outcome = found.sides.get("head") if found is not None else None
    if outcome is None:
        return Verdict("failed", PREFIX + f"the {runner.name} sandbox returned no result")
    if outcome.status != Status.PASSED:
        detail = _one_line(outcome.detail or outcome.log)
        return Verdict(
            "failed",
            PREFIX + f"the test ended {outcome.status.value}" + (f": {detail}" if detail else ""),
        )
    return Verdict("ok")


class SelfTest:
    """The verdict of the self-test for a web process (thread-safe)."""

    def __init__(
        self, make_runner: Callable[[], Runner], work_dir: Path, *, retry_s: float = 30.0
    ) -> None:
        self._make_runner = make_runner
        self._work_dir = work_dir
        self._retry_s = retry_s
        self._lock = threading.Lock()
        self._verdict = Verdict("pending", "sandbox self-test has not finished yet")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def verdict(self) -> Verdict:
        with self._lock:
            return self._verdict

    def run_once(self) -> Verdict:
        """Run one attempt now and record its verdict."""
        verdict = run_selftest(self._make_runner, self._work_dir)
        with self._lock:
            self._verdict = verdict
        if verdict.ok:
            log.info("sandbox self-test passed")
        else:
            log.error("%s", verdict.reason)
        return verdict

    def start(self) -> None:
        """Attempt in a background thread until one passes (or ``stop``)."""
        if self._thread is not None:
            return

        def loop() -> None:
            while not self._stop.is_set():
                if self.run_once().ok:
                    return
                self._stop.wait(self._retry_s)

        self._thread = threading.Thread(target=loop, name="deepcheck-selftest", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
