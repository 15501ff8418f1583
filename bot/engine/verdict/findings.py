"""From evidence to findings: confirm witnesses by execution, cluster, judge.

Execution establishes facts: a difference or an invariant violation becomes *verified* only
when its ready-to-paste test passes on base and fails on head in the sandbox. Evidence from a
generator that confirms its own (a ``Confirmer``: the ``llm`` generator, whose tests are the
model's) is confirmed by the generator's candidate and reading instead, and the witness shown
is the one that confirmation run re-derived, never the evidence's. Without a model,
judgment is by invariants: a money invariant that holds on base and fails on head (or a repo
test that passed and now fails) makes a ``defect``; a bare verified difference is a
``behavior-change`` left to the human (the PR may intend it).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.engine.verdict.domain import outside_callers
from bot.engine.verdict.evidence import Evidence
from bot.engine.verdict.witness import build_test, python_literals
from bot.fingerprint import finding_id
from bot.models import ChangedFunction, Finding, Severity, Witness
from sandbox.results import CandidateResult, Status
from sandbox.workspace import Candidate

if TYPE_CHECKING:
    from bot.engine.candidates.base import Confirmer

# Regressions whose reproducing test must fail again in a fresh process (on head; and pass on
# base in a check) before they are findings: docstring examples share one process per run.
CONFIRMED_REGRESSIONS = frozenset({"doctest"})

# Invariant expressions use these names (docs/protocol.md); the test defines the helpers.
_INVARIANT_HELPERS = """
def places(value):
    exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
    return max(0, -exponent) if isinstance(exponent, int) else 0


def raised(value):
    return isinstance(value, BaseException)
"""


@dataclass(frozen=True)
class Confirmation:
    """A witness test to run on base and head, and the evidence it stands for."""

    evidence: Evidence
    candidate: Candidate
    test_name: str
    test_source: str
    confirmer: Confirmer | None = None  # the generator confirms it (its own candidate)


def _keyword_sources(call: str) -> dict[str, str] | None:
    """``f(a=1, b=Decimal('2'))`` → {"a": "1", "b": "Decimal('2')"}; None if not that shape."""
    try:
        node = ast.parse(python_literals(call), mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call) or node.args:
        return None
    out: dict[str, str] = {}
    for kw in node.keywords:
        if kw.arg is None:
            return None
        out[kw.arg] = ast.unparse(kw.value)
    return out


def _callee(call: str, qualname: str) -> str:
    """``Counter(start=0).nth`` for an instance method's witness call, else ``qualname``."""
    try:
        node = ast.parse(python_literals(call), mode="eval").body
    except SyntaxError:
        return qualname
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Call)
    ):
        return ast.unparse(node.func)
    return qualname


def _invariant_test(ev: Evidence, fid: str) -> tuple[str, str] | None:
    assert ev.witness is not None
    call = str(ev.witness.get("call", ""))
    args = _keyword_sources(call)
    check = str(ev.rule.get("check", ""))
    if args is None or not check:
        return None
    fn = ev.target
    top = fn.function.split(".", 1)[0]
    rule_id = str(ev.rule.get("id", "invariant"))
    name = f"test_{fn.function.replace('.', '_').lower()}_{rule_id.replace('-', '_')}_{fid[:8]}"
    args_src = ", ".join(f"{k!r}: {v}" for k, v in args.items())
    source = (
        "import datetime\n"
        "from calendar import isleap, monthrange\n"
        "from datetime import date, timedelta\n"
        "from decimal import Decimal\n"
        "from fractions import Fraction\n\n"
        f"from {ev.module} import {top}\n\n"
        f"{_INVARIANT_HELPERS}\n\n"
        f"def {name}():\n"
        f"    # deepcheck invariant {rule_id}: {ev.rule.get('message', '')}\n"
        f"    args = {{{args_src}}}\n\n"
        "    def call(**overrides):\n"
        f"        return {_callee(call, fn.function)}(**{{**args, **overrides}})\n\n"
        "    result = call()\n"
        f"    assert {check}\n"
    )
    return name, source


