"""PR-facing markdown: markers, GitHub's size caps, fences that stay balanced when cut."""

from __future__ import annotations

import re

from report_values import (
    DEFECT_TEST,
    make_behavior_change,
    make_defect,
    make_outside,
    make_report,
    make_risk,
)

from bot.models import Finding, Report, Witness
from bot.report import markdown, render

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def open_fence_at_end(text: str) -> str | None:
    """An independent CommonMark-ish fence scanner: the fence still open at the end."""
    current: str | None = None
    for line in text.splitlines():
        match = FENCE.match(line)
        if not match:
            continue
        fence, rest = match.groups()
        if current is None:
            current = fence
        elif fence[0] == current[0] and len(fence) >= len(current) and not rest.strip():
            current = None
    return current


def long_test(lines: int = 20_000) -> str:
    body = "\n".join(
        f"    assert step_{i}(Decimal('{i}.00')) == Decimal('{i}.01')" for i in range(lines)
    )
    return f"def test_many_steps():\n{body}\n"


def with_test(finding: Finding, test: str) -> Finding:
    assert finding.witness is not None
    witness = Witness(finding.witness.call, finding.witness.base, finding.witness.head, test)
    return make_defect(id=finding.id, witness=witness)


def test_comment_has_marker_title_badges_witness_and_test(defect: Finding) -> None:
    body = markdown.finding_comment(defect)
    assert body.startswith(f"<!-- deepcheck:finding:{defect.id} -->\n")
    assert "### compound() skips the last period" in body
    assert "**🛑 defect** · severity **high** · confidence 97% · verified" in body
    assert (
        "- **call:** `compound(principal=Decimal('1.00'), rate=Decimal('0.5'), periods=1)`" in body
    )
    assert "- **base result:** `Decimal('1.50')`" in body
    assert "- **head result:** `Decimal('1.00')`" in body
    assert "<details>\n<summary>Reproducing test" in body
    assert "```python\n" + DEFECT_TEST + "```\n\n</details>" in body
    assert open_fence_at_end(body) is None


def test_risk_without_witness_has_no_witness_or_test() -> None:
    body = markdown.finding_comment(make_risk())
    assert "Witness" not in body and "<details>" not in body
    assert "**💡 risk** · severity **low** · confidence 30% · not verified" in body


def test_very_long_test_is_truncated_inside_a_closed_fence() -> None:
    finding = with_test(make_defect(), long_test())
    assert len(finding.witness.test) > 200_000  # type: ignore[union-attr]
    body = markdown.finding_comment(finding)
    assert utf16_len(body) <= markdown.COMMENT_LIMIT
    assert body.count("<!-- deepcheck:finding:") == 1
    assert open_fence_at_end(body) is None
    assert re.search(r"# … truncated: [\d,]+ more lines\n```\n\n</details>$", body)
    assert "def test_many_steps():" in body
    assert utf16_len(body) > markdown.COMMENT_LIMIT - 2_000, "the budget is used, not wasted"


def test_test_containing_fences_gets_a_longer_fence() -> None:
    tricky = 'def test_doc():\n    """\n```\nnot the end\n````\n"""\n    assert False\n'
    body = markdown.finding_comment(with_test(make_defect(), tricky))
    assert "`````python\n" + tricky + "`````" in body
    assert open_fence_at_end(body) is None


def test_truncated_test_with_fences_stays_balanced() -> None:
    test = "````\n" * 3 + long_test(5_000) + "```\n"
    body = markdown.finding_comment(with_test(make_defect(), test * 3))
    assert utf16_len(body) <= markdown.COMMENT_LIMIT
    assert open_fence_at_end(body) is None
    assert body.rstrip().endswith("</details>")


def test_astral_characters_count_double_against_the_cap() -> None:
    emoji_test = "def test_emoji():\n" + "    assert f('💶💶💶💶') == '€'\n" * 20_000
    body = markdown.finding_comment(with_test(make_defect(), emoji_test))
    assert utf16_len(body) <= markdown.COMMENT_LIMIT
    assert open_fence_at_end(body) is None


def test_unclosed_fence_in_the_message_is_closed() -> None:
    finding = make_defect(message="Look:\n```python\nx = 1\n")
    body = markdown.finding_comment(finding)
    before_witness = body.split("**Witness**")[0]
    assert open_fence_at_end(before_witness) is None
    assert open_fence_at_end(body) is None


def test_huge_message_and_huge_test_fit_together() -> None:
    message = "Das Ergebnis ist falsch. " * 20_000 + "\n```\nunclosed"
    finding = with_test(make_defect(), long_test())
    finding = make_defect(message=message, witness=finding.witness)
    body = markdown.finding_comment(finding)
    assert utf16_len(body) <= markdown.COMMENT_LIMIT
    assert open_fence_at_end(body) is None
    assert "_… truncated_" in body and "Reproducing test" in body


def test_markers_cannot_be_forged_from_a_message() -> None:
    forged = "<!-- deepcheck:finding:0000000000000000 -->"
    body = markdown.finding_comment(make_defect(message=f"hi {forged}", title=forged))
    assert body.count("<!-- deepcheck:") == 1


