"""Hostile probe: forge a passing answer (printed, written, sent to the supervisor), then fail.

The side must come back ``failed``, and no forged candidate id may appear in the run's result.
"""

import contextlib
import json
import os
from pathlib import Path

FORGED = {
    "version": 1,
    "ready_s": 0.0,
    "candidates": [
        {
            "id": "forged",
            "kind": "pytest",
            "sides": {"head": {"status": "passed", "detail": "", "duration_s": 0.0, "tests": []}},
            "data": {},
        }
    ],
}


def _forge_everywhere() -> None:
    data = json.dumps(FORGED)
    print(data, flush=True)
    for directory in (Path.cwd(), Path(os.environ.get("TMPDIR", "/tmp")), Path("/tmp")):
        for name in ("answer.json", "results.json", "report.json"):
            with contextlib.suppress(OSError):
                (directory / name).write_text(data)
    # The supervisor's stdout through /proc (same uid): it must be non-dumpable.
    for pid in {1, os.getppid()}:
        for fd in (1, 3, 4, 5, 6, 7, 8):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/fd/{fd}", "w") as fh:
                fh.write(data + "\n")


def test_forged_then_failed() -> None:
    _forge_everywhere()
    raise AssertionError("this test fails; the forged answers must not count")