def confirmations(
    evidence: list[Evidence],
    sides: tuple[str, ...] = ("base", "head"),
    confirmers: Mapping[str, Confirmer] | None = None,
) -> list[Confirmation]:
    """Witness tests for every difference, invariant violation and ``CONFIRMED_REGRESSIONS``.

    Evidence whose source is in ``confirmers`` gets that generator's candidate (on both
    sides); when it has none to offer the evidence is not confirmed (never reported)."""
    out: list[Confirmation] = []
    for n, ev in enumerate(evidence):
        checked = ev.status == "regression" and ev.source in CONFIRMED_REGRESSIONS
        if not (checked or ev.status in ("difference", "violation")) or ev.witness is None:
            continue
        fid = finding_id(ev.source, ev.function.path, ev.function.function, ev.anchor)
        own = (confirmers or {}).get(ev.source)
        if own is not None:
            cand = own.confirmation(ev, f"confirm-{n}-{fid[:8]}")
            if cand is not None and ev.test_source is not None:
                name = str(ev.witness.get("test_id", ""))
                out.append(Confirmation(ev, cand, name, ev.test_source, own))
            continue
        if ev.status == "violation":
            made = _invariant_test(ev, fid)
            if made is None:
                continue
            name, source = made
        elif ev.test_source is not None:
            # A generator's own test (llm, doctest): verified = passes on base, fails on head.
            name, source = str(ev.witness.get("test_id", "")), ev.test_source
        else:
            test = build_test(
                module=ev.module,
                qualname=ev.target.function,
                call=str(ev.witness.get("call", "")),
                base_value=ev.witness.get("base_value"),
                head_value=ev.witness.get("head_value"),
                constructs=ev.witness.get("imports") or (),
                state=_state_of(ev.witness),
                prelude=ev.witness.get("prelude")
                if isinstance(ev.witness.get("prelude"), dict)
                else None,
                base_repr=str(ev.witness.get("base", "")),
                head_repr=str(ev.witness.get("head", "")),
                finding_id=fid,
                origin=ev.source,
            )
            name, source = test.name, test.source
        cand = Candidate(
            id=f"confirm-{n}-{fid[:8]}",
            kind="pytest",
            files={f"test_deepcheck_{fid[:12]}.py": source},
            sides=sides,
        )
        out.append(Confirmation(ev, cand, name, source))
    return out


def confirmed(result: CandidateResult | None, *, head_only: bool = False) -> bool | None:
    """True: passes on base, fails on head. False: did not reproduce. None: could not run.

    ``head_only`` (a scan, no base): True when the test fails on head.
    """
    if result is None:
        return None
    base, head = result.sides.get("base"), result.sides.get("head")
    if head_only and head is not None:
        if head.status is Status.FAILED:
            return True
        return None if head.status is Status.INFRASTRUCTURE else False
    if base is None or head is None:
        return None
    if base.status is Status.PASSED and head.status is Status.FAILED:
        return True
    if base.status in (Status.INFRASTRUCTURE, Status.TIMEOUT, Status.RESOURCE):
        return None
    return False


def confirm_states(
    confs: list[Confirmation],
    results: Mapping[str, CandidateResult],
    *,
    head_only: bool = False,
) -> tuple[dict[int, bool | None], dict[int, dict[str, Any]]]:
    """Each confirmation's state (see ``confirmed``) and, for a ``Confirmer``'s, the witness
    its run re-derived (a confirmation without one is not confirmed)."""
    states: dict[int, bool | None] = {}
    rederived: dict[int, dict[str, Any]] = {}
    for i, conf in enumerate(confs):
        result = results.get(conf.candidate.id)
        if conf.confirmer is None:
            states[i] = confirmed(result, head_only=head_only)
            continue
        state, witness = conf.confirmer.confirmed(conf.evidence, result)
        if state is True and not witness:
            state = False
        states[i] = state
        if state is True and witness:
            rederived[i] = dict(witness)
    return states, rederived


def _line(fn: ChangedFunction, diff_lines: frozenset[int]) -> tuple[int, bool]:
    for line in fn.changed_lines:
        if line in diff_lines:
            return line, True
    for line in range(fn.start_line, fn.end_line + 1):
        if line in diff_lines:
            return line, True
    return fn.start_line, False


def _defect_title(qualname: str, ev: Evidence) -> str:
    if ev.status == "violation":
        return f"{qualname} breaks {ev.rule.get('id') or 'a money invariant'}"
    if ev.source == "doctest":
        return f"{qualname} does not do what its docstring example shows"
    return f"{qualname}: repository test {ev.anchor} now fails"


def _state_of(witness: dict[str, Any] | None) -> dict[str, Any] | None:
    """The harness witness's ``state`` (equal results, receivers left different), if any."""
    state = (witness or {}).get("state")
    return state if isinstance(state, dict) else None


def _severity(kind: str, risky: bool) -> Severity:
    if kind == "defect":
        return "high" if risky else "medium"
    return "medium" if risky else "low"


def _message(
    kind: str, fn: ChangedFunction, evs: list[Evidence], w: Witness, scan: bool = False
) -> str:
    sources = ", ".join(sorted({e.source for e in evs}))
    lines = []
    if kind == "defect":
        rules = [e for e in evs if e.status == "violation"]
        regressions = [e for e in evs if e.status == "regression"]
        where = "fails" if scan else "holds on base and fails on head"
        for e in rules:
            lines.append(
                f"Money invariant `{e.rule.get('id')}` {where}: {e.rule.get('message', '')}"
            )
        for e in regressions:
            test = f"The repository test `{e.anchor}` passes on base and fails on head."
            lines.append(e.detail or test)
    else:
        states = [_state_of(e.witness) for e in evs]
        what = (
            "leaves its instance in a different state"
            if any(states)
            else "returns a different result"
        )
        lines.append(
            f"`{fn.function}` {what} on head than on base for the same input. If the PR "
            "intends this, say so in its description; otherwise it is a bug."
        )
    entries = sorted({e.entry.function for e in evs if e.entry is not None})
    if entries:
        lines.append(
            "Reached through the public "
            + ", ".join(f"`{name}`" for name in entries)
            + f", which calls `{fn.function}`: the witness is a call of the public function."
        )
    lines.append(f"\nVerified by execution in the sandbox ({sources}).")
    return "\n".join(lines)


