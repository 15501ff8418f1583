"""Report values built by hand for the renderer tests (imported by conftest and tests)."""

from __future__ import annotations

from bot.fingerprint import finding_id
from bot.models import ChangedFunction, Finding, Report, Skipped, Spent, Witness

DEFECT_TEST = """\
from decimal import Decimal

from ledger.interest import compound


def test_compound_applies_one_period():
    assert compound(principal=Decimal("1.00"), rate=Decimal("0.5"), periods=1) == Decimal("1.50")
"""


def make_defect(**changes: object) -> Finding:
    call = "compound(principal=Decimal('1.00'), rate=Decimal('0.5'), periods=1)"
    values: dict[str, object] = {
        "id": finding_id("defect", "ledger/interest.py", "compound", call),
        "kind": "defect",
        "severity": "high",
        "verified": True,
        "path": "ledger/interest.py",
        "line": 17,
        "function": "compound",
        "title": "compound() skips the last period",
        "message": "The loop runs `range(periods - 1)`: one period of interest is lost.",
        "witness": Witness(
            call=call, base="Decimal('1.50')", head="Decimal('1.00')", test=DEFECT_TEST
        ),
        "confidence": 0.97,
        "sources": ("differential", "invariant"),
        "samples": 5,
        "votes": 5,
    }
    values.update(changes)
    return Finding(**values)  # type: ignore[arg-type]


def make_behavior_change(**changes: object) -> Finding:
    call = "late_fee(days=5, grace_days=5)"
    values: dict[str, object] = {
        "id": finding_id("behavior-change", "ledger/fees.py", "Ledger.late_fee", call),
        "kind": "behavior-change",
        "severity": "medium",
        "verified": True,
        "path": "ledger/fees.py",
        "line": 42,
        "function": "Ledger.late_fee",
        "title": "Frist geändert: Gebühr schon am 5. Tag (€) — 日本語 💶",
        "message": "Überziehung: `days <= grace_days` became `days < grace_days`.\n\n"
        "```python\nif days < grace_days:\n    return Decimal('0')\n```",
        "witness": Witness(
            call=call,
            base="Decimal('0')",
            head="Decimal('2.50')",
            test="def test_grace():\n    assert late_fee(days=5, grace_days=5) == 0\n",
        ),
        "confidence": 0.6,
        "sources": ("differential",),
        "samples": 3,
        "votes": 2,
    }
    values.update(changes)
    return Finding(**values)  # type: ignore[arg-type]


def make_risk(**changes: object) -> Finding:
    values: dict[str, object] = {
        "id": finding_id("risk", "ledger/fx.py", "convert", "money-float"),
        "kind": "risk",
        "severity": "low",
        "verified": False,
        "path": "ledger/fx.py",
        "line": 8,
        "function": "convert",
        "title": "float used for money",
        "message": "`amount * rate` multiplies floats; use `Decimal`.",
        "witness": None,
        "confidence": 0.3,
        "sources": ("rules",),
    }
    values.update(changes)
    return Finding(**values)  # type: ignore[arg-type]


def make_outside(**changes: object) -> Finding:
    call = "balance(entries=[])"
    values: dict[str, object] = {
        "id": finding_id("behavior-change", "ledger/book.py", "balance", call),
        "path": "ledger/book.py",
        "line": 3,
        "function": "balance",
        "title": "balance([]) now raises",
        "message": "An empty ledger used to balance to zero.",
        "witness": Witness(
            call=call,
            base="Decimal('0')",
            head="raises ValueError('empty ledger')",
            test="def test_empty():\n    assert balance(entries=[]) == 0\n",
        ),
        "in_diff": False,
    }
    values.update(changes)
    return make_behavior_change(**values)


def make_report(findings: tuple[Finding, ...], **changes: object) -> Report:
    values: dict[str, object] = {
        "base": "1" * 40,
        "head": "2" * 40,
        "tier": "standard",
        "changed_functions": (
            ChangedFunction("ledger/interest.py", "compound", 12, 19, "modified"),
            ChangedFunction("ledger/fees.py", "Ledger.late_fee", 30, 48, "modified"),
            ChangedFunction("ledger/fx.py", "convert", 5, 9, "added"),
        ),
        "findings": findings,
        "spent": Spent(
            tier_path=["quick", "standard"],
            sandbox_runs=42,
            examples=1200,
            seconds=12.34,
            llm_calls=3,
            llm_tokens=4500,
            cost_usd=0.02,
        ),
        "skipped": (
            Skipped("assets/logo.png", "binary"),
            Skipped("ledger/legacy.py", "syntax error", "old_rate"),
        ),
        "notes": ("1 flaky witness re-run and dropped",),
        "title": "Interest: compound per period",
    }
    values.update(changes)
    return Report(**values)  # type: ignore[arg-type]
