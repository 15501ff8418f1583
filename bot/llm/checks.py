"""One proposed check as a sandbox candidate, and what its run on base and head says.

``check_candidate`` wraps the model's pytest test with a trusted ``conftest.py`` tracer and a
report test. The tracer records, per test, which changed lines ran and every call of the
changed function with its result (value or exception). Its channel is keyed by a secret
*nonce* per candidate (derived from the candidate id with a key that lives only in this
process): the state lives in the conftest module, never in ``sys.modules``; the report test
reaches it through a fixture whose name carries the nonce, and the report rides back in that
test's skip message behind a tag that carries the nonce, from a report file whose name carries
it too. A proposed test is refused before it runs when it could reach any of this
(``bot.llm.guard``), so it cannot know the names it would have to forge.

``classify`` turns both sides' runs into a ``CheckOutcome``. ``verified`` needs all of:

- the harness: the test passed on base and failed on head;
- the tracer (head, in the failing test): the changed function was called and a changed line ran;
- the tracer (both sides, same test): one call with the same arguments returned or raised
  differently on base than on head, made while the function's module (its bindings, small
  containers and its classes' attributes) and the decimal context were as they were before
  any test module ran (the conftest imports the module and snapshots it first): a test that
  tells the sides apart (a helper that vanished) and then changes a constant, replaces a
  helper or narrows the precision on one side is not showing the change's behaviour.

A test that fails on head without that (the function not called, or returning the same on both
sides) is ``unwitnessed``: never a finding. ``witness_of`` shows that differing call; the
generator takes it from a *second* run under a fresh nonce (``confirm_id``), never from the
run that first classified the test; and the pipeline's own confirmation run goes through this
tracer again (the generator is the engine's ``Confirmer``): the report shows the witness that
run re-derived.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any, Literal

from bot.llm.tracer import CONFTEST, REPORT_TEST
from bot.models import ChangedFunction
from sandbox.results import CandidateResult, Outcome, Status
from sandbox.workspace import Candidate

__all__ = [
    "TEST_FILE",
    "CheckOutcome",
    "check_candidate",
    "classify",
    "confirm_id",
    "observed_calls",
    "witness_of",
]

CheckOutcome = Literal[
    "verified",
    "refuted",
    "off-target",
    "unwitnessed",
    "preexisting",
    "broken",
    "refused",
    "error",
]

TEST_FILE = "test_llm_check.py"
_KEY = secrets.token_bytes(32)  # this process only: nonces cannot be derived from the ids
_MAX_CALLS = 24  # calls recorded per test
_PARTS, _CHUNK = 12, 1800  # the report's skip messages (the harness caps each at 2,000)


def _nonce(cand_id: str) -> str:
    return hmac.new(_KEY, cand_id.encode(), hashlib.sha256).hexdigest()[:20]


def _report_file(nonce: str) -> str:
    return f"test_zz_dc_{nonce}.py"


def _tag(nonce: str) -> str:
    return f"dc-report-{nonce}:"


def confirm_id(cand_id: str) -> str:
    """The id of the confirmation run of a candidate (a fresh nonce)."""
    return cand_id + "-confirm"


def _report_config(fn: ChangedFunction, module: str) -> dict[str, Any]:
    lines = list(fn.changed_lines) or list(range(fn.start_line, fn.end_line + 1))
    return {
        "module": module,
        "files": sorted({"/" + fn.path, "/" + (fn.base_path or fn.path)}),
        "name": fn.function.rsplit(".", 1)[-1],
        "qualname": fn.function,
        "lines": lines,
        "max_calls": _MAX_CALLS,
        "own": TEST_FILE,
    }


def check_candidate(
    cand_id: str,
    fn: ChangedFunction,
    test_source: str,
    *,
    module: str = "",
    timeout_s: float = 60.0,
) -> Candidate:
    """A pytest candidate: the proposed test plus the trusted tracer and its report test.

    ``module``: the function's import name on head (default: from its path)."""
    nonce = _nonce(cand_id)
    fixture = f"_dc_{nonce}"
    module = module or fn.path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    conftest = (
        CONFTEST.replace("__CFG__", repr(_report_config(fn, module)))
        .replace("__FIXTURE__", fixture)
        .replace("__CHUNK__", str(_CHUNK))
    )
    report = (
        REPORT_TEST.replace("__FIXTURE__", fixture)
        .replace("__TAG__", _tag(nonce))
        .replace("__PARTS__", str(_PARTS))
    )
    return Candidate(
        id=cand_id,
        kind="pytest",
        files={"conftest.py": conftest, TEST_FILE: test_source, _report_file(nonce): report},
        timeout_s=timeout_s,
    )


