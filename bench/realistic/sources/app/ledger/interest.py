"""Interest calculations for deposit and credit accounts.

Rates are annual and expressed as fractions (``Decimal("0.05")`` is 5 %).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.000001")

DAY_COUNT_BASIS = {
    "ACT/360": 360,
    "ACT/365": 365,
}


def simple_interest(principal: Decimal, annual_rate: Decimal, days: int, basis: str = "ACT/365") -> Decimal:
    """Simple interest for ``days`` days, rounded half-up to the cent."""
    if days < 0:
        raise ValueError("days must not be negative")
    denominator = DAY_COUNT_BASIS[basis]
    interest = principal * annual_rate * days / denominator
    return interest.quantize(CENT, rounding=ROUND_HALF_UP)


def compound(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    """Balance after ``periods`` compounding periods at ``rate`` per period.

    The balance is rounded to the cent after every period, the way the core
    banking system posts it.
    """
    balance = principal
    for _ in range(periods):
        balance = (balance * (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    return balance


def days_30_360(start: date, end: date) -> int:
    """Day count between two dates under the 30/360 (US bond basis) convention."""
    d1 = min(start.day, 30)
    d2 = end.day
    if d2 == 31 and d1 == 30:
        d2 = 30
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


def year_fraction(start: date, end: date, convention: str = "ACT/365") -> Decimal:
    """Fraction of a year between ``start`` and ``end`` under ``convention``."""
    if end < start:
        raise ValueError("end before start")
    if convention == "30/360":
        return Decimal(days_30_360(start, end)) / 360
    if convention == "ACT/360":
        return Decimal((end - start).days) / 360
    if convention == "ACT/365":
        return Decimal((end - start).days) / 365
    raise ValueError(f"unknown day count convention: {convention}")


def accrued_interest(principal: Decimal, annual_rate: Decimal, start: date, end: date,
                     convention: str = "ACT/365") -> Decimal:
    """Interest accrued between two dates, banker's rounding to the cent."""
    fraction = year_fraction(start, end, convention)
    return (principal * annual_rate * fraction).quantize(CENT, rounding=ROUND_HALF_EVEN)


def effective_annual_rate(nominal: Decimal, periods_per_year: int) -> Decimal:
    """Convert a nominal annual rate compounded ``periods_per_year`` times to an EAR."""
    if periods_per_year <= 0:
        raise ValueError("periods_per_year must be positive")
    per_period = nominal / periods_per_year
    ear = (1 + per_period) ** periods_per_year - 1
    return ear.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def daily_balance_interest(balances, annual_rate, basis=365):
    """Average-daily-balance interest for a statement cycle (one balance per day).

    Negative balances (overdrawn days) earn nothing.
    """
    if not balances:
        return Decimal("0.00")
    total = Decimal("0")
    for bal in balances:
        if bal > 0:
            total += bal
    average = total / len(balances)
    interest = average * annual_rate * len(balances) / basis
    return interest.quantize(CENT, rounding=ROUND_HALF_UP)


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_year(year: int) -> int:
    """Days in ``year`` (for ACT/ACT accruals)."""
    return 366 if is_leap(year) else 365