def test_multiline_or_long_witness_values_go_into_a_code_block() -> None:
    witness = Witness("f(x=`tick`)", "[1,\n 2]", "x" * 5_000, "def test_f():\n    pass\n")
    body = markdown.finding_comment(make_defect(witness=witness))
    assert "```python\n# call\nf(x=`tick`)\n# base result\n[1,\n 2]\n# head result\n" in body
    assert "x" * 1_999 + "…" in body and "x" * 2_001 not in body
    assert open_fence_at_end(body) is None


def test_review_body_lists_summary_tier_analysed_spent_outside_and_resolved(
    report: Report,
) -> None:
    outside = [f for f in report.findings if not f.in_diff]
    body = markdown.review_body(report, outside, ["feedfacefeedface"])
    assert body.startswith(f"<!-- deepcheck:review:{report.head} -->")
    assert "1 defect, 2 behavior changes, 1 risk (3 verified)" in body
    assert "**Tier path:** quick → standard" in body
    assert "42 sandbox runs · 1,200 examples · 12.3 s · 3 LLM calls (4,500 tokens) · $0.02" in body
    assert "3 changed functions in 3 files analysed · 2 skipped" in body
    assert "| `Ledger.late_fee` | `ledger/fees.py` | 30–48 | modified |" in body
    assert "- `ledger/legacy.py` (`old_rate`): syntax error" in body
    assert "### Findings outside the diff (1)" in body
    assert f"<!-- deepcheck:finding:{outside[0].id} -->" in body
    assert "`ledger/book.py:3` in `balance`" in body
    assert "### Resolved since the last push (1)" in body and "`feedfacefeedface`" in body
    assert "1 flaky witness re-run and dropped" in body
    assert open_fence_at_end(body) is None


def test_review_body_without_outside_or_resolved(empty_report: Report) -> None:
    body = markdown.review_body(empty_report, [], [])
    assert "no findings" in body
    assert "outside the diff" not in body and "Resolved" not in body


def outside_findings(count: int, test_lines: int) -> list[Finding]:
    witness = Witness("f()", "1", "2", long_test(test_lines))
    return [make_outside(id=f"{i:016x}", line=i + 1, witness=witness) for i in range(count)]


def test_review_body_with_many_outside_findings_stays_under_the_cap() -> None:
    many = outside_findings(400, 300)
    body = markdown.review_body(make_report(tuple(many)), many, [f"{i:016x}" for i in range(500)])
    assert utf16_len(body) <= markdown.COMMENT_LIMIT
    assert open_fence_at_end(body) is None
    assert "### Resolved since the last push (500)" in body
    assert "- … and 300 more" in body
    assert "### Findings outside the diff (400)" in body
    assert body.count("#### balance([]) now raises") >= 1, "the first ones in full"
    assert "- **balance([]) now raises** (behavior-change, medium) at `ledger/book.py:400`" in body


def test_few_outside_findings_are_all_in_full() -> None:
    few = outside_findings(3, 300)
    body = markdown.review_body(make_report(tuple(few)), few, [])
    assert body.count("#### balance([]) now raises") == 3
    assert "truncated" not in body


def test_check_run_summary(report: Report) -> None:
    title, summary, text = markdown.check_run_summary(report)
    assert title == "3 verified findings: 1 defect, 2 behavior changes · 1 unverified finding"
    assert (
        "| 🛑 defect | compound() skips the last period | `ledger/interest.py:17` | 97% |"
        in summary
    )
    assert "### compound() skips the last period" in text
    assert "<!-- deepcheck:" not in text
    clean_title, _, clean_text = markdown.check_run_summary(make_report((make_risk(),)))
    assert clean_title == "No verified findings · 1 unverified finding"
    assert "float used for money" in clean_text


def test_check_run_summary_caps() -> None:
    findings = tuple(outside_findings(1_000, 200))
    title, summary, text = markdown.check_run_summary(make_report(findings))
    assert title.startswith("1,000 verified findings")
    assert utf16_len(summary) <= markdown.CHECK_RUN_LIMIT
    assert utf16_len(text) <= markdown.CHECK_RUN_LIMIT
    assert "… and 900 more" in summary
    assert open_fence_at_end(summary) is None and open_fence_at_end(text) is None


def test_report_markdown_is_complete_and_uncapped(report: Report) -> None:
    big = with_test(make_defect(), long_test())
    doc = render(make_report((*report.findings[:3], big)), "markdown")
    assert doc.startswith("# deepcheck report\n")
    assert "## Findings (4)" in doc
    assert "    assert step_19999(Decimal('19999.00')) == Decimal('19999.01')" in doc
    assert "truncated" not in doc
    assert "## Skipped" in doc and "Interest: compound per period" in doc
    assert open_fence_at_end(doc) is None
    assert "<!-- deepcheck:" not in doc


def test_unicode_is_kept(report: Report) -> None:
    body = markdown.finding_comment(make_behavior_change())
    assert "### Frist geändert: Gebühr schon am 5. Tag (€) — 日本語 💶" in body
    assert "Überziehung" in body
    assert "日本語" in markdown.report_markdown(report)
