"""``deepcheck scan`` on one tree: the bundled example's defect, clean trees, tests left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.pipeline import Deps
from bot.engine.scan import ScanRequest, is_test_function, is_test_path, scan
from bot.models import ChangedFunction
from rules.loader import load_rules
from sandbox.process_runner import ProcessRunner
from tests.fakes.gitrepos import make_repo

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "interest"


def tree(side: str) -> dict[str, str | bytes | None]:
    root = EXAMPLE / side
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.py"))
    }


@pytest.fixture
def deps(tmp_path: Path) -> Deps:
    return Deps(runner=ProcessRunner(), rules=load_rules(), cache_dir=tmp_path / "cache")


def test_scan_finds_the_skipped_period_of_the_example(tmp_path: Path, deps: Deps) -> None:
    repo = make_repo(tmp_path / "r", tree("base"), tree("head"))
    report = scan(ScanRequest(repo=repo), deps)
    [finding] = [f for f in report.findings if f.verified]
    assert (finding.kind, finding.function, finding.path) == (
        "defect",
        "compound",
        "ledger/interest.py",
    )
    # one period must accrue once; one more period must grow the balance
    assert any(i in finding.title for i in ("compound-one-period", "compound-strictly-grows"))
    assert finding.witness is not None
    assert finding.witness.base == ""  # one tree: nothing to compare with
    assert finding.witness.call.startswith("compound(")
    assert "from ledger.interest import compound" in finding.witness.test
    # test functions and test files are not financial functions
    assert sorted(f.function for f in report.changed_functions) == [
        "compound",
        "late_fee",
        "simple_interest",
    ]


def test_scan_of_the_example_base_is_clean(tmp_path: Path, deps: Deps) -> None:
    repo = make_repo(tmp_path / "r", tree("base"), {"README": "x\n"})
    report = scan(ScanRequest(repo=repo), deps)
    assert [f for f in report.findings if f.verified] == []
    assert "compound" in {f.function for f in report.changed_functions}


SPLITS = '''from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def split_bill(total: Decimal, people: int, tip_percent: Decimal = Decimal("0")) -> list[Decimal]:
    """The parts add up to the total *with the tip*: not an allocation of the total."""
    if people < 1:
        raise ValueError("need at least one person")
    grand = total + (total * tip_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    each = (grand / people).quantize(CENT, rounding=ROUND_DOWN)
    return [grand - each * (people - 1)] + [each] * (people - 1)


def allocate_by_ratio(total: Decimal, ratios: list[int]) -> list[Decimal]:
    """Largest remainder, ties to the earlier share; negative ratios are out of domain."""
    if not ratios or any(r < 0 for r in ratios) or sum(ratios) == 0:
        raise ValueError("ratios must be non-negative and not all zero")
    cents = int((total / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    raw = [Decimal(cents) * r / sum(ratios) for r in ratios]
    floors = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[: cents - sum(floors)]:
        floors[i] += 1
    return [Decimal(c) * CENT for c in floors]


def compound(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    """Rounded after every period; a negative count is out of domain."""
    if periods < 0 or rate < 0:
        raise ValueError("periods and rate must not be negative")
    balance = principal
    for _ in range(periods):
        balance = (balance * (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    return balance


def round_money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
'''


def test_scan_respects_guards_and_intent_on_correct_code(tmp_path: Path, deps: Deps) -> None:
    repo = make_repo(tmp_path / "r", {"money.py": SPLITS}, {"README": "x\n"})
    report = scan(ScanRequest(repo=repo), deps)
    assert [f for f in report.findings if f.verified] == []
    assert {f.function for f in report.changed_functions} == {
        "split_bill",
        "allocate_by_ratio",
        "compound",
        "round_money",
    }


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_interest.py", True),
        ("pkg/tests/helpers.py", True),
        ("test/util.py", True),
        ("ledger/test_fees.py", True),
        ("ledger/fees_test.py", True),
        ("conftest.py", True),
        ("ledger/interest.py", False),
        ("ledger/testing_rates.py", False),
        ("contest.py", False),
    ],
)
def test_test_paths(path: str, expected: bool) -> None:
    assert is_test_path(path) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("test_compound", True),
        ("TestLedger.test_post", True),
        ("TestLedger.helper", True),
        ("compound", False),
        ("latest_fee", False),
        ("Ledger.contest_fee", False),
    ],
)
def test_test_functions(name: str, expected: bool) -> None:
    fn = ChangedFunction("ledger/fees.py", name, 1, 2, "added")
    assert is_test_function(fn) is expected


CALENDAR = '''import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

MINOR = {"USD": 2, "JPY": 0, "KWD": 3}


def add_months(d: date, months: int) -> date:
    """Calendar months, the day clipped to the end of a shorter month."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def convert(amount: Decimal, target: str, rate: Decimal) -> Decimal:
    """Rounded to the target currency's minor unit (JPY none, KWD three places)."""
    return (amount * rate).quantize(Decimal(1).scaleb(-MINOR[target]), rounding=ROUND_HALF_UP)
'''


def test_scan_checks_date_code_without_money_words_and_not_its_own_rounding(
    tmp_path: Path, deps: Deps
) -> None:
    # add_months shows no money signal: an invariant applying to it is enough to scan it;
    # convert rounds to a computed exponent, so "rounded to cents" is not its contract
    repo = make_repo(tmp_path / "r", {"dates.py": CALENDAR}, {"README": "x\n"})
    report = scan(ScanRequest(repo=repo), deps)
    assert "add_months" in {f.function for f in report.changed_functions}
    assert [f for f in report.findings if f.verified] == []
    buggy = CALENDAR.replace("min(d.day, calendar.monthrange(year, month)[1])", "min(d.day, 28)")
    repo = make_repo(tmp_path / "b", {"dates.py": buggy}, {"README": "x\n"})
    report = scan(ScanRequest(repo=repo), deps)
    found = [f for f in report.findings if f.verified and f.kind == "defect"]
    assert [(f.function, "add-months-calendar" in f.title) for f in found] == [("add_months", True)]


def test_budget_spreads_examples_by_risk() -> None:
    from bot.engine.scan import MIN_EXAMPLES, spread

    # (60 s - the fixed cost) / cost per example, shared 1 : 4 by risk score 0 and 3
    low, high = spread([0, 3], 1.0)
    assert high == 4 * low and 7_000 < low + high < 9_000
    assert spread([0, 5], 4.0)[1] > spread([0, 5], 1.0)[1]  # more budget: more examples
    assert spread([0, 0, 0], 0.1) == [MIN_EXAMPLES] * 3  # every function is looked at


def test_scan_with_a_budget_finds_the_example_bug(tmp_path: Path, deps: Deps) -> None:
    repo = make_repo(tmp_path / "r", tree("base"), tree("head"))
    report = scan(ScanRequest(repo=repo, budget_minutes=0.5), deps)
    assert [(f.kind, f.function) for f in report.findings if f.verified] == [("defect", "compound")]
