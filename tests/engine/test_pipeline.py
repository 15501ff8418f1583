"""The check pipeline over real git repositories and the real harness (process backend)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from bot.engine.pipeline import CheckRequest, Deps, check
from rules.loader import load_rules
from sandbox.process_runner import ProcessRunner
from tests.fakes.gitrepos import make_repo

SPLIT_BASE = '''from decimal import ROUND_DOWN, Decimal


def split_amount(amount: Decimal, parts: int) -> list[Decimal]:
    """Split amount into parts that differ by at most a cent and add up to amount."""
    if parts <= 0:
        raise ValueError("parts must be positive")
    share = (amount / parts).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    shares = [share] * parts
    remainder = amount - share * parts
    i = 0
    while remainder > 0:
        shares[i] += Decimal("0.01")
        remainder -= Decimal("0.01")
        i += 1
    return shares
'''
SPLIT_TEST = """from decimal import Decimal

from billing import split_amount


def test_uneven():
    assert sum(split_amount(Decimal("10.00"), 3)) == Decimal("10.00")
"""
FEES_BASE = """GRACE_DAYS = 5


def late_fee_cents(days_late: int) -> int:
    if days_late <= GRACE_DAYS:
        return 0
    return 1000 + 150 * (days_late - GRACE_DAYS)
"""


@pytest.fixture
def deps(tmp_path: Path) -> Deps:
    return Deps(runner=ProcessRunner(), rules=load_rules(), cache_dir=tmp_path / "cache")


def test_lost_cent_is_one_defect_from_three_angles(tmp_path: Path, deps: Deps) -> None:
    head = SPLIT_BASE.replace(
        "    while remainder > 0:\n"
        '        shares[i] += Decimal("0.01")\n'
        '        remainder -= Decimal("0.01")\n'
        "        i += 1\n",
        "",
    )
    repo = make_repo(
        tmp_path / "r",
        {"billing.py": SPLIT_BASE, "tests/test_billing.py": SPLIT_TEST},
        {"billing.py": head},
    )
    report = check(CheckRequest(repo=repo, base="main~1", head="main"), deps)
    [finding] = report.findings
    assert finding.kind == "defect"
    assert finding.verified
    assert set(finding.sources) == {"differential", "existing-tests", "invariant"}
    assert "allocation-conserves-total" in finding.title
    assert finding.witness is not None
    assert finding.witness.call.startswith("split_amount(")
    assert report.spent.sandbox_runs == 2


def test_boundary_flip_found_at_the_grace_constant(tmp_path: Path, deps: Deps) -> None:
    head = FEES_BASE.replace("days_late <= GRACE_DAYS", "days_late < GRACE_DAYS")
    repo = make_repo(tmp_path / "r", {"fees.py": FEES_BASE}, {"fees.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="quick"), deps)
    [finding] = report.findings
    assert finding.kind == "behavior-change"
    assert finding.witness is not None
    assert finding.witness.call == "late_fee_cents(days_late=5)"
    assert (finding.witness.base, finding.witness.head) == ("0", "1000")


def test_tier_is_recorded_and_existing_tests_run_once(tmp_path: Path, deps: Deps) -> None:
    repo = make_repo(
        tmp_path / "r",
        {"calc.py": "def double(x: int) -> int:\n    return x * 2\n"},
        {"calc.py": "def double(x: int) -> int:\n    return x + x\n"},
    )
    report = check(CheckRequest(repo=repo, base="main~1", head="main"), deps)
    assert report.findings == ()
    assert report.spent.tier_path[0] == "quick"
    assert report.spent.examples > 0


def test_scan_finds_the_lost_cent_on_one_tree(tmp_path: Path, deps: Deps) -> None:
    from bot.engine.scan import ScanRequest, scan

    head = SPLIT_BASE.replace("    while remainder > 0:", "    while remainder > 0 and i < 0:")
    repo = make_repo(tmp_path / "r", {"billing.py": SPLIT_BASE}, {"billing.py": head})
    report = scan(ScanRequest(repo=repo), deps)
    [finding] = report.findings
    assert finding.kind == "defect"
    assert finding.verified
    assert finding.sources == ("invariant",)
    assert report.base == ""


def test_scan_of_correct_code_is_clean(tmp_path: Path, deps: Deps) -> None:
    from bot.engine.scan import ScanRequest, scan

    repo = make_repo(tmp_path / "r", {"billing.py": SPLIT_BASE}, {"README": "x\n"})
    report = scan(ScanRequest(repo=repo), deps)
    assert [f for f in report.findings if f.verified] == []
    assert [f.function for f in report.changed_functions] == ["split_amount"]


COUNTER_BASE = """class Counter:
    def __init__(self, start: int, step: int):
        if step == 0:
            raise ValueError("step must not be zero")
        self.start = start
        self.step = step

    def nth(self, n: int) -> int:
        return self.start + self.step * n
