"""SARIF 2.1.0 for GitHub code scanning (``--format sarif``).

One run, one rule per finding kind (``defect`` → ``error``, ``behavior-change`` →
``warning``, ``risk`` → ``note``). Each result has what GitHub requires (a ``ruleId``, a
``message.text``, a physical location with a repo-relative ``uri`` and ``startLine`` ≥ 1),
the stable finding id as ``partialFingerprints["deepcheckFindingId/v1"]`` (so GitHub tracks
the alert across pushes by our id, not by line), the witness in ``message.markdown`` and
in ``properties.witness``.

GitHub limits a run to 25,000 results and an upload to 10 MB gzip-compressed. Findings are
ordered most severe first and cut at the result limit; when the log is still too large the
reproducing tests are dropped from it (they stay in the JSON report). Either is recorded in
``runs[0].properties``.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from importlib import metadata
from typing import Any
from urllib.parse import quote

from bot.fingerprint import normalize_path
from bot.models import Finding, Report
from bot.report import renderer
from bot.report.fences import clip
from bot.report.json_report import finding_to_json, sorted_findings, to_json
from bot.report.markdown import finding_markdown

__all__ = [
    "FINGERPRINT_KEY",
    "MAX_GZIP_BYTES",
    "MAX_RESULTS",
    "SARIF_SCHEMA_URI",
    "dumps",
    "to_sarif",
]

SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/deepcheck/deepcheck"
FINGERPRINT_KEY = "deepcheckFindingId/v1"
MAX_RESULTS = 25_000  # GitHub: results per run
MAX_GZIP_BYTES = 10 * 1024 * 1024  # GitHub: gzip-compressed upload

_LEVELS = {"defect": "error", "behavior-change": "warning", "risk": "note"}
_PRECISION = {"defect": "very-high", "behavior-change": "high", "risk": "medium"}
_PROBLEM_SEVERITY = {"defect": "error", "behavior-change": "warning", "risk": "recommendation"}

_RULES: dict[str, dict[str, str]] = {
    "defect": {
        "name": "VerifiedDefect",
        "short": "Verified defect: a concrete input behaves wrongly on the head revision",
        "full": (
            "deepcheck ran a concrete input against the base and the head of the change; the "
            "head result breaks an invariant or was judged wrong, and the base result did not."
        ),
        "help": (
            "Run the reproducing test in the result: it passes on the base revision and fails "
            "on the head. Fix the function, or explain why the new behavior is intended."
        ),
    },
    "behavior-change": {
        "name": "BehaviorChange",
        "short": "Verified behavior change between base and head",
        "full": (
            "A concrete input gives a different result on the head revision than on the base. "
            "Whether the change is intended could not be decided."
        ),
        "help": (
            "Check the witness call, the base result and the head result. If the change is "
            "intended, say so in the pull request; otherwise the reproducing test shows the bug."
        ),
    },
    "risk": {
        "name": "UnverifiedRisk",
        "short": "Risk: a rule matched, nothing was executed",
        "full": (
            "A deepcheck rule matched this code (for example float arithmetic on money), but "
            "no execution confirmed a wrong result. Informational only; it never blocks."
        ),
        "help": "Read the message for the matched rule and what it guards against.",
    },
}
_RULE_IDS = tuple(_RULES)
_MARKDOWN_LIMIT = 32_000
_VALUE_LIMIT = 10_000  # each witness value, in the text and the properties
_PROPERTY_KEYS = (
    "title",
    "function",
    "severity",
    "verified",
    "confidence",
    "sources",
    "samples",
    "votes",
    "witness",
)


def _tool_version() -> str:
    try:
        return metadata.version("deepcheck")
    except metadata.PackageNotFoundError:
        return "0.0.0+unknown"


def _rule(kind: str) -> dict[str, Any]:
    rule = _RULES[kind]
    return {
        "id": kind,
        "name": rule["name"],
        "shortDescription": {"text": rule["short"]},
        "fullDescription": {"text": rule["full"]},
        "help": {"text": rule["help"], "markdown": rule["help"]},
        "defaultConfiguration": {"level": _LEVELS[kind]},
        "properties": {
            "tags": ["deepcheck", "correctness", kind],
            "precision": _PRECISION[kind],
            "problem.severity": _PROBLEM_SEVERITY[kind],
        },
    }


def _uri(path: str) -> str:
    """A repo-relative URI reference (percent-encoded, ``/`` kept)."""
    return quote(normalize_path(path).lstrip("/"), safe="/")


def _text(finding: Finding) -> str:
    lines = [" ".join(finding.title.split()) or finding.kind]
    if finding.witness is not None:
        lines.append(f"call: {finding.witness.call}")
        lines.append(f"base: {finding.witness.base}")
        lines.append(f"head: {finding.witness.head}")
    return "\n".join(lines)


def _result(finding: Finding, detail: str) -> dict[str, Any]:
    """One result; ``detail`` is ``full``, ``no-tests`` or ``text-only``."""
    shown = finding
    if finding.witness is not None:
        witness = finding.witness
        shown = replace(
            finding,
            witness=replace(
                witness,
                call=clip(witness.call, _VALUE_LIMIT),
                base=clip(witness.base, _VALUE_LIMIT),
                head=clip(witness.head, _VALUE_LIMIT),
                test=witness.test if detail == "full" else "",
            ),
        )
    finding_json = finding_to_json(shown)
    properties = {key: finding_json[key] for key in _PROPERTY_KEYS}
    properties["inDiff"] = finding.in_diff
    message = {"text": _text(shown)}
    if detail != "text-only":
        message["markdown"] = finding_markdown(shown, _MARKDOWN_LIMIT, marker=False)
    return {
        "ruleId": finding.kind,
        "ruleIndex": _RULE_IDS.index(finding.kind),
        "level": _LEVELS[finding.kind],
        "message": message,
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(1, int(finding.line))},
                },
                "logicalLocations": [{"fullyQualifiedName": finding.function, "kind": "function"}],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.id},
        "properties": properties,
    }


def _log(report: Report, findings: list[Finding], detail: str, omitted: int) -> dict[str, Any]:
    report_json = to_json(report)
    run_properties: dict[str, Any] = {
        key: report_json[key] for key in ("base", "head", "tier", "spent", "skipped", "notes")
    }
    if omitted:
        run_properties["omittedResults"] = omitted
    if detail != "full":
        run_properties["detail"] = detail
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "deepcheck",
                        "informationUri": INFORMATION_URI,
                        "version": _tool_version(),
                        "semanticVersion": _tool_version(),
                        "rules": [_rule(kind) for kind in _RULE_IDS],
                    }
                },
                "results": [_result(f, detail) for f in findings],
                "properties": run_properties,
            }
        ],
    }


def _gzip_size(log: dict[str, Any]) -> int:
    return len(gzip.compress(_encode(log).encode("utf-8"), compresslevel=6))


def _encode(log: dict[str, Any]) -> str:
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def to_sarif(report: Report) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log that GitHub code scanning accepts."""
    findings = [f for f in sorted_findings(report.findings) if f.kind in _RULES]
    kept = findings[:MAX_RESULTS]
    omitted = len(report.findings) - len(kept)
    log: dict[str, Any] = {}
    for detail in ("full", "no-tests", "text-only"):
        log = _log(report, kept, detail, omitted)
        if _gzip_size(log) <= MAX_GZIP_BYTES:
            break
    return log


def dumps(report: Report) -> str:
    """The SARIF log as text (two-space indent, UTF-8, a final newline)."""
    return _encode(to_sarif(report))


@renderer("sarif")
def _render(report: Report) -> str:
    return dumps(report)
