"""Prorating subscription charges for partial billing periods."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def is_leap_year(year: int) -> bool:
    """Gregorian leap year rule."""
    if year % 400 == 0:
        return True
    if year % 100 == 0:
        return False
    return year % 4 == 0


def days_in_month(year: int, month: int) -> int:
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    if month == 2 and is_leap_year(year):
        return 29
    return MONTH_DAYS[month - 1]


def prorate(amount: Decimal, start: date, end: date, period_start: date, period_end: date) -> Decimal:
    """Charge for the days ``start``..``end`` (inclusive) of a period ``period_start``..``period_end`` (inclusive).

    The service window is clamped to the period.
    """
    if period_end < period_start:
        raise ValueError("period ends before it starts")
    lo = max(start, period_start)
    hi = min(end, period_end)
    if hi < lo:
        return Decimal("0.00")
    used = (hi - lo).days + 1
    total = (period_end - period_start).days + 1
    return (amount * used / total).quantize(CENT, rounding=ROUND_HALF_UP)


def prorate_first_month(monthly_price: Decimal, signup: date) -> Decimal:
    """First invoice for a customer signing up mid-month: the signup day is billed."""
    dim = days_in_month(signup.year, signup.month)
    remaining = dim - signup.day + 1
    return (monthly_price * remaining / dim).quantize(CENT, rounding=ROUND_HALF_UP)


def daily_rate(monthly_price: Decimal, year: int, month: int) -> Decimal:
    """Price per day for the given month, to four places (used on usage reports)."""
    return (monthly_price / days_in_month(year, month)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def upgrade_charge(old_price: Decimal, new_price: Decimal, change: date, period_end: date) -> Decimal:
    """Amount to charge (or credit, if negative) when changing plan mid-period.

    The customer is credited for the unused days of the old plan and charged for
    the same days on the new plan. The period is the calendar month of ``change``.
    """
    if change > period_end:
        raise ValueError("change after end of period")
    dim = days_in_month(change.year, change.month)
    remaining = (period_end - change).days + 1
    credit = (old_price * remaining / dim).quantize(CENT, rounding=ROUND_HALF_UP)
    charge = (new_price * remaining / dim).quantize(CENT, rounding=ROUND_HALF_UP)
    return charge - credit


def billing_period(anchor_day: int, today: date) -> tuple[date, date]:
    """Return the (start, end) of the billing period containing ``today``.

    Periods start on ``anchor_day`` of each month (clipped to the month's length)
    and end the day before the next period starts.
    """
    def start_in(year: int, month: int) -> date:
        return date(year, month, min(anchor_day, days_in_month(year, month)))

    start = start_in(today.year, today.month)
    if today < start:
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        start = start_in(year, month)
    year, month = (start.year, start.month + 1) if start.month < 12 else (start.year + 1, 1)
    next_start = start_in(year, month)
    return start, next_start - timedelta(days=1)


def cancellation_refund(paid: Decimal, period_start: date, period_end: date, cancelled: date) -> Decimal:
    """Refund for the unused part of a prepaid period; the cancellation day itself is charged."""
    if cancelled < period_start:
        return paid
    if cancelled >= period_end:
        return Decimal("0.00")
    total = (period_end - period_start).days + 1
    unused = (period_end - cancelled).days
    return (paid * unused / total).quantize(CENT, rounding=ROUND_HALF_UP)
