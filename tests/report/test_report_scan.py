"""A scan's report (one tree, no base): functions are scanned, witnesses have no base."""

from __future__ import annotations

import json
from dataclasses import replace

from report_values import make_defect, make_report

from bot.models import Report
from bot.report import render
from bot.report.json_report import to_json


def scan_report() -> Report:
    defect = make_defect()
    assert defect.witness is not None
    witness = replace(defect.witness, base="")
    return make_report((replace(defect, witness=witness),), base="", title="scan of repo")


def check_report() -> Report:
    return make_report((make_defect(),))


def test_text_says_scanned_and_shows_no_base() -> None:
    text = render(scan_report(), "text")
    assert "functions in" in text and "scanned" in text
    assert "changed function" not in text and "added" not in text and "modified" not in text
    assert "base " not in text and "passes on base" not in text
    assert "result Decimal('1.00')" in text
    assert "fails on the scanned tree" in text
    # a check is unchanged
    checked = render(check_report(), "text")
    assert "passes on base" in checked and "changed function" in checked


def test_markdown_says_scanned_and_shows_no_base() -> None:
    md = render(scan_report(), "markdown")
    assert "## Scanned functions" in md and "| change |" not in md
    assert "base result" not in md and "passes on base" not in md
    assert "**result:**" in md or "# result" in md
    assert "**deepcheck** scanned" in md
    checked = render(check_report(), "markdown")
    assert "## Changed functions" in checked and "base result" in checked


def test_json_witness_of_a_scan_has_no_base_and_check_keeps_its_contract() -> None:
    data = json.loads(render(scan_report(), "json"))
    [finding] = data["findings"]
    assert set(finding["witness"]) == {"call", "head", "test"}
    assert data["mode"] == "scan"
    checked = to_json(check_report())
    assert set(checked["findings"][0]["witness"]) == {"call", "base", "head", "test"}
    assert "mode" not in checked
