from ._dsl import bug, ref

B = "croniter"
P = "src/croniter/croniter.py"

bug(B, P, "_is_leap", "date", "dropped-case",
    "the `year % 400 == 0` clause of the leap-year test is removed",
    "_is_leap: simplify the leap-year test",
    "A year is a leap year when it is divisible by four and not a century; fold the test "
    "into a single expression.",
    '''    return year % 400 == 0 or (year % 4 == 0 and year % 100 != 0)''',
    '''    return year % 4 == 0 and year % 100 != 0''',
    "croniter('0 0 L 2 *', datetime.datetime(2000, 2, 1)).get_next(datetime.datetime)")

bug(B, P, "_last_day_of_month", "date", "off-by-one",
    "`DAYS[month - 1]` -> `DAYS[month % 12]`",
    "_last_day_of_month: index the month table with wrap-around",
    "Use a modulo index into `DAYS` so that out-of-range months wrap instead of raising.",
    '''    last_day = DAYS[month - 1]''',
    '''    last_day = DAYS[month % 12]''',
    "croniter('0 0 L * *', datetime.datetime(2024, 4, 2)).get_next(datetime.datetime)")

bug(B, P, "croniter._get_nearest_weekday", "date", "boundary",
    "`if day > 1` -> `if day >= 1` for a Saturday",
    "_get_nearest_weekday: a Saturday always moves back to Friday",
    "Moving a Saturday back one day is the documented rule; the special case for the first "
    "of the month can use the same comparison style as the Sunday branch.",
    '''            if day > 1:
                return day - 1  # Friday''',
    '''            if day >= 1:
                return day - 1  # Friday''',
    "croniter('0 0 1W * *', datetime.datetime(2024, 5, 15)).get_next(datetime.datetime)")

bug(B, P, "croniter._get_nth_weekday_of_month", "date", "dropped-case",
    "the removal of a leading partial week (`c[0][0] == 0`) is dropped",
    "_get_nth_weekday_of_month: keep the calendar rows as returned",
    "`monthdayscalendar` already starts the week on the requested weekday, so the rows can "
    "be used as they are.",
    '''        c = calendar.Calendar(w).monthdayscalendar(year, month)
        if c[0][0] == 0:
            c.pop(0)
        return tuple(i[0] for i in c)''',
    '''        c = calendar.Calendar(w).monthdayscalendar(year, month)
        return tuple(i[0] for i in c)''',
    "croniter('0 0 * * 5#1', datetime.datetime(2024, 9, 1)).get_next(datetime.datetime)")

bug(B, P, "croniter._get_prev_nearest_diff", "date", "boundary",
    "`if c <= range_val` -> `if c < range_val` when wrapping to the previous cycle",
    "_get_prev_nearest_diff: candidates must lie inside the range",
    "A candidate equal to the range length is outside the field's range; use a strict "
    "comparison when picking the wrap-around candidate.",
    '''            if c <= range_val:
                candidate = c
                break''',
    '''            if c < range_val:
                candidate = c
                break''',
    "croniter('0 0 10,31 * *', datetime.datetime(2024, 8, 5)).get_prev(datetime.datetime)")

bug(B, P, "datetime_to_timestamp", "date", "sign",
    "`d.replace(tzinfo=None) - d.utcoffset()` -> `+ d.utcoffset()`",
    "datetime_to_timestamp: apply the UTC offset when dropping tzinfo",
    "Shift the naive datetime by its offset before computing the epoch delta.",
    '''        d = d.replace(tzinfo=None) - d.utcoffset()''',
    '''        d = d.replace(tzinfo=None) + d.utcoffset()''',
    "datetime_to_timestamp(datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.timezone("
    "datetime.timedelta(hours=2))))")

bug(B, P, "croniter._expand", "date", "wrong-constant",
    "`@weekly` expands to `0 0 * * 1` instead of `0 0 * * 0`",
    "Expand @weekly to the start of the ISO week",
    "Weeks start on Monday in ISO 8601; make the `@weekly` alias fire on Monday at midnight.",
    '''            "@weekly": ("0 0 * * 0", "h h * * h h"),''',
    '''            "@weekly": ("0 0 * * 1", "h h * * h h"),''',
    "croniter('@weekly', datetime.datetime(2024, 1, 3)).get_next(datetime.datetime)")

bug(B, P, "croniter._expand", "date", "boundary",
    "`w_day > 31` -> `w_day >= 31` in the nearest-weekday range check",
    "Tighten the range check for the W modifier",
    "Day values for `W` are checked against the month length later on; keep the upfront check "
    "consistent with the other exclusive bounds in `_expand`.",
    '''                        if w_day < 1 or w_day > 31:''',
    '''                        if w_day < 1 or w_day >= 31:''',
    "croniter.is_valid('0 0 31W * *')")

ref(B, P, "_is_leap", "date", "equivalent-call",
    "hand-written Gregorian test -> `calendar.isleap(year)`",
    "_is_leap: use calendar.isleap",
    "The standard library already implements the Gregorian leap-year rule.",
    '''    return year % 400 == 0 or (year % 4 == 0 and year % 100 != 0)''',
    '''    return calendar.isleap(year)''',
    "lambda r, m: (m._is_leap(mix(r, [0, 1, 4, 100, 200, 400, 1900, 2000, 2100, 2400, -4, "
    "-100, -400], lambda r: r.randint(-5000, 5000))), m._last_day_of_month(r.randint(1, 9999), "
    "r.randint(1, 12)))")

ref(B, P, "croniter._get_nearest_weekday", "date", "conditional-expression",
    "the Saturday/Sunday if/else blocks -> conditional expressions",
    "_get_nearest_weekday: flatten the weekend branches",
    "Each weekend branch picks one of two days; say so with a conditional expression.",
    '''        if weekday == 5:  # Saturday
            if day > 1:
                return day - 1  # Friday
            else:
                return day + 2  # Monday (1st is Sat, so 3rd is Mon)
        # Sunday
        if day < last_day:
            return day + 1  # Monday
        else:
            return day - 2  # Friday (last day is Sun, go back to Fri)''',
    '''        if weekday == 5:  # Saturday: Friday, or Monday the 3rd when the 1st is a Saturday
            return day - 1 if day > 1 else day + 2
        # Sunday: Monday, or Friday when the last day of the month is a Sunday
        return day + 1 if day < last_day else day - 2''',
    "lambda r, m: (m.croniter._get_nearest_weekday(r.randint(1970, 2100), r.randint(1, 12), "
    "mix(r, [1, 2, 28, 29, 30, 31], lambda r: r.randint(1, 31))), m.croniter("
    "f'0 0 {r.randint(1, 31)}W * *', m.datetime.datetime(r.randint(1990, 2040), "
    "r.randint(1, 12), 1)).get_next(m.datetime.datetime))")