def judge(
    evidence: list[Evidence],
    confirmations_run: dict[int, bool | None],
    confs: list[Confirmation],
    *,
    diff_lines: dict[str, frozenset[int]],
    risky: set[tuple[str, str]],
    scan: bool = False,
    rederived: Mapping[int, dict[str, Any]] | None = None,
) -> tuple[list[Finding], list[str]]:
    """Findings from confirmed evidence, clustered per function; notes for the rest.

    ``rederived``: per confirmation, the witness its run re-derived (``confirm_states``); a
    ``Confirmer``'s evidence is shown with it, and is not a finding without it."""
    notes: list[str] = []
    verified: dict[tuple[str, str], list[tuple[Evidence, Witness]]] = defaultdict(list)
    conf_by_ev = {id(c.evidence): (i, c) for i, c in enumerate(confs)}
    for ev in evidence:
        key = (ev.function.path, ev.function.function)
        if ev.status == "regression" and ev.witness is not None and id(ev) not in conf_by_ev:
            w = Witness(
                call=str(ev.witness.get("call", ev.anchor)),
                base=str(ev.witness.get("base", "passed")),
                head=str(ev.witness.get("head", "failed")),
                test=ev.test_source or "",
            )
            verified[key].append((ev, w))
            continue
        if ev.status == "flaky":
            notes.append(
                f"{ev.function.path}::{ev.function.function}: flaky ({ev.source}): "
                f"{ev.detail or 'results did not reproduce on rerun'}"
            )
            continue
        if ev.status == "error" and ev.detail:
            notes.append(
                f"{ev.function.path}::{ev.function.function}: {ev.source} could not "
                f"run: {ev.detail}"
            )
        found = conf_by_ev.get(id(ev))
        if found is None:
            continue
        i, conf = found
        state = confirmations_run.get(i)
        shown = ev.witness
        if conf.confirmer is not None:
            shown = (rederived or {}).get(i)
            state = state if shown is not None or state is not True else False
        if state is True and shown is not None:
            w = Witness(
                call=python_literals(str(shown.get("call", ""))),
                base=str(shown.get("base", "")),
                head=str(shown.get("head", "")),
                test=conf.test_source,
            )
            verified[key].append((ev, w))
        elif state is False:
            notes.append(
                f"{ev.function.path}::{ev.function.function}: {ev.source} witness did "
                "not reproduce as a test (flaky); not reported"
            )
        else:
            notes.append(
                f"{ev.function.path}::{ev.function.function}: {ev.source} witness "
                "could not be confirmed (sandbox); not reported"
            )
    findings: list[Finding] = []
    for (path, qualname), items in verified.items():
        checks = [e for e in evidence if (e.function.path, e.function.function) == (path, qualname)]
        fn = items[0][0].function
        is_risky = (path, qualname) in risky
        defects = [(e, w) for e, w in items if e.status in ("violation", "regression")]
        diffs = [(e, w) for e, w in items if e.status == "difference"]
        line, in_diff = _line(fn, diff_lines.get(path, frozenset()))
        if defects:
            # One finding per function: broken invariants, failing repo tests and plain
            # differences on it are the same behaviour seen from several angles (sources).
            # The witness shown is the most readable one: an invariant's call first.
            defects.sort(key=lambda ew: (ew[0].status != "violation", ew[0].anchor))
            ev, w = defects[0]
            all_evs = [e for e, _ in defects] + [e for e, _ in diffs]
            findings.append(
                Finding(
                    id=finding_id("defect", path, qualname, "defect"),
                    kind="defect",
                    severity=_severity("defect", is_risky),
                    verified=True,
                    path=path,
                    line=line,
                    function=qualname,
                    title=_defect_title(qualname, ev),
                    message=_message("defect", fn, all_evs, w, scan),
                    witness=w,
                    confidence=1.0,
                    sources=tuple(sorted({e.source for e in all_evs})),
                    samples=len(items),
                    votes=len(items),
                    in_diff=in_diff,
                )
            )
        elif diffs:
            # A witness through a public caller first: the input is one the module's own
            # callers pass, not one only a direct call of a private helper could.
            diffs.sort(key=lambda ew: ew[0].entry is None)
            ev, w = diffs[0]
            fid = finding_id("behavior-change", path, qualname, "behavior")
            outside = outside_callers([e for e, _ in diffs], checks) or ""
            message = _message("behavior-change", fn, [e for e, _ in diffs], w)
            findings.append(
                Finding(
                    id=fid,
                    kind="behavior-change",
                    severity="low" if outside else _severity("behavior-change", is_risky),
                    verified=True,
                    path=path,
                    line=line,
                    function=qualname,
                    title=f"{qualname} behaves differently on head",
                    message=f"{message}\n\n{outside}" if outside else message,
                    witness=w,
                    confidence=1.0,
                    sources=tuple(sorted({e.source for e, _ in diffs})),
                    samples=len(diffs),
                    votes=len(diffs),
                    in_diff=in_diff,
                    outside_domain=outside,
                )
            )
    return findings, notes
