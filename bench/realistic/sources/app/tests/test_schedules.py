from datetime import date

from calendar_utils.business_days import add_business_days
from calendar_utils.schedules import add_months, quarter_end


def test_add_months_clips_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)


def test_add_months_across_year():
    assert add_months(date(2023, 11, 15), 3) == date(2024, 2, 15)


def test_quarter_end():
    assert quarter_end(date(2024, 5, 2)) == date(2024, 6, 30)


def test_add_business_days_over_weekend():
    assert add_business_days(date(2024, 1, 5), 1) == date(2024, 1, 8)
