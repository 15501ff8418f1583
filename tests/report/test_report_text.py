"""Terminal output: plain text when not a TTY, the key lines present, markup kept literal."""

from __future__ import annotations

from io import StringIO

from report_values import make_defect, make_outside, make_report
from rich.console import Console

from bot.models import Report
from bot.report import render, text


def plain(report: Report) -> str:
    buffer = StringIO()
    text.render(report, Console(file=buffer, width=100))
    return buffer.getvalue()


def test_plain_console_has_no_escape_codes(report: Report) -> None:
    out = plain(report)
    assert "\x1b[" not in out
    assert all(len(line) <= 100 for line in out.splitlines())


def test_header_table_findings_skipped_spent_and_verdict(report: Report) -> None:
    lines = [line.rstrip() for line in plain(report).splitlines()]
    assert lines[0] == "deepcheck  111111111111..222222222222  tier path: quick → standard"
    assert lines[1] == "Interest: compound per period"
    assert "3 changed functions in 3 files analysed · 2 skipped" in lines
    assert "│ compound        │ ledger/interest.py │ 12–19 │ modified │        1 │" in lines
    assert any(
        line.startswith("Findings: 1 defect, 2 behavior changes, 1 risk ─") for line in lines
    )
    assert "1. DEFECT [high] compound() skips the last period" in lines
    assert "   call compound(principal=Decimal('1.00'), rate=Decimal('0.5'), periods=1)" in lines
    assert "   base Decimal('1.50')" in lines
    assert "   head Decimal('1.00')" in lines
    assert "   def test_compound_applies_one_period():" in lines
    assert "4. RISK [low] float used for money" in lines
    assert "  ledger/legacy.py (old_rate): syntax error" in lines
    assert "  - 1 flaky witness re-run and dropped" in lines
    assert lines[-2] == (
        "spent: 42 sandbox runs · 1,200 examples · 12.3 s · 3 LLM calls (4,500 tokens) · $0.02"
    )
    assert lines[-1] == "FAIL: 3 verified findings (1 defect, 2 behavior changes) at 222222222222"


def test_findings_print_in_severity_order(report: Report) -> None:
    out = plain(report)
    order = [out.index(f"{i}. ") for i in range(1, 5)]
    assert order == sorted(order)
    assert out.index("compound() skips") < out.index("float used for money")


def test_unicode_and_rich_markup_are_printed_literally() -> None:
    finding = make_outside(message="[red]not markup[/red] für €", title="[bold]x[/bold] 日本語")
    out = plain(make_report((finding,)))
    assert "[red]not markup[/red] für €" in out
    assert "[bold]x[/bold] 日本語" in out


def test_terminal_console_gets_colors() -> None:
    buffer = StringIO()
    console = Console(file=buffer, width=100, force_terminal=True, color_system="truecolor")
    text.render(make_report((make_defect(),)), console)
    assert "\x1b[" in buffer.getvalue()


def test_clean_run_verdict(empty_report: Report) -> None:
    out = render(empty_report, "text")
    assert "No changed functions to analyse." in out
    assert "Nothing found." in out
    assert out.splitlines()[-1] == "PASS: no findings in 0 changed functions"
    assert "no LLM calls" in out
    assert not any(line.endswith(" ") for line in out.splitlines())
