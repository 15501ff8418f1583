from datetime import date
from decimal import Decimal

from ledger.interest import compound, simple_interest, year_fraction


def test_simple_interest_act_365():
    assert simple_interest(Decimal("10000"), Decimal("0.05"), 30) == Decimal("41.10")


def test_simple_interest_act_360():
    assert simple_interest(Decimal("10000"), Decimal("0.05"), 30, "ACT/360") == Decimal("41.67")


def test_compound_two_periods():
    assert compound(Decimal("100"), Decimal("0.05"), 2) == Decimal("110.25")


def test_year_fraction_30_360_full_year():
    assert year_fraction(date(2023, 1, 15), date(2024, 1, 15), "30/360") == 1
