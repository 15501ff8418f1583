from decimal import Decimal

from ledger.interest import compound, simple_interest


def test_no_periods_keeps_principal():
    assert compound(Decimal("100.00"), Decimal("0.05"), 0) == Decimal("100.00")


def test_simple_interest():
    assert simple_interest(Decimal("100.00"), Decimal("0.05"), 2) == Decimal("10.00")
