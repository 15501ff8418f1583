"""Month arithmetic and recurring schedules."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def end_of_month(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def is_end_of_month(d: date) -> bool:
    return d.day == calendar.monthrange(d.year, d.month)[1]


def add_months(d: date, months: int) -> date:
    """Add ``months`` calendar months, clipping the day to the end of the target month.

    ``add_months(date(2024, 1, 31), 1)`` is ``date(2024, 2, 29)``.
    """
    month_index = d.month - 1 + months
    year = d.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def monthly_schedule(start: date, count: int, stick_to_month_end: bool = False) -> list[date]:
    """``count`` monthly dates beginning at ``start``.

    Each date is computed from ``start`` (not from the previous date) so that a
    schedule starting on the 31st returns to the 31st after short months. With
    ``stick_to_month_end`` a schedule starting on a month end stays on month ends.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    anchor_eom = stick_to_month_end and is_end_of_month(start)
    dates = []
    for i in range(count):
        d = add_months(start, i)
        if anchor_eom:
            d = end_of_month(d)
        dates.append(d)
    return dates


def quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def quarter_end(d: date) -> date:
    """Last day of the calendar quarter containing ``d``."""
    last_month = quarter_of(d) * 3
    return date(d.year, last_month, calendar.monthrange(d.year, last_month)[1])


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (0=Monday) of a month; ``n=-1`` is the last one.

    Raises ``ValueError`` if the month has no such day (e.g. a fifth Monday).
    """
    if n == 0:
        raise ValueError("n must be non-zero")
    if n > 0:
        first = date(year, month, 1)
        offset = (weekday - first.weekday()) % 7
        result = first + timedelta(days=offset + 7 * (n - 1))
        if result.month != month:
            raise ValueError("no such weekday in month")
        return result
    last = end_of_month(date(year, month, 1))
    offset = (last.weekday() - weekday) % 7
    result = last - timedelta(days=offset + 7 * (-n - 1))
    if result.month != month:
        raise ValueError("no such weekday in month")
    return result


def age_on(birth: date, on: date) -> int:
    """Age in whole years on ``on``. People born on 29 February age on 1 March in common years."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (an incomplete last month does not count)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day and not is_end_of_month(end):
        months -= 1
    return months


def fiscal_year(d: date, start_month: int = 10) -> int:
    """Fiscal year label for ``d``; a fiscal year starting in October 2023 is FY2024."""
    if start_month == 1:
        return d.year
    return d.year + 1 if d.month >= start_month else d.year
