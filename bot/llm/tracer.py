"""The trusted tracer's text (a ``conftest.py``) and its report test, for ``bot.llm.checks``.

Text, not code run here: ``check_candidate`` fills in the configuration, the nonce'd fixture
name, the chunk size and the number of report parts, and the candidate carries both files into
the sandbox next to the proposed test.
"""

from __future__ import annotations

__all__ = ["CONFTEST", "REPORT_TEST"]

# Trusted text: traces the target function in the candidate's own tests. Its findings ride
# back in the skip message of the report test, which alone requests the nonce'd fixture.
CONFTEST = '''"""Trusted tracer: changed lines run and calls of the target, per test."""
import decimal as _decimal
import importlib as _importlib
import json as _json
import re as _re
import sys as _sys
import threading as _threading

import pytest as _pytest

_CFG = __CFG__
_LINES = frozenset(_CFG["lines"])
_ADDR = _re.compile(r" at 0x[0-9a-fA-F]+")
_tests = {}
_open = {}
_raised = {}
_now = [None]


def _shape(value):
    if isinstance(value, (dict, list, set, bytearray)):
        try:
            return repr(value)[:4000]
        except Exception:  # noqa: BLE001
            return None
    return None


def _context():
    c = _decimal.getcontext()
    traps = tuple(sorted(k.__name__ for k, v in c.traps.items() if v))
    return (c.prec, c.rounding, c.Emin, c.Emax, c.capitals, c.clamp, traps)


def _state():
    """What the target's module holds (bindings, small containers, its classes' attributes)
    and the decimal context: a test that changes any of it is not showing a behaviour."""
    out = {"decimal context": (None, _context())}
    mod = _sys.modules.get(_CFG["module"])
    if mod is None:
        return out
    for name, value in list(vars(mod).items()):
        if name.startswith("__"):
            continue
        out[name] = (id(value), _shape(value))
        if isinstance(value, type) and getattr(value, "__module__", None) == mod.__name__:
            for attr, item in list(vars(value).items()):
                if not attr.startswith("__"):
                    out[name + "." + attr] = (id(item), _shape(item))
    return out


try:  # before any test module runs (their top level could change the module's state)
    _importlib.import_module(_CFG["module"])
except Exception:  # noqa: BLE001
    pass
_BASELINE = _state() if _CFG["module"] in _sys.modules else None


def _changed():
    """The state that differs from the baseline (names; "module not imported": unknown)."""
    if _BASELINE is None:
        return "the module was not imported before the tests"
    now = _state()
    names = [k for k in sorted(set(_BASELINE) | set(now)) if _BASELINE.get(k) != now.get(k)]
    return ", ".join(names[:5])


def _short(value):
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001
        text = "<unrepresentable %s>" % type(exc).__name__
    text = _ADDR.sub("", text)
    return text if len(text) <= 120 else text[:117] + "..."


def _target(code):
    if code.co_name != _CFG["name"]:
        return False
    qual = getattr(code, "co_qualname", None)
    return qual is None or qual == _CFG["qualname"] or qual.endswith("." + _CFG["qualname"])


def _local(frame, event, arg):
    data = _tests.get(_now[0])
    if data is None:
        return None
    if event == "line":
        if frame.f_lineno in _LINES:
            data["hit"].add(frame.f_lineno)
        _raised.pop(id(frame), None)
    elif event == "exception" and _target(frame.f_code):
        _raised[id(frame)] = arg[1]
    elif event == "return" and _target(frame.f_code):
        call = _open.pop(id(frame), None)
        raised = _raised.pop(id(frame), None)
        if call is not None and len(data["calls"]) < _CFG["max_calls"]:
            result = "raises " + _short(raised) if raised is not None else _short(arg)
            data["calls"].append([call[0], result, call[1]])
    return _local


def _global(frame, event, arg):
    code = frame.f_code
    if not any(code.co_filename.endswith(f) for f in _CFG["files"]):
        return None
    if _target(code):
        names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        args = ", ".join(
            "%s=%s" % (n, _short(frame.f_locals.get(n))) for n in names if n not in ("self", "cls")
        )
        data = _tests.get(_now[0])
        changed = _changed() if data is not None and len(data["calls"]) < _CFG["max_calls"] else ""
        _open[id(frame)] = ("%s(%s)" % (_CFG["qualname"], args), changed)
    return _local


@_pytest.fixture(autouse=True)
def _dc_trace(request):
    own = request.node.nodeid.startswith(_CFG["own"])
    if own:
        key = request.node.nodeid.split("::", 1)[-1]
        _now[0] = key
        _tests[key] = {"hit": set(), "calls": []}
        _sys.settrace(_global)
        _threading.settrace(_global)
    yield
    if own:
        _sys.settrace(None)
        _threading.settrace(None)
        _now[0] = None


@_pytest.fixture
def __FIXTURE__():
    def dump(part):
        data = {k: {"hit": sorted(v["hit"]), "calls": v["calls"]} for k, v in _tests.items()}
        text = _json.dumps(data, sort_keys=True)
        chunk = __CHUNK__
        return "%d/%d:" % (part, -(-len(text) // chunk)) + text[part * chunk : (part + 1) * chunk]

    return dump
'''

REPORT_TEST = """import pytest


@pytest.mark.parametrize("part", range(__PARTS__))
def test_zz_report(__FIXTURE__, part):
    pytest.skip("__TAG__" + __FIXTURE__(part))
"""
