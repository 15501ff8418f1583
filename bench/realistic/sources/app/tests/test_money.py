from decimal import Decimal

import pytest

from money.allocate import allocate_by_ratio, allocate_evenly, split_bill
from money.core import Money, format_amount, parse_amount, round_money, to_minor_units


def test_round_money_half_up():
    assert round_money(Decimal("2.675")) == Decimal("2.68")
    assert round_money(Decimal("1234.5"), "JPY") == Decimal("1235")


def test_minor_units_roundtrip():
    assert to_minor_units(Decimal("12.34")) == 1234
    assert to_minor_units(Decimal("500"), "JPY") == 500


@pytest.mark.parametrize(
    "text, expected",
    [("$1,234.50", Decimal("1234.50")), ("(12.00)", Decimal("-12.00")), ("-3", Decimal("-3"))],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


def test_parse_amount_rejects_garbage():
    with pytest.raises(ValueError):
        parse_amount("abc")


def test_format_amount():
    assert format_amount(Decimal("1234.5")) == "1,234.50 USD"
    assert format_amount(Decimal("-7"), "JPY") == "-7 JPY"


def test_money_add_and_times():
    total = Money(Decimal("10.00")) + Money(Decimal("2.50"))
    assert total == Money(Decimal("12.50"))
    assert Money(Decimal("10.00")).times(Decimal("0.333")) == Money(Decimal("3.33"))


def test_allocate_evenly_sums_to_total():
    shares = allocate_evenly(Decimal("10.00"), 3)
    assert shares == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]
    assert sum(shares) == Decimal("10.00")


def test_allocate_by_ratio():
    assert allocate_by_ratio(Decimal("100.00"), [1, 1, 1]) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]


def test_split_bill_adds_up():
    shares = split_bill(Decimal("100.00"), 3, Decimal("15"))
    assert sum(shares) == Decimal("115.00")
