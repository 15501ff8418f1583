"""The PR-facing markdown: inline review comments, the review body, the check run, a file.

Every body posted to GitHub stays under GitHub's limits (comment and review bodies 65,536
characters, check run ``summary``/``text`` 65,535) and stays well formed when cut: the long
parts (the reproducing test, messages, witness values) are truncated inside their fences by
:mod:`bot.report.fences`. Each finding carries a hidden ``<!-- deepcheck:finding:<id> -->``
marker and each review a ``<!-- deepcheck:review:<head> -->`` marker, so a retried POST or a
new push can find what was already said.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.models import Finding, Report, Witness
from bot.report import renderer
from bot.report.fences import (
    clip,
    code_block,
    fence_for,
    gh_len,
    inline_code,
    neutralize_markers,
    truncate_code,
    truncate_markdown,
)
from bot.report.json_report import sorted_findings
from bot.report.summary import (
    analysed_line,
    checked_line,
    is_scan,
    kind_counts,
    plural,
    short_sha,
    spent_line,
    tier_path,
    unverified_line,
    verdict,
    witness_label,
)

__all__ = [
    "CHECK_RUN_LIMIT",
    "COMMENT_LIMIT",
    "check_run_summary",
    "finding_comment",
    "finding_markdown",
    "finding_marker",
    "report_markdown",
    "review_body",
    "review_marker",
]

COMMENT_LIMIT = 65_536  # review comments and review bodies
CHECK_RUN_LIMIT = 65_535  # check run output.summary and output.text
_TITLE_BUDGET = 300
_MESSAGE_BUDGET = 12_000
_VALUE_BUDGET = 2_000  # each of the witness call, base result, head result
_SHORT_VALUE = 120  # longer (or multi-line) witness values go into a code block
_MIN_TEST_BUDGET = 400
_MIN_FULL_FINDING = 1_500  # below this a finding in a list is one line
_FULL_SHARE = 12_000  # what one finding in a list may take when the budget is tight
_MAX_TABLE_ROWS = 100
_MAX_RESOLVED = 200

_KIND_BADGES = {
    "defect": "🛑 defect",
    "behavior-change": "⚠️ behavior change",
    "risk": "💡 risk",
}


def finding_marker(finding_id: str) -> str:
    return f"<!-- deepcheck:finding:{finding_id} -->"


def review_marker(head: str) -> str:
    return f"<!-- deepcheck:review:{head} -->"


def _flat(text: str) -> str:
    """One line of untrusted text: no marker of ours can be forged through it."""
    return " ".join(neutralize_markers(text).split())


def _cell(text: str) -> str:
    """Text safe inside a table cell."""
    return _flat(text).replace("|", "\\|")


def _code_cell(text: str) -> str:
    """Inline code safe inside a table cell (GitHub honors ``\\|`` inside code spans there)."""
    return inline_code(text).replace("|", "\\|")


def _badges(finding: Finding) -> str:
    parts = [
        f"**{_KIND_BADGES.get(finding.kind, finding.kind)}**",
        f"severity **{finding.severity}**",
        f"confidence {finding.confidence:.0%}",
        "verified" if finding.verified else "not verified",
    ]
    if finding.samples or finding.votes:
        parts.append(f"{finding.votes}/{finding.samples} votes")
    if finding.sources:
        parts.append("from " + ", ".join(finding.sources))
    return " · ".join(parts)


def _witness_block(witness: Witness, budget: int) -> str:
    values = [("call", clip(witness.call, budget))]
    if witness.base:
        values.append(("base result", clip(witness.base, budget)))
        values.append(("head result", clip(witness.head, budget)))
    else:  # a scan's witness: one tree, no base
        values.append(("result", clip(witness.head, budget)))
    if all("\n" not in v and len(v) <= _SHORT_VALUE for _, v in values):
        rows = [f"- **{label}:** {inline_code(value)}" for label, value in values]
        return "**Witness**\n\n" + "\n".join(rows)
    lines = []
    for label, value in values:
        lines.append(f"# {label}")
        lines.append(value.rstrip("\n"))
    return "**Witness**\n\n" + code_block("\n".join(lines), "python")


def _test_block(test: str, budget: int, base: str = "base") -> str:
    opening = f"<details>\n<summary>Reproducing test (pytest: {witness_label(base)})"
    opening += "</summary>\n\n"
    closing = "\n\n</details>"
    fence_room = 2 * len(fence_for(test)) + len("python") + 2  # the fence cannot grow on a cut
    room = budget - gh_len(opening) - gh_len(closing) - fence_room
    if room < _MIN_TEST_BUDGET:
        return "_The reproducing test is too long for this comment; it is in the JSON report._"
    return opening + code_block(truncate_code(test, room), "python") + closing


def finding_markdown(
    finding: Finding,
    limit: int,
    *,
    heading: str = "###",
    location: bool = False,
    marker: bool = True,
    message_budget: int | None = None,
    value_budget: int = _VALUE_BUDGET,
) -> str:
    """One finding as markdown within ``limit`` units."""
    if message_budget is None:
        message_budget = min(_MESSAGE_BUDGET, limit // 4)
    title = clip(_flat(neutralize_markers(finding.title)), _TITLE_BUDGET) or finding.kind
    parts = []
    if marker:
        parts.append(finding_marker(finding.id))
    parts.append(f"{heading} {title}")
    badges = _badges(finding)
    if location:
        where = f"{finding.path}:{finding.line}"
        badges = f"{inline_code(where)} in {inline_code(finding.function)} · {badges}"
    parts.append(badges)
    message = neutralize_markers(finding.message.strip())
    if message:
        parts.append(truncate_markdown(message, message_budget))
    if finding.witness is not None:
        parts.append(_witness_block(finding.witness, value_budget))
    body = "\n\n".join(parts)
    if finding.witness is not None and finding.witness.test.strip():
        test_block = _test_block(
            finding.witness.test, limit - gh_len(body) - 2, finding.witness.base
        )
        body = f"{body}\n\n{test_block}"
    return truncate_markdown(body, limit)  # a no-op unless the fixed parts alone overflow


def finding_comment(finding: Finding) -> str:
    """The body of an inline review comment on ``finding.line`` (under 65,536)."""
    return finding_markdown(finding, COMMENT_LIMIT)


def _compact(finding: Finding) -> str:
    title = clip(_flat(neutralize_markers(finding.title)), _TITLE_BUDGET)
    where = inline_code(f"{finding.path}:{finding.line}")
    return f"- **{title}** ({finding.kind}, {finding.severity}) at {where} · id {finding.id}"


def _fit_findings(findings: Sequence[Finding], budget: int, heading: str, marker: bool) -> str:
    """The findings within ``budget``, the most severe first and in full.

    Each finding gets at most ``max(budget / n, _FULL_SHARE)`` units, and never so much that
    the findings after it could not get at least their one-line form; a finding whose share
    is too small for the full form gets the one-line form.
    """
    compact = [_compact(f) for f in findings]
    reserve = [0] * (len(findings) + 1)
    for index in range(len(findings) - 1, -1, -1):
        reserve[index] = reserve[index + 1] + gh_len(compact[index]) + 2
    cap = max(budget // max(1, len(findings)), _FULL_SHARE)
    rendered: list[str] = []
    used = 0
    for index, finding in enumerate(findings):
        share = min(cap, budget - used - reserve[index + 1] - 2)
        if share >= _MIN_FULL_FINDING:
            text = finding_markdown(finding, share, heading=heading, location=True, marker=marker)
        else:
            text = compact[index]
        more = f"_… and {plural(len(findings) - index, 'more finding')}._"
        if used + gh_len(text) + 2 + gh_len(more) > budget and index < len(findings) - 1:
            rendered.append(more)
            break
        rendered.append(text)
        used += gh_len(text) + 2
    return "\n\n".join(rendered)


def _functions_table(report: Report) -> str:
    functions = sorted(report.changed_functions, key=lambda f: (f.path, f.start_line))
    if is_scan(report):  # no change column: a scan reads every function as it is
        rows = ["| function | file | lines |", "|---|---|---|"]
        for fn in functions[:_MAX_TABLE_ROWS]:
            name = _code_cell(fn.function)
            rows.append(f"| {name} | {_code_cell(fn.path)} | {fn.start_line}–{fn.end_line} |")
        if len(functions) > _MAX_TABLE_ROWS:
            rows.append(f"| … and {len(functions) - _MAX_TABLE_ROWS:,} more | | |")
        return "\n".join(rows)
    rows = ["| function | file | lines | change |", "|---|---|---|---|"]
    for fn in functions[:_MAX_TABLE_ROWS]:
        name = _code_cell(fn.function)
        rows.append(
            f"| {name} | {_code_cell(fn.path)} | {fn.start_line}–{fn.end_line} | {fn.status} |"
        )
    if len(functions) > _MAX_TABLE_ROWS:
        rows.append(f"| … and {len(functions) - _MAX_TABLE_ROWS:,} more | | | |")
    return "\n".join(rows)


def _skipped_list(report: Report) -> str:
    lines = []
    for item in report.skipped[:_MAX_TABLE_ROWS]:
        what = inline_code(item.path)
        if item.function:
            what += f" ({inline_code(item.function)})"
        lines.append(f"- {what}: {_flat(item.reason)}")
    if len(report.skipped) > _MAX_TABLE_ROWS:
        lines.append(f"- … and {len(report.skipped) - _MAX_TABLE_ROWS:,} more")
    return "\n".join(lines)


def _analysed_details(report: Report) -> str:
    parts = [f"<details>\n<summary>{analysed_line(report)}</summary>\n"]
    if report.changed_functions:
        parts.append(_functions_table(report))
    if report.skipped:
        parts.append("**Skipped**\n\n" + _skipped_list(report))
    if report.unchecked:
        parts.append(_unchecked_list(report))
    parts.append("</details>")
    return "\n\n".join(parts)


def _header(report: Report) -> list[str]:
    blocking = len(report.blocking)
    counts = kind_counts(report.findings)
    if is_scan(report):
        summary = f"**deepcheck** scanned {inline_code(short_sha(report.head))}: {counts}"
    else:
        summary = f"**deepcheck** checked {inline_code(short_sha(report.head))} against "
        summary += f"{inline_code(short_sha(report.base))}: {counts}"
    if report.findings:
        summary += f" ({blocking:,} verified)"
    lines = [
        summary + ".",
        f"**Verdict:** {verdict(report)}",
        f"**Tier path:** {tier_path(report)} · **Spent:** {spent_line(report.spent)}",
    ]
    unverified_text = unverified_line(report)
    if unverified_text is not None and report.blocking:  # else the verdict already says it
        lines.insert(0, f"**{_flat(neutralize_markers(unverified_text))}**")
    elif unverified_text is not None:
        lines[1] = f"**Verdict:** {_flat(neutralize_markers(unverified_text))}"
    if report.analysed:
        lines.append(f"**{checked_line(report).capitalize()}**")
    return lines


def _unchecked_list(report: Report) -> str:
    lines = []
    for item in report.unchecked[:_MAX_TABLE_ROWS]:
        what = inline_code(f"{item.path}::{item.function}")
        lines.append(f"- {what}: {clip(_flat(neutralize_markers(item.reason)), 300)}")
    if len(report.unchecked) > _MAX_TABLE_ROWS:
        lines.append(f"- … and {len(report.unchecked) - _MAX_TABLE_ROWS:,} more")
    return "**Not checked**\n\n" + "\n".join(lines)


def _notes(report: Report) -> str:
    lines = [f"- {clip(_flat(neutralize_markers(n)), 500)}" for n in report.notes[:20]]
    return "**Notes**\n\n" + "\n".join(lines)


def review_body(report: Report, outside_diff: list[Finding], resolved_ids: list[str]) -> str:
    """The body of the pull request review (under 65,536)."""
    parts = [review_marker(report.head), *_header(report), _analysed_details(report)]
    if report.notes:
        parts.append(_notes(report))
    tail: list[str] = []
    if resolved_ids:
        shown = [f"- {inline_code(i)}" for i in resolved_ids[:_MAX_RESOLVED]]
        if len(resolved_ids) > _MAX_RESOLVED:
            shown.append(f"- … and {len(resolved_ids) - _MAX_RESOLVED:,} more")
        tail.append(
            f"### Resolved since the last push ({len(resolved_ids):,})\n\n"
            "No longer reproduced on this head:\n\n" + "\n".join(shown)
        )
    if outside_diff:
        intro = (
            f"### Findings outside the diff ({len(outside_diff):,})\n\n"
            "These lines are not part of this pull request's diff, so they cannot take an "
            "inline comment."
        )
        fixed = gh_len("\n\n".join([*parts, intro, *tail])) + 8
        findings = sorted_findings(outside_diff)
        listed = _fit_findings(findings, COMMENT_LIMIT - fixed, "####", marker=True)
        parts.append(f"{intro}\n\n{listed}")
    parts.extend(tail)
    return truncate_markdown("\n\n".join(parts), COMMENT_LIMIT)


def check_run_summary(report: Report) -> tuple[str, str, str]:
    """``(title, summary, text)`` for the check run output (each under 65,535)."""
    blocking = report.blocking
    if blocking:
        title = f"{plural(len(blocking), 'verified finding')}: {kind_counts(blocking)}"
    elif report.unverified:
        title = (
            f"Unverified: {report.checked:,} of {plural(report.analysed, 'changed function')} ran"
        )
    else:
        title = "No verified findings"
    others = [f for f in report.findings if f not in blocking]
    if others:
        title += f" · {plural(len(others), 'unverified finding')}"
    findings = sorted_findings(report.findings)
    summary_parts = [*_header(report), _analysed_details(report)]
    if findings:
        rows = ["| | finding | where | confidence |", "|---|---|---|---|"]
        for f in findings[:_MAX_TABLE_ROWS]:
            where = _code_cell(f"{f.path}:{f.line}")
            badge = _KIND_BADGES.get(f.kind, f.kind)
            rows.append(f"| {badge} | {_cell(f.title)} | {where} | {f.confidence:.0%} |")
        if len(findings) > _MAX_TABLE_ROWS:
            rows.append(f"| | … and {len(findings) - _MAX_TABLE_ROWS:,} more | | |")
        summary_parts.append("\n".join(rows))
    if report.notes:
        summary_parts.append(_notes(report))
    summary = truncate_markdown("\n\n".join(summary_parts), CHECK_RUN_LIMIT)
    text = _fit_findings(findings, CHECK_RUN_LIMIT - 16, "###", marker=False)
    return clip(title, 1_000), summary, truncate_markdown(text, CHECK_RUN_LIMIT)


def report_markdown(report: Report) -> str:
    """The whole report as a markdown document (``--format markdown``), uncapped."""
    parts = ["# deepcheck report"]
    if report.title:
        parts.append(f"**{clip(_flat(neutralize_markers(report.title)), _TITLE_BUDGET)}**")
    parts.extend(_header(report))
    section = "Scanned functions" if is_scan(report) else "Changed functions"
    parts.append(f"## {section}\n\n{analysed_line(report)}")
    if report.changed_functions:
        parts.append(_functions_table(report))
    if report.unchecked:
        parts.append(_unchecked_list(report))
    findings = sorted_findings(report.findings)
    parts.append(f"## Findings ({len(findings):,})")
    if not findings:
        parts.append("Nothing found.")
    for finding in findings:
        witness = finding.witness
        values = (witness.call, witness.base, witness.head, witness.test) if witness else ()
        longest = max((gh_len(v) for v in values), default=0)
        size = gh_len(finding.message) + sum(gh_len(v) for v in values)
        section = finding_markdown(
            finding,
            size + COMMENT_LIMIT,
            location=True,
            marker=False,
            message_budget=gh_len(finding.message) + 16,
            value_budget=longest + 1,
        )
        parts.append(section)
    if report.skipped:
        parts.append("## Skipped\n\n" + _skipped_list(report))
    if report.notes:
        parts.append(_notes(report))
    return "\n\n".join(parts) + "\n"


@renderer("markdown")
def _render(report: Report) -> str:
    return report_markdown(report)
