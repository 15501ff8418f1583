"""Phrases every human-facing format shares: counts, tier path, spent, the verdict.

Pure functions over :mod:`bot.models` values; the text, markdown and SARIF renderers use
them so a run reads the same in a terminal, on a pull request and in code scanning.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.models import Finding, Report, Spent

__all__ = [
    "KIND_LABELS",
    "analysed_line",
    "checked_line",
    "is_scan",
    "kind_counts",
    "plural",
    "short_sha",
    "spent_line",
    "tier_path",
    "unverified_line",
    "verdict",
    "witness_label",
]

KIND_LABELS = {"defect": "defect", "behavior-change": "behavior change", "risk": "risk"}
_KIND_ORDER = ("defect", "behavior-change", "risk")


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 defect``, ``2 defects``, ``1,200 examples``."""
    noun = word if count == 1 else (many or f"{word}s")
    return f"{count:,} {noun}"


def kind_counts(findings: Iterable[Finding]) -> str:
    """``1 defect, 2 behavior changes, 1 risk`` (kinds with no finding are left out)."""
    counts = {kind: 0 for kind in _KIND_ORDER}
    for finding in findings:
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
    parts = [plural(n, KIND_LABELS.get(kind, kind)) for kind, n in counts.items() if n]
    return ", ".join(parts) if parts else "no findings"


def tier_path(report: Report) -> str:
    """``quick → standard``; the report's tier when nothing was recorded."""
    path = report.spent.tier_path or [report.tier]
    return " → ".join(path)


def spent_line(spent: Spent) -> str:
    """``42 sandbox runs · 1,200 examples · 12.3 s · 3 LLM calls (4,500 tokens) · $0.02``; with
    prompt caching ``(4,500 tokens; cached: 3,000 read, 1,200 written)``."""
    parts = [
        plural(spent.sandbox_runs, "sandbox run"),
        plural(spent.examples, "example"),
        f"{spent.seconds:,.1f} s",
    ]
    if spent.llm_calls or spent.llm_tokens:
        calls = plural(spent.llm_calls, "LLM call")
        tokens = plural(spent.llm_tokens, "token")
        read, written = spent.llm_cache_read_tokens, spent.llm_cache_write_tokens
        if read or written:  # prompt cache: part of the tokens, cheaper to read
            tokens += f"; cached: {read:,} read, {written:,} written"
        parts.append(f"{calls} ({tokens})")
    else:
        parts.append("no LLM calls")
    parts.append(f"${spent.cost_usd:,.2f}")
    return " · ".join(parts)


def is_scan(report: Report) -> bool:
    """A ``deepcheck scan`` report: one tree, no base (its ``base`` is empty)."""
    return not report.base


def witness_label(base: str) -> str:
    """What a reproducing test shows: against a base, or (a scan's, no base) on one tree."""
    return "fails on head, passes on base" if base else "fails on the scanned tree"


def analysed_line(report: Report) -> str:
    """``3 changed functions in 2 files analysed · 1 skipped`` (a scan: ``3 functions in 2
    files scanned``)."""
    functions = report.changed_functions
    files = {f.path for f in functions}
    if is_scan(report):
        line = f"{plural(len(functions), 'function')} in {plural(len(files), 'file')} scanned"
    else:
        line = (
            f"{plural(len(functions), 'changed function')} in {plural(len(files), 'file')} analysed"
        )
    if report.skipped:
        line += f" · {len(report.skipped):,} skipped"
    return line


def checked_line(report: Report) -> str:
    """``changed functions checked: 2 of 3 · changed lines executed: 7/9`` (what ran)."""
    line = f"changed functions checked: {report.checked:,} of {report.analysed:,}"
    if report.coverage:
        executed = sum(c.executed for c in report.coverage)
        total = sum(c.total for c in report.coverage)
        line += f" · changed lines executed: {executed:,}/{total:,}"
    return line


def unverified_line(report: Report) -> str | None:
    """``UNVERIFIED: 0 of 3 changed functions could be run: No module named 'x'`` (or None).

    Said first, before any finding or pass: a change whose code could not run was not checked,
    whatever else the report says.
    """
    if not report.unverified:
        return None
    failed = [u for u in report.unchecked if u.cause == "could-not-run"] or list(report.unchecked)
    reasons = list(dict.fromkeys(u.reason for u in failed))
    line = (
        f"UNVERIFIED: {report.checked:,} of {plural(report.analysed, 'changed function')} "
        f"could be run: {reasons[0] if reasons else 'no check ran'}"
    )
    if len(reasons) > 1:
        line += f" (and {plural(len(reasons) - 1, 'other reason')})"
    return line


def verdict(report: Report) -> str:
    """One line: does anything verified block this change, or could it not be verified?"""
    blocking = report.blocking
    if blocking:
        return (
            f"FAIL: {plural(len(blocking), 'verified finding')} "
            f"({kind_counts(blocking)}) at {short_sha(report.head)}"
        )
    unverified_text = unverified_line(report)
    if unverified_text is not None:
        return unverified_text
    unverified = [f for f in report.findings if f not in blocking]
    if unverified:
        return f"PASS: no verified findings ({plural(len(unverified), 'unverified note')})"
    what = "scanned function" if is_scan(report) else "changed function"
    return f"PASS: no findings in {plural(len(report.changed_functions), what)}"


def short_sha(sha: str) -> str:
    """The first 12 characters of a hex SHA; anything else (a ref name) unchanged."""
    if len(sha) > 12 and all(c in "0123456789abcdef" for c in sha.lower()):
        return sha[:12]
    return sha
