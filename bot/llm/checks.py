"""One proposed check as a sandbox candidate, and what its run on base and head says.

``check_candidate`` wraps the model's pytest test with a trusted ``conftest.py`` tracer (which
changed lines ran; the target's last call and result per test) and a report test that carries
those findings back in its skip message. ``classify`` turns the harness's pass/fail on both
sides into a ``CheckOutcome`` (the table in ``bot.llm.propose``); ``witness_of`` reads the
call and the base/head values of a verified check.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from bot.models import ChangedFunction
from sandbox.results import CandidateResult, Outcome, Status
from sandbox.workspace import Candidate

__all__ = ["TEST_FILE", "CheckOutcome", "check_candidate", "classify", "witness_of"]

CheckOutcome = Literal["verified", "refuted", "off-target", "preexisting", "broken", "error"]

TEST_FILE = "test_llm_check.py"
_REPORT_FILE = "test_zz_deepcheck_report.py"
_REPORT_TAG = "deepcheck-report:"


def _report_config(fn: ChangedFunction) -> dict[str, Any]:
    lines = list(fn.changed_lines) or list(range(fn.start_line, fn.end_line + 1))
    return {
        "files": sorted({"/" + fn.path, "/" + (fn.base_path or fn.path)}),
        "name": fn.function.rsplit(".", 1)[-1],
        "qualname": fn.function,
        "lines": lines,
    }


# Trusted text: traces the target function in the candidate's own tests. Its findings (lines
# run, last call and result per test) ride back in the skip message of the report test.
_CONFTEST = '''"""deepcheck: which changed lines ran, and the target's last call per test."""
import sys
import threading
import types

import pytest

_CFG = __CFG__
_state = types.ModuleType("_deepcheck_trace")
_state.hit = set()
_state.last = {}
_state.current = None
_state.pending = {}
sys.modules["_deepcheck_trace"] = _state
_LINES = set(_CFG["lines"])


def _short(value):
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001
        text = "<unrepresentable %s>" % type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _local(frame, event, arg):
    if event == "line":
        if frame.f_lineno in _LINES:
            _state.hit.add(frame.f_lineno)
        _state.pending.pop(id(frame), None)
    elif event == "exception" and frame.f_code.co_name == _CFG["name"]:
        _state.pending[id(frame)] = arg[1]
    elif event == "return" and frame.f_code.co_name == _CFG["name"]:
        record = _state.calls.pop(id(frame), None)
        raised = _state.pending.pop(id(frame), None)
        if record is not None and _state.current is not None:
            if raised is not None:
                record["result"] = "raises " + _short(raised)
            else:
                record["result"] = _short(arg)
            _state.last[_state.current] = record
    return _local


_state.calls = {}


def _global(frame, event, arg):
    code = frame.f_code
    if not any(code.co_filename.endswith(f) for f in _CFG["files"]):
        return None
    if code.co_name == _CFG["name"]:
        names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        args = ", ".join(
            "%s=%s" % (n, _short(frame.f_locals.get(n))) for n in names if n not in ("self", "cls")
        )
        _state.calls[id(frame)] = {"call": "%s(%s)" % (_CFG["qualname"], args)}
    return _local


@pytest.fixture(autouse=True)
def _deepcheck_current_test(request):
    _state.current = request.node.name
    sys.settrace(_global)
    threading.settrace(_global)
    yield
    sys.settrace(None)
    threading.settrace(None)
    _state.current = None
'''

_REPORT_TEST = """import json

import _deepcheck_trace as state
import pytest


def test_zz_deepcheck_report():
    data = {"hit": sorted(state.hit), "last": state.last}
    pytest.skip("__TAG__" + json.dumps(data, sort_keys=True)[:1900])
"""


def check_candidate(
    cand_id: str, fn: ChangedFunction, test_source: str, *, timeout_s: float = 60.0
) -> Candidate:
    """A pytest candidate: the proposed test plus the trusted tracer and its report test."""
    conftest = _CONFTEST.replace("__CFG__", repr(_report_config(fn)))
    return Candidate(
        id=cand_id,
        kind="pytest",
        files={
            "conftest.py": conftest,
            TEST_FILE: test_source,
            _REPORT_FILE: _REPORT_TEST.replace("__TAG__", _REPORT_TAG),
        },
        timeout_s=timeout_s,
    )


def _report(outcome: Outcome | None) -> dict[str, Any]:
    if outcome is None:
        return {}
    for rec in outcome.tests:
        message = str(rec.get("message", ""))
        if str(rec.get("nodeid", "")).startswith(_REPORT_FILE) and _REPORT_TAG in message:
            try:
                data = json.loads(message.split(_REPORT_TAG, 1)[1])
            except ValueError:
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def _own_tests(outcome: Outcome) -> list[dict[str, Any]]:
    return [t for t in outcome.tests if str(t.get("nodeid", "")).startswith(TEST_FILE)]


def classify(result: CandidateResult | None) -> tuple[CheckOutcome, str]:
    """What execution says about one proposed test (outcome, detail)."""
    if result is None:
        return "error", "no result from the sandbox"
    base, head = result.sides.get("base"), result.sides.get("head")
    if base is None or head is None:
        return "error", "the test did not run on both sides"
    bad = (Status.INFRASTRUCTURE, Status.TIMEOUT, Status.RESOURCE)
    for side, outcome in (("base", base), ("head", head)):
        if outcome.status in bad:
            return "error", f"{side}: {outcome.status.value}: {outcome.detail}"
    for side, outcome in (("head", head), ("base", base)):
        if outcome.status is Status.ERROR:
            return "broken", f"{side}: {outcome.detail}"
    if head.status is Status.PASSED:
        hit = _report(head).get("hit")
        if isinstance(hit, list) and not hit:
            return "off-target", "passed on head without running a changed line"
        return "refuted", "passes on head"
    if base.status is Status.PASSED:
        return "verified", head.detail
    return "preexisting", "fails on base and on head"


def witness_of(result: CandidateResult, fn: ChangedFunction) -> dict[str, Any]:
    """Call, base and head values of the failing test (the tracer's), else test outcomes."""
    head, base = result.sides["head"], result.sides["base"]
    failed = next((t for t in _own_tests(head) if t.get("outcome") == "failed"), None)
    nodeid = str(failed.get("nodeid", "")) if failed else TEST_FILE
    message = str(failed.get("message", "")) if failed else head.detail
    name = nodeid.split("::", 1)[-1]
    head_call = _report(head).get("last", {}).get(name)
    base_call = _report(base).get("last", {}).get(name)
    if isinstance(head_call, dict) and isinstance(base_call, dict) and "result" in head_call:
        return {
            "call": str(head_call.get("call", nodeid)),
            "base": str(base_call.get("result", "")),
            "head": str(head_call.get("result", "")),
            "test_id": nodeid,
            "failure": message[:500],
        }
    return {
        "call": nodeid,
        "base": "passed",
        "head": f"failed: {message}"[:500],
        "test_id": nodeid,
        "failure": message[:500],
    }
