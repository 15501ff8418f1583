"""Pay periods, pay dates and gross pay."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from calendar_utils.business_days import previous_business_day

CENT = Decimal("0.01")
OVERTIME_THRESHOLD = Decimal("40")
OVERTIME_MULTIPLIER = Decimal("1.5")

PAY_FREQUENCIES = {
    "weekly": 52,
    "biweekly": 26,
    "semimonthly": 24,
    "monthly": 12,
}


def periods_per_year(frequency: str) -> int:
    try:
        return PAY_FREQUENCIES[frequency]
    except KeyError:
        raise ValueError(f"unknown pay frequency: {frequency}") from None


def period_gross(annual_salary: Decimal, frequency: str) -> Decimal:
    """Gross pay per period for a salaried employee."""
    return (annual_salary / periods_per_year(frequency)).quantize(CENT, rounding=ROUND_HALF_UP)


def semimonthly_pay_dates(year: int, month: int) -> list[date]:
    """Pay dates on the 15th and the last day of the month.

    If a pay date falls on a weekend, employees are paid on the preceding Friday.
    """
    last = calendar.monthrange(year, month)[1]
    dates = [date(year, month, 15), date(year, month, last)]
    return [previous_business_day(d) for d in dates]


def biweekly_pay_dates(anchor: date, start: date, end: date) -> list[date]:
    """All pay dates between ``start`` and ``end`` inclusive on a 14-day cycle through ``anchor``."""
    if end < start:
        return []
    offset = (start - anchor).days % 14
    first = start if offset == 0 else start + timedelta(days=14 - offset)
    result = []
    current = first
    while current <= end:
        result.append(current)
        current += timedelta(days=14)
    return result


def overtime_pay(hourly_rate: Decimal, hours: Decimal) -> Decimal:
    """Weekly gross for an hourly employee: hours over 40 are paid at time and a half."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    regular = min(hours, OVERTIME_THRESHOLD)
    overtime = max(hours - OVERTIME_THRESHOLD, Decimal("0"))
    gross = regular * hourly_rate + overtime * hourly_rate * OVERTIME_MULTIPLIER
    return gross.quantize(CENT, rounding=ROUND_HALF_UP)


def round_punch(minutes):
    """Round a clock punch (minutes past the hour) to the nearest quarter hour.

    Implements the 7-minute rule: 1-7 minutes round down, 8-14 round up.
    Returns minutes past the hour, possibly 60.
    """
    quarter, rest = divmod(minutes, 15)
    if rest >= 8:
        quarter += 1
    return quarter * 15


def partial_period_pay(annual_salary: Decimal, frequency: str, days_worked: int, days_in_period: int) -> Decimal:
    """Pay for a new hire or leaver who worked only part of a period (calendar-day method)."""
    if days_in_period <= 0:
        raise ValueError("days_in_period must be positive")
    days_worked = max(0, min(days_worked, days_in_period))
    per_period = period_gross(annual_salary, frequency)
    return (per_period * days_worked / days_in_period).quantize(CENT, rounding=ROUND_HALF_UP)


def week_ending(d: date) -> date:
    """The Saturday that ends the payroll week containing ``d`` (weeks run Sunday-Saturday)."""
    return d + timedelta(days=(5 - d.weekday()) % 7)
