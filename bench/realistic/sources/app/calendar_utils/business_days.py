"""Business-day arithmetic (Monday-Friday, minus bank holidays)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

SATURDAY = 5
SUNDAY = 6

# Fixed-date bank holidays as (month, day).
FIXED_HOLIDAYS = [(1, 1), (6, 19), (7, 4), (11, 11), (12, 25)]


def is_weekend(d: date) -> bool:
    return d.weekday() >= SATURDAY


def observed(d: date) -> date:
    """Observed date of a holiday: Saturday holidays move to Friday, Sunday ones to Monday."""
    if d.weekday() == SATURDAY:
        return d - timedelta(days=1)
    if d.weekday() == SUNDAY:
        return d + timedelta(days=1)
    return d


def bank_holidays(year: int) -> set[date]:
    """Observed fixed-date bank holidays for ``year``."""
    return {observed(date(year, month, day)) for month, day in FIXED_HOLIDAYS}


def is_business_day(d: date, holidays: Iterable[date] = ()) -> bool:
    return not is_weekend(d) and d not in set(holidays)


def next_business_day(d: date, holidays: Iterable[date] = ()) -> date:
    """``d`` itself if it is a business day, otherwise the next one."""
    hols = set(holidays)
    while not is_business_day(d, hols):
        d += timedelta(days=1)
    return d


def previous_business_day(d: date, holidays: Iterable[date] = ()) -> date:
    """``d`` itself if it is a business day, otherwise the closest earlier one."""
    hols = set(holidays)
    while not is_business_day(d, hols):
        d -= timedelta(days=1)
    return d


def add_business_days(start: date, n: int, holidays: Iterable[date] = ()) -> date:
    """Move ``n`` business days from ``start`` (negative ``n`` moves backwards).

    ``start`` itself is never counted, so adding 1 business day to a Friday gives Monday.
    """
    hols = set(holidays)
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    current = start
    while remaining > 0:
        current += timedelta(days=step)
        if is_business_day(current, hols):
            remaining -= 1
    return current


def business_days_between(start: date, end: date, holidays: Iterable[date] = ()) -> int:
    """Number of business days after ``start`` up to and including ``end``.

    Returns a negative count when ``end`` is before ``start``.
    """
    if end < start:
        return -business_days_between(end, start, holidays)
    hols = set(holidays)
    count = 0
    current = start + timedelta(days=1)
    while current <= end:
        if is_business_day(current, hols):
            count += 1
        current += timedelta(days=1)
    return count


def settlement_date(trade: date, lag: int = 2) -> date:
    """T+``lag`` settlement, skipping weekends and the observed bank holidays."""
    hols = bank_holidays(trade.year) | bank_holidays(trade.year + 1)
    return add_business_days(trade, lag, hols)
