"""The JSON report, version 1 (design.md, "Contracts"): external tests depend on it exactly.

The documented keys keep their names, nesting and types: ``witness`` is ``null`` when there
is none, ``line`` is an int, ``sources`` a list, ``spent`` has exactly its seven keys, and
``changed_functions`` entries exactly their four. Extra information goes only into extra
*top-level* keys (``title``, ``skipped``, ``notes``, ``outside_diff``,
``verification``), never into the
documented objects.

Findings are ordered deterministically: severity (high first), path, line, id.
"""

from __future__ import annotations

import json
import math
from typing import Any

from bot.models import ChangedFunction, Finding, Report, Skipped, Spent, Witness
from bot.report import renderer

__all__ = [
    "JSON_VERSION",
    "dumps",
    "finding_sort_key",
    "finding_to_json",
    "sorted_findings",
    "to_json",
]

JSON_VERSION = 1
_SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


def finding_sort_key(finding: Finding) -> tuple[int, str, int, str]:
    """Severity (high first), then path, line and id."""
    rank = _SEVERITY_RANK.get(finding.severity, len(_SEVERITY_RANK))
    return (rank, finding.path, finding.line, finding.id)


def sorted_findings(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_sort_key)


def _finite(value: float) -> float:
    """JSON has no NaN or infinity: such a value (a bug upstream) is written as 0.0."""
    number = float(value)
    return number if math.isfinite(number) else 0.0


def _witness(witness: Witness | None, scan: bool = False) -> dict[str, str] | None:
    if witness is None:
        return None
    if scan:  # a scan has no base: its witness is the call, the result and the test
        return {"call": witness.call, "head": witness.head, "test": witness.test}
    return {
        "call": witness.call,
        "base": witness.base,
        "head": witness.head,
        "test": witness.test,
    }


def finding_to_json(finding: Finding, *, scan: bool = False) -> dict[str, Any]:
    """One finding exactly as the version 1 report writes it (``scan``: no witness base)."""
    out = {
        "id": finding.id,
        "kind": finding.kind,
        "severity": finding.severity,
        "verified": bool(finding.verified),
        "path": finding.path,
        "line": int(finding.line),
        "function": finding.function,
        "title": finding.title,
        "message": finding.message,
        "witness": _witness(finding.witness, scan),
        "confidence": _finite(finding.confidence),
        "sources": list(finding.sources),
        "samples": int(finding.samples),
        "votes": int(finding.votes),
    }
    if finding.outside_domain:  # an extension of version 1: only when it applies
        out["outside_domain"] = finding.outside_domain
    return out


def _changed_function(fn: ChangedFunction) -> dict[str, Any]:
    return {
        "path": fn.path,
        "function": fn.function,
        "start_line": int(fn.start_line),
        "end_line": int(fn.end_line),
    }


def _spent(spent: Spent) -> dict[str, Any]:
    return {
        "tier_path": list(spent.tier_path),
        "sandbox_runs": int(spent.sandbox_runs),
        "examples": int(spent.examples),
        "seconds": _finite(spent.seconds),
        "llm_calls": int(spent.llm_calls),
        "llm_tokens": int(spent.llm_tokens),
        "cost_usd": _finite(spent.cost_usd),
        # Extensions of version 1 (design.md keys above are unchanged):
        "llm_input_tokens": int(spent.llm_input_tokens),
        "llm_output_tokens": int(spent.llm_output_tokens),
        "llm_cache_read_tokens": int(spent.llm_cache_read_tokens),
        "llm_cache_write_tokens": int(spent.llm_cache_write_tokens),
        "llm_agreement": None if spent.llm_agreement is None else _finite(spent.llm_agreement),
        "sandbox_cpu_s": round(_finite(spent.sandbox_cpu_s), 3),
    }


def _skipped(skipped: Skipped) -> dict[str, Any]:
    return {"path": skipped.path, "function": skipped.function, "reason": skipped.reason}


def to_json(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready dict, version 1."""
    findings = sorted_findings(report.findings)
    functions = sorted(report.changed_functions, key=lambda f: (f.path, f.start_line, f.function))
    scan = not report.base  # deepcheck scan: one tree, no base
    out: dict[str, Any] = {
        "version": JSON_VERSION,
        "base": report.base,
        "head": report.head,
        "tier": report.tier,
        "changed_functions": [_changed_function(f) for f in functions],
        "findings": [finding_to_json(f, scan=scan) for f in findings],
        "spent": _spent(report.spent),
        # Extras (top level only; the documented keys above stay exact).
        "title": report.title,
        "outside_diff": [f.id for f in findings if not f.in_diff],
        "skipped": [_skipped(s) for s in report.skipped],
        "notes": list(report.notes),
        "verification": {
            "analysed": report.analysed,
            "checked": report.checked,
            "unverified": report.unverified,
            "unchecked": [
                {"path": u.path, "function": u.function, "reason": u.reason, "cause": u.cause}
                for u in report.unchecked
            ],
            "changed_lines": [
                {"path": c.path, "function": c.function, "executed": c.executed, "total": c.total}
                for c in report.coverage
            ],
        },
    }
    if scan:  # extra top-level key: the functions are the scanned ones, not a change
        out["mode"] = "scan"
    return out


def dumps(report: Report) -> str:
    """The JSON report as text: two-space indent, UTF-8 kept as is, a final newline."""
    return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"


@renderer("json")
def _render(report: Report) -> str:
    return dumps(report)