def _report(outcome: Outcome | None, cand_id: str) -> dict[str, Any] | None:
    """The tracer's report of one side (None: there is none, or it is not the tracer's)."""
    if outcome is None:
        return None
    nonce = _nonce(cand_id)
    tag, prefix = _tag(nonce), _report_file(nonce) + "::test_zz_report["
    parts: dict[int, str] = {}
    total = -1
    for rec in outcome.tests:
        message = str(rec.get("message", ""))
        nodeid = str(rec.get("nodeid", ""))
        lead, found, rest = message.partition(tag)
        if not (nodeid.startswith(prefix) and found and lead in ("", "Skipped: ")):
            continue
        head, _, chunk = rest.partition(":")
        try:
            part, of = (int(v) for v in head.split("/"))
        except ValueError:
            return None
        if nodeid != f"{prefix}{part}]" or part in parts or (total >= 0 and of != total):
            return None  # not the report test that carries this part: no evidence
        parts[part], total = chunk, of
    if total <= 0 or any(p not in parts for p in range(total)) or total > _PARTS:
        return None  # missing or cut short (more than the report can carry): no evidence
    try:
        data = json.loads("".join(parts[p] for p in range(total)))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _own_tests(outcome: Outcome) -> list[dict[str, Any]]:
    return [t for t in outcome.tests if str(t.get("nodeid", "")).startswith(TEST_FILE + "::")]


def _calls(data: dict[str, Any] | None, test: str) -> list[tuple[str, str]]:
    """The test's calls of the function made while the module's state (and the decimal
    context) was what it was before the tests ran: the others show the test's doing."""
    entry = (data or {}).get(test)
    if not isinstance(entry, dict):
        return []
    out = []
    for item in entry.get("calls") or []:
        if isinstance(item, list) and len(item) == 3 and not item[2]:
            out.append((str(item[0]), str(item[1])))
    return out


def _tampered(data: dict[str, Any] | None, test: str) -> str:
    """What the test changed before a call of the function ("" : nothing)."""
    entry = (data or {}).get(test)
    if not isinstance(entry, dict):
        return ""
    for item in entry.get("calls") or []:
        if isinstance(item, list) and len(item) == 3 and item[2]:
            return str(item[2])
    return ""


def _pairs(base: list[tuple[str, str]], head: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(call, base result, head result) for the calls made with the same arguments on both
    sides (the k-th such call on head paired with the k-th on base)."""
    seen: dict[str, list[str]] = {}
    for call, result in base:
        seen.setdefault(call, []).append(result)
    used: dict[str, int] = {}
    out = []
    for call, result in head:
        k = used.get(call, 0)
        used[call] = k + 1
        if k < len(seen.get(call, [])):
            out.append((call, seen[call][k], result))
    return out


def _differing_call(result: CandidateResult) -> tuple[str, tuple[str, str, str]] | str:
    """(failing test, (call, base, head)) the tracer saw behave differently, else why not."""
    base = _report(result.sides.get("base"), result.id)
    head = _report(result.sides.get("head"), result.id)
    if base is None or head is None:
        return "no tracer report"
    failing = [t for t in _own_tests(result.sides["head"]) if t.get("outcome") == "failed"]
    why = "no test failed on head"
    for rec in failing:
        name = str(rec.get("nodeid", "")).split("::", 1)[-1]
        entry = head.get(name)
        if not isinstance(entry, dict) or not entry.get("hit"):
            why = "no changed line ran on head"
            continue
        head_calls = _calls(head, name)
        changed = _tampered(head, name) or _tampered(base, name)
        if not head_calls:
            why = "the changed function was not called"
            if changed:
                why = f"the test changed state the function reads ({changed})"
            continue
        for call, b, h in _pairs(_calls(base, name), head_calls):
            if b != h:
                return name, (call, b, h)
        why = "the changed function returned and raised the same on base and head"
        if changed:
            why += f" (calls after the test changed state it reads not counted: {changed})"
    return why


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
        report = _report(head, result.id) or {}
        if not any(isinstance(v, dict) and v.get("hit") for v in report.values()):
            return "off-target", "passed on head without running a changed line"
        return "refuted", "passes on head"
    if base.status is not Status.PASSED:
        return "preexisting", "fails on base and on head"
    found = _differing_call(result)
    if isinstance(found, str):
        return "unwitnessed", f"fails on head, but {found}"
    return "verified", head.detail


def witness_of(result: CandidateResult, fn: ChangedFunction) -> dict[str, Any] | None:
    """The call that behaved differently and its result on each side (the tracer's only)."""
    found = _differing_call(result)
    if isinstance(found, str):
        return None
    name, (call, base, head) = found
    return {"call": call, "base": base, "head": head, "test_id": f"{TEST_FILE}::{name}"}


def observed_calls(result: CandidateResult | None, limit: int = 6) -> list[tuple[str, str, str]]:
    """(call, base result, head result) the tracer saw in the candidate's tests: what the
    refinement of a refuted test tells the model."""
    if result is None:
        return []
    base = _report(result.sides.get("base"), result.id)
    head = _report(result.sides.get("head"), result.id)
    out: list[tuple[str, str, str]] = []
    for name in sorted(head or {}):
        for triple in _pairs(_calls(base, name), _calls(head, name)):
            if triple not in out:
                out.append(triple)
    return out[:limit]
