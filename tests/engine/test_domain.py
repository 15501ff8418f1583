"""A difference seen only by calling a private helper directly, while its public callers ran the
changed lines without one, is outside the callers' domain: reported, at low severity, said so."""

from __future__ import annotations

from bot.engine.verdict.domain import outside_callers
from bot.engine.verdict.evidence import Evidence
from bot.engine.verdict.findings import judge
from bot.models import ChangedFunction

HELPER = ChangedFunction("pkg/_parser.py", "skip_chars", 10, 14, "modified", changed_lines=(11,))
LOADS = ChangedFunction("pkg/_parser.py", "loads", 1, 5, "modified")
WITNESS = {"call": "skip_chars(src='', pos=-1)", "base": "-1", "head": "Raised('IndexError')"}


def _direct(status: str = "difference") -> Evidence:
    return Evidence("differential", HELPER, status, anchor="behavior", witness=WITNESS,  # type: ignore[arg-type]
                    examples=40, covered=(11,))  # fmt: skip


def _via(status: str = "clean", covered: tuple[int, ...] = (11,), examples: int = 300) -> Evidence:
    return Evidence("differential", HELPER, status, anchor="behavior@loads", entry=LOADS,  # type: ignore[arg-type]
                    examples=examples, covered=covered)  # fmt: skip


def test_direct_only_while_the_callers_ran_the_changed_lines_clean_is_outside() -> None:
    reason = outside_callers([_direct()], [_direct(), _via()])
    assert reason is not None
    assert "`skip_chars` is called directly" in reason and "`loads`" in reason and "300" in reason


def test_not_outside_when_a_caller_reproduces_it_or_nothing_says_so() -> None:
    via_witness = _via("difference")
    assert outside_callers([_direct(), via_witness], [_direct(), via_witness]) is None
    assert outside_callers([_direct()], [_direct()]) is None  # no caller driven
    # the callers never ran the changed lines, or drew nothing: no evidence of a domain
    assert outside_callers([_direct()], [_direct(), _via(covered=())]) is None
    assert outside_callers([_direct()], [_direct(), _via(examples=0)]) is None
    assert outside_callers([_direct()], [_direct(), _via("flaky")]) is None


def test_the_finding_keeps_its_witness_at_low_severity_and_says_why() -> None:
    from bot.engine.verdict.findings import Confirmation
    from sandbox.workspace import Candidate

    direct = _direct()
    conf = Confirmation(direct, Candidate(id="c", kind="pytest"), "test_x", "def test_x(): pass")
    findings, _notes = judge(
        [direct, _via()], {0: True}, [conf], diff_lines={HELPER.path: frozenset({11})},
        risky={(HELPER.path, HELPER.function)},
    )  # fmt: skip
    [finding] = findings
    assert finding.kind == "behavior-change" and finding.verified
    assert finding.severity == "low"  # though the function is risky
    assert finding.outside_domain and finding.outside_domain in finding.message
    assert finding.witness is not None and finding.witness.call.startswith("skip_chars(")
    # without the callers' clean run it is an ordinary finding
    findings, _ = judge(
        [direct], {0: True}, [conf], diff_lines={HELPER.path: frozenset({11})},
        risky={(HELPER.path, HELPER.function)},
    )  # fmt: skip
    assert findings[0].severity == "medium" and findings[0].outside_domain == ""
