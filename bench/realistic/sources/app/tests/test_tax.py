from decimal import Decimal

from payroll.tax import income_tax, social_security


def test_income_tax_first_bracket():
    assert income_tax(Decimal("10000")) == Decimal("1000.00")


def test_income_tax_second_bracket():
    assert income_tax(Decimal("20000")) == Decimal("2180.00")


def test_social_security_stops_at_wage_base():
    assert social_security(Decimal("160200"), Decimal("5000")) == Decimal("0.00")
