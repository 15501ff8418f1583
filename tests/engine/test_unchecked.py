"""Which changed functions no check ran on, and the UNVERIFIED verdict that follows (pure)."""

from __future__ import annotations

from dataclasses import replace

from bot.engine.verdict.evidence import Evidence
from bot.engine.verdict.unchecked import unchecked
from bot.models import ChangedFunction, Report, Spent, Unchecked
from bot.report.summary import unverified_line, verdict

FEE = ChangedFunction("fees.py", "late_fee", 1, 5, "modified", base_path="fees.py")
SLUG = ChangedFunction("text.py", "slugify", 1, 5, "modified", base_path="text.py")
NEW = ChangedFunction("text.py", "new_helper", 7, 9, "added")
IMPORT_ERROR = "cannot import text on head:\nModuleNotFoundError: No module named 'text_unidecode'"


def test_a_function_that_ran_is_checked_whatever_else_failed() -> None:
    evidence = [
        Evidence("differential", FEE, "error", detail="strategy broke"),
        Evidence("existing-tests", FEE, "clean"),
    ]
    assert unchecked([FEE], evidence) == []


def test_import_errors_make_the_function_unchecked_with_the_error_line() -> None:
    evidence = [Evidence("differential", SLUG, "error", detail=IMPORT_ERROR)]
    [gap] = unchecked([SLUG], evidence)
    assert gap.cause == "could-not-run"
    assert gap.reason == "cannot import: ModuleNotFoundError: No module named 'text_unidecode'"
    sides = "base: cannot import: builtins.ModuleNotFoundError: No module named 'x'; head: ..."
    [gap] = unchecked([SLUG], [Evidence("differential", SLUG, "error", detail=sides)])
    assert gap.reason == "cannot import: ModuleNotFoundError: No module named 'x'"


def test_not_drivable_and_over_budget_keep_their_reasons() -> None:
    gaps = unchecked(
        [FEE, NEW, SLUG],
        [],
        over_budget=[SLUG],
        budget_note="over the quick tier's budget",
        why_not_drivable=lambda fn: "added by the change" if fn.status == "added" else None,
    )
    assert [(g.function, g.cause, g.reason) for g in gaps] == [
        ("late_fee", "not-drivable", "no candidate could be generated for its parameters"),
        ("new_helper", "not-drivable", "added by the change"),
        ("slugify", "over-budget", "over the quick tier's budget"),
    ]


def _report(*gaps: Unchecked, analysed: int = 3) -> Report:
    return Report("a" * 40, "b" * 40, "standard", (FEE, SLUG, NEW), (), Spent(),
                  unchecked=gaps, analysed=analysed)  # fmt: skip


def test_a_change_whose_code_could_not_run_is_never_a_pass() -> None:
    gap = Unchecked("text.py", "slugify", "No module named 'text_unidecode'", "could-not-run")
    report = _report(gap)
    assert report.unverified and report.checked == 2
    assert verdict(report).startswith("UNVERIFIED: 2 of 3 changed functions could be run: No mod")
    assert not verdict(_report(replace(gap, cause="not-drivable"))).startswith("UNVERIFIED")
    # nothing at all could be run: unverified whatever the causes
    nothing = _report(*(replace(gap, function=f"f{i}", cause="not-drivable") for i in range(3)))
    assert nothing.unverified and unverified_line(nothing) is not None
    assert unverified_line(_report()) is None and verdict(_report()).startswith("PASS")
