"""Worker side of kind ``pytest``: run pytest in-process with a reporting plugin.

The plugin sends one ``test`` record per test (nodeid, outcome, short message), one
``collect_error`` record per collection failure, and ``session_finished`` at the very end. The
supervisor grades only from these records (see kinds/pytest_kind.py).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from .channel import ReportWriter

MESSAGE_CAP = 2000


def _cap(text: str, limit: int = MESSAGE_CAP) -> str:
    return text if len(text) <= limit else text[: limit - 15] + "… [truncated]"


def _short_message(report: Any) -> str:
    longrepr = getattr(report, "longrepr", None)
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None and getattr(crash, "message", ""):
        return _cap(str(crash.message))
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # skip: (path, line, reason)
        return _cap(str(longrepr[2]))
    return _cap(str(getattr(report, "longreprtext", "") or ""))


class Reporter:
    """pytest plugin: per-test records and the session-finished record."""

    def __init__(self, writer: ReportWriter) -> None:
        self._writer = writer
        self._current: dict[str, dict[str, str]] = {}

    def pytest_configure(self, config: Any) -> None:
        # Here rather than before pytest.main: importing hypothesis earlier makes pytest warn
        # that it cannot rewrite it. HYPOTHESIS_STORAGE_DIRECTORY (scratch) is the backstop.
        from hypothesis import settings

        settings.register_profile("dc_harness", database=None)
        settings.load_profile("dc_harness")

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self._writer.send(
                {
                    "type": "collect_error",
                    "nodeid": report.nodeid,
                    "message": _cap(str(report.longreprtext)),
                }
            )

    def pytest_runtest_logreport(self, report: Any) -> None:
        rec = self._current.setdefault(
            report.nodeid, {"nodeid": report.nodeid, "outcome": "", "message": ""}
        )
        xfail = hasattr(report, "wasxfail")
        if report.when == "setup":
            if report.failed:
                rec.update(outcome="error", message="setup: " + _short_message(report))
            elif report.skipped:
                rec.update(outcome="xfailed" if xfail else "skipped")
                rec["message"] = _short_message(report)
        elif report.when == "call":
            if report.passed:
                rec["outcome"] = "xpassed" if xfail else "passed"
            elif report.failed:
                rec.update(outcome="failed", message=_short_message(report))
            else:
                rec.update(outcome="xfailed" if xfail else "skipped")
                rec["message"] = _short_message(report)
        elif report.when == "teardown":
            if report.failed and rec["outcome"] in ("passed", ""):
                rec.update(outcome="error", message="teardown: " + _short_message(report))
            self._current.pop(report.nodeid, None)
            self._writer.send({"type": "test", **rec})

    def pytest_sessionfinish(self, session: Any, exitstatus: Any) -> None:
        self._writer.send(
            {
                "type": "session_finished",
                "exitstatus": int(exitstatus),
                "collected": int(getattr(session, "testscollected", 0)),
            }
        )


def run(config: dict[str, Any], writer: ReportWriter) -> int:
    sys_path = [str(p) for p in config["sys_path"]]
    # Subprocesses started by tests find the side's tree too (the worker itself did not start
    # with it on PYTHONPATH, so nothing from the PR shadowed the harness at startup).
    os.environ["PYTHONPATH"] = os.pathsep.join(sys_path)
    import pytest

    sys.path[0:0] = sys_path
    args: list[str] = [str(a) for a in config["args"]]
    return int(pytest.main(args, plugins=[Reporter(writer)]))
