"""SARIF 2.1.0: valid against the official OASIS schema, and acceptable to GitHub."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from report_values import make_behavior_change, make_defect, make_report, make_risk

from bot.models import Report, Witness
from bot.report import render, sarif

SCHEMA_PATH = Path(__file__).parents[1] / "samples" / "sarif" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def _assert_github_accepts(log: dict[str, Any]) -> None:
    """What GitHub code scanning checks beyond the schema."""
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "deepcheck"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(run["results"]) <= sarif.MAX_RESULTS
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["message"]["text"].strip()
        assert result["locations"], "GitHub needs at least one location"
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert uri and not uri.startswith(("/", "file:")), "repo-relative"
        assert physical["region"]["startLine"] >= 1
        assert result["partialFingerprints"][sarif.FINGERPRINT_KEY]
    size = len(gzip.compress(json.dumps(log).encode("utf-8")))
    assert size <= sarif.MAX_GZIP_BYTES


def test_report_validates_against_the_official_schema(
    report: Report, validator: jsonschema.Draft4Validator
) -> None:
    log = json.loads(render(report, "sarif"))
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    _assert_github_accepts(log)


def test_empty_report_is_valid(empty_report: Report, validator: jsonschema.Draft4Validator) -> None:
    log = sarif.to_sarif(empty_report)
    validator.validate(log)
    assert log["runs"][0]["results"] == []
    _assert_github_accepts(log)


def test_driver_and_rules(report: Report) -> None:
    driver = sarif.to_sarif(report)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"].startswith("https://")
    assert driver["version"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in driver["rules"]}
    assert levels == {"defect": "error", "behavior-change": "warning", "risk": "note"}
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert "deepcheck" in rule["properties"]["tags"]


def test_results_carry_level_location_fingerprint_and_witness(report: Report) -> None:
    results = sarif.to_sarif(report)["runs"][0]["results"]
    by_kind = {r["ruleId"]: r for r in results if r["properties"]["inDiff"]}
    defect = by_kind["defect"]
    assert defect["level"] == "error"
    assert by_kind["behavior-change"]["level"] == "warning"
    assert by_kind["risk"]["level"] == "note"
    location = defect["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "ledger/interest.py"
    assert location["region"]["startLine"] == 17
    assert defect["partialFingerprints"] == {sarif.FINGERPRINT_KEY: make_defect().id}
    assert "call: compound(principal=Decimal('1.00')" in defect["message"]["text"]
    assert "```python" in defect["message"]["markdown"]
    assert defect["properties"]["witness"]["head"] == "Decimal('1.00')"
    assert by_kind["risk"]["properties"]["witness"] is None


def test_paths_are_percent_encoded_and_line_zero_is_clamped(
    validator: jsonschema.Draft4Validator,
) -> None:
    finding = make_risk(path="./src/my module/ünï.py", line=0)
    log = sarif.to_sarif(make_report((finding,)))
    validator.validate(log)
    physical = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "src/my%20module/%C3%BCn%C3%AF.py"
    assert physical["region"]["startLine"] == 1
    _assert_github_accepts(log)


def test_results_are_capped_at_githubs_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    findings = tuple(make_risk(id=f"{i:016x}", line=i + 1) for i in range(5))
    findings += (make_defect(),)
    run = sarif.to_sarif(make_report(findings))["runs"][0]
    assert len(run["results"]) == 3
    assert run["results"][0]["ruleId"] == "defect", "the most severe are kept"
    assert run["properties"]["omittedResults"] == 3


def test_oversized_logs_drop_the_tests_first(
    monkeypatch: pytest.MonkeyPatch, validator: jsonschema.Draft4Validator
) -> None:
    import random

    noise = random.Random(7)
    test = "\n".join(f"x_{noise.getrandbits(64):x} = {noise.random()!r}" for _ in range(3000))
    findings = tuple(
        make_behavior_change(
            id=f"{i:016x}", line=i + 1, witness=Witness("f(1)", "1", "2", test + str(i))
        )
        for i in range(4)
    )
    full = sarif.to_sarif(make_report(findings))
    limit = len(gzip.compress(sarif.dumps(make_report(findings)).encode())) // 2
    monkeypatch.setattr(sarif, "MAX_GZIP_BYTES", limit)
    log = sarif.to_sarif(make_report(findings))
    validator.validate(log)
    assert full["runs"][0]["results"][0]["properties"]["witness"]["test"]
    assert log["runs"][0]["properties"]["detail"] == "no-tests"
    assert log["runs"][0]["results"][0]["properties"]["witness"]["test"] == ""
    assert len(gzip.compress(sarif.dumps(make_report(findings)).encode())) <= limit


def test_sarif_is_deterministic(report: Report) -> None:
    assert sarif.dumps(report) == sarif.dumps(make_report(tuple(reversed(report.findings))))


def test_the_schema_is_strict_enough_to_catch_mistakes(
    report: Report, validator: jsonschema.Draft4Validator
) -> None:
    log = sarif.to_sarif(report)
    result = log["runs"][0]["results"][0]
    result["level"] = "fatal"
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    result["unknownProperty"] = True
    messages = {e.message for e in validator.iter_errors(log)}
    assert any("'fatal' is not one of" in m for m in messages)
    assert any("less than the minimum of 1" in m for m in messages)
    assert any("unknownProperty" in m for m in messages)
