"""The JSON report, version 1: the exact shape design.md documents."""

from __future__ import annotations

import json

from report_values import make_defect, make_report, make_risk

from bot.models import Report
from bot.report import json_report, render

DOCUMENTED_TOP = {"version", "base", "head", "tier", "changed_functions", "findings", "spent"}
EXTRA_TOP = {"title", "outside_diff", "skipped", "notes", "verification"}
FINDING_KEYS = [
    "id",
    "kind",
    "severity",
    "verified",
    "path",
    "line",
    "function",
    "title",
    "message",
    "witness",
    "confidence",
    "sources",
    "samples",
    "votes",
]
WITNESS_KEYS = {"call", "base", "head", "test"}
SPENT_KEYS = {
    "tier_path",
    "sandbox_runs",
    "examples",
    "seconds",
    "llm_calls",
    "llm_tokens",
    "cost_usd",
}
# Keys added to version 1 since (the documented ones above stay exactly as they are).
SPENT_EXTENSIONS = {
    "llm_input_tokens",
    "llm_output_tokens",
    "llm_cache_read_tokens",
    "llm_cache_write_tokens",
    "llm_agreement",
    "sandbox_cpu_s",
}
CHANGED_FUNCTION_KEYS = {"path", "function", "start_line", "end_line"}


def test_top_level_keys_are_the_documented_ones_plus_extras(report: Report) -> None:
    data = json_report.to_json(report)
    assert set(data) >= DOCUMENTED_TOP
    assert set(data) - DOCUMENTED_TOP == EXTRA_TOP
    assert data["version"] == 1
    assert (data["base"], data["head"], data["tier"]) == ("1" * 40, "2" * 40, "standard")


def test_finding_keys_are_exact_and_typed(report: Report) -> None:
    findings = json_report.to_json(report)["findings"]
    assert len(findings) == 4
    for finding in findings:
        assert list(finding) == FINDING_KEYS
        assert type(finding["line"]) is int
        assert type(finding["verified"]) is bool
        assert type(finding["confidence"]) is float
        assert type(finding["samples"]) is int and type(finding["votes"]) is int
        assert isinstance(finding["sources"], list)
        assert finding["kind"] in {"defect", "behavior-change", "risk"}
        assert finding["severity"] in {"high", "medium", "low"}
        if finding["witness"] is not None:
            assert set(finding["witness"]) == WITNESS_KEYS


def test_witness_is_null_when_absent() -> None:
    data = json.loads(json_report.dumps(make_report((make_risk(),))))
    assert data["findings"][0]["witness"] is None
    assert '"witness": null' in json_report.dumps(make_report((make_risk(),)))


def test_witness_values_are_kept() -> None:
    data = json_report.to_json(make_report((make_defect(),)))
    witness = data["findings"][0]["witness"]
    assert witness["call"] == "compound(principal=Decimal('1.00'), rate=Decimal('0.5'), periods=1)"
    assert witness["base"] == "Decimal('1.50')"
    assert witness["head"] == "Decimal('1.00')"
    assert witness["test"].startswith("from decimal import Decimal")


def test_spent_has_exactly_its_keys(report: Report) -> None:
    spent = json_report.to_json(report)["spent"]
    assert set(spent) == SPENT_KEYS | SPENT_EXTENSIONS
    assert spent["tier_path"] == ["quick", "standard"]
    assert type(spent["seconds"]) is float and type(spent["cost_usd"]) is float
    assert spent["sandbox_runs"] == 42 and spent["llm_tokens"] == 4500
    # Extensions a run without a model (or without caching) fills with zero, as ints.
    assert spent["llm_cache_read_tokens"] == spent["llm_cache_write_tokens"] == 0
    assert type(spent["llm_cache_read_tokens"]) is int


def test_changed_functions_have_the_documented_keys(report: Report) -> None:
    functions = json_report.to_json(report)["changed_functions"]
    assert [set(f) for f in functions] == [CHANGED_FUNCTION_KEYS] * 3
    compound = {"path": "ledger/interest.py", "function": "compound", "start_line": 12}
    assert {**compound, "end_line": 19} in functions


def test_findings_are_ordered_by_severity_path_line_id(report: Report) -> None:
    findings = json_report.to_json(report)["findings"]
    keys = [(f["severity"], f["path"], f["line"]) for f in findings]
    assert keys == [
        ("high", "ledger/interest.py", 17),
        ("medium", "ledger/book.py", 3),
        ("medium", "ledger/fees.py", 42),
        ("low", "ledger/fx.py", 8),
    ]


def test_same_line_findings_are_ordered_by_id() -> None:
    a = make_defect(id="b" * 16)
    b = make_defect(id="a" * 16)
    ids = [f["id"] for f in json_report.to_json(make_report((a, b)))["findings"]]
    assert ids == ["a" * 16, "b" * 16]


def test_output_is_deterministic_and_keeps_unicode(report: Report) -> None:
    text = json_report.dumps(report)
    shuffled = make_report(tuple(reversed(report.findings)))
    assert text == json_report.dumps(shuffled)
    assert "日本語 💶" in text and "Überziehung" in text
    assert text.endswith("\n")


def test_extras_live_at_top_level(report: Report) -> None:
    data = json_report.to_json(report)
    assert data["title"] == "Interest: compound per period"
    outside = [f for f in report.findings if not f.in_diff]
    assert data["outside_diff"] == [outside[0].id]
    assert data["skipped"][1] == {
        "path": "ledger/legacy.py",
        "function": "old_rate",
        "reason": "syntax error",
    }
    assert data["notes"] == ["1 flaky witness re-run and dropped"]


def test_non_finite_numbers_still_make_valid_json() -> None:
    text = json_report.dumps(make_report((make_defect(confidence=float("nan")),)))
    assert json.loads(text)["findings"][0]["confidence"] == 0.0


def test_render_dispatches_to_json(report: Report) -> None:
    assert render(report, "json") == json_report.dumps(report)