"""


def test_instance_method_change_is_verified_with_a_receiver(tmp_path: Path, deps: Deps) -> None:
    head = COUNTER_BASE.replace("self.step * n", "self.step * (n - 1)")
    repo = make_repo(tmp_path / "r", {"counter.py": COUNTER_BASE}, {"counter.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="quick"), deps)
    [finding] = report.findings
    assert finding.kind == "behavior-change"
    assert finding.verified  # the witness test passed on base and failed on head
    assert finding.function == "Counter.nth"
    witness = finding.witness
    assert witness is not None
    call = ast.parse(witness.call, mode="eval").body
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
    assert call.func.attr == "nth" and ast.unparse(call.func.value).startswith("Counter(start=")
    assert "from counter import Counter" in witness.test
    assert f"assert {witness.call} == {witness.base}" in witness.test


WALLET_BASE = """import time


class Wallet:
    def __init__(self, cash: int) -> None:
        self.cash = cash
        self.spent: list[int] = []
        self.touched = time.time()

    def spend(self, amount: int) -> None:
        self.touched = time.time()
        self.cash -= amount
        self.spent.append(amount)
"""


def test_a_mutator_is_compared_by_the_state_it_leaves(tmp_path: Path, deps: Deps) -> None:
    # spend returns None on both sides: only the instance afterwards tells them apart; the
    # timestamp differs between any two calls and is not a difference
    head = WALLET_BASE.replace("self.cash -= amount\n", "self.cash -= amount + (amount > 9)\n")
    repo = make_repo(tmp_path / "r", {"wallet.py": WALLET_BASE}, {"wallet.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="quick"), deps)
    [finding] = report.findings
    assert finding.verified and finding.function == "Wallet.spend"
    assert "leaves its instance in a different state" in finding.message
    w = finding.witness
    assert w is not None and "touched" not in w.base + w.head
    assert w.base.startswith("None; after the call self.cash == ")
    assert "obj.spend(amount=" in w.test and "assert obj.cash == " in w.test

    refactor = WALLET_BASE.replace(
        "self.cash -= amount\n", "self.cash = self.cash - amount\n        self._last = amount\n"
    )
    repo = make_repo(tmp_path / "r2", {"wallet.py": WALLET_BASE}, {"wallet.py": refactor})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="quick"), deps)
    assert [f for f in report.findings if f.verified] == []  # a head-only attribute: same


SHELF_BASE = """from collections import OrderedDict


class Shelf:
    def __init__(self, size: int) -> None:
        self.size = size
        self.order: OrderedDict[int, int] = OrderedDict()

    def put(self, key: int, value: int) -> None:
        self.order[key] = value
        if len(self.order) > self.size:
            self.order.popitem(last=False)

    def get(self, key: int) -> int | None:
        if key in self.order:
            self.order.move_to_end(key)
        return self.order.get(key)
"""


def test_a_method_is_reached_in_the_state_earlier_calls_leave(tmp_path: Path, deps: Deps) -> None:
    # get's change shows only once two keys are in: calls of put on the receiver come first,
    # and the order (an OrderedDict's, which counts) is what differs
    head = SHELF_BASE.replace(
        "self.order.move_to_end(key)", "self.order.move_to_end(key, last=False)"
    )
    repo = make_repo(tmp_path / "r", {"shelf.py": SHELF_BASE}, {"shelf.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="auto"), deps)
    [finding] = report.findings
    assert finding.verified and finding.function == "Shelf.get"
    w = finding.witness
    assert w is not None and w.call.startswith("obj = Shelf(size=")
    assert w.call.count("obj.put(") >= 2, w.call
    assert "from collections import OrderedDict" in w.test
    assert "assert obj.order == OrderedDict(" in w.test


def test_a_function_whose_strategies_fail_is_noted_and_the_others_still_run(
    tmp_path: Path, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.engine.candidates.differential as differential

    real = differential.differential_candidate

    def planner(fn: Any, ctx: Any, cand_id: str, **kw: Any) -> Any:
        if fn.function == "other":
            raise TypeError("unhashable type: 'dict'")
        return real(fn, ctx, cand_id, **kw)

    monkeypatch.setattr(differential, "differential_candidate", planner)
    base = FEES_BASE + "\n\ndef other(x: int) -> int:\n    return x\n"
    head = base.replace("days_late <= GRACE_DAYS", "days_late < GRACE_DAYS").replace(
        "return x\n", "return x + 1\n"
    )
    repo = make_repo(tmp_path / "r", {"fees.py": base}, {"fees.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="quick"), deps)
    assert any("other: differential not planned (TypeError" in n for n in report.notes)
    assert [f.function for f in report.findings if f.verified] == ["late_fee_cents"]
