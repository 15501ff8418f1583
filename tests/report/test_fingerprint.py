"""Finding ids: stable across unrelated edits, different across functions and kinds."""

from __future__ import annotations

import re

from report_values import make_defect, make_report

from bot.fingerprint import finding_id, normalize_anchor
from bot.report import json_report

CALL = "compound(principal=Decimal('1.00'), rate=Decimal('0.5'), periods=1)"


def test_shape_is_sixteen_lowercase_hex() -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", finding_id("defect", "a.py", "f", CALL))


def test_known_value_pins_the_recipe() -> None:
    # Changing this value changes every id users have seen: only with a new scheme tag.
    assert finding_id("defect", "ledger/interest.py", "compound", CALL) == "e688d4af73558d82"


def test_same_finding_on_the_next_push_keeps_its_id() -> None:
    first = finding_id("defect", "ledger/interest.py", "compound", CALL)
    # The next push reformatted the witness call and spelled the path with "./".
    reformatted = "compound(principal=Decimal('1.00'),\n    rate=Decimal('0.5'),   periods=1)  "
    assert normalize_anchor(reformatted) == CALL
    assert finding_id("defect", "./ledger/interest.py", "compound", reformatted) == first


def test_unrelated_edits_keep_the_id() -> None:
    # An edit above the function moved it 30 lines; the message was reworded; a re-vote.
    before = make_defect(line=17, message="old wording", confidence=0.9, votes=3)
    after = make_defect(line=47, message="new wording", confidence=0.97, votes=5)
    assert before.id == after.id == finding_id("defect", "ledger/interest.py", "compound", CALL)
    json_ids = {
        json_report.to_json(make_report((make_defect(line=n),)))["findings"][0]["id"]
        for n in (1, 17, 900)
    }
    assert json_ids == {before.id}


def test_different_function_kind_path_or_anchor_gives_a_different_id() -> None:
    base = finding_id("defect", "ledger/interest.py", "compound", CALL)
    variants = {
        finding_id("behavior-change", "ledger/interest.py", "compound", CALL),
        finding_id("defect", "ledger/interest.py", "Ledger.compound", CALL),
        finding_id("defect", "ledger/other.py", "compound", CALL),
        finding_id("defect", "ledger/interest.py", "compound", CALL.replace("1.00", "2.00")),
        finding_id("risk", "ledger/interest.py", "compound", "money-float"),
    }
    assert base not in variants
    assert len(variants) == 5


def test_fields_cannot_run_into_each_other() -> None:
    assert finding_id("defect", "a.py", "fb", "c") != finding_id("defect", "a.py", "f", "bc")
