from ._dsl import bug, ref

B = "arrow"
A = "arrow/arrow.py"
U = "arrow/util.py"

bug(B, U, "normalize_timestamp", "date", "wrong-constant",
    "microsecond timestamps are divided by `1_000` instead of `1_000_000`",
    "normalize_timestamp: scale large timestamps down step by step",
    "Divide by a thousand per unit step, the same factor as for milliseconds.",
    '''            timestamp /= 1_000_000''',
    '''            timestamp /= 1_000''',
    "arrow.get(1_700_000_000_123_456)")

bug(B, U, "iso_to_gregorian", "date", "wrong-call",
    "`fourth_jan.isoweekday() - 1` -> `fourth_jan.weekday() - 1`",
    "iso_to_gregorian: use date.weekday()",
    "Use the zero-based `weekday()` when computing the offset back to the start of week one.",
    '''    delta = datetime.timedelta(fourth_jan.isoweekday() - 1)''',
    '''    delta = datetime.timedelta(fourth_jan.weekday() - 1)''',
    "arrow.get((2024, 1, 1))")

bug(B, U, "is_timestamp", "date", "dropped-case",
    "booleans are no longer rejected as timestamps",
    "is_timestamp: rely on the numeric type check",
    "`bool` is an `int`, so the generic check below already handles it.",
    '''    if isinstance(value, bool):
        return False
    if not isinstance(value, (int, float, str)):''',
    '''    if not isinstance(value, (int, float, str)):''',
    "is_timestamp(True)")

bug(B, U, "next_weekday", "date", "boundary",
    "`weekday > 6` -> `weekday >= 6` in the range check",
    "next_weekday: validate the weekday range",
    "Weekdays are counted from 0; reject anything from 6 upwards like `range(6)` would.",
    '''    if weekday < 0 or weekday > 6:''',
    '''    if weekday < 0 or weekday >= 6:''',
    "next_weekday(datetime.datetime(1970, 1, 1), 6)")

bug(B, A, "Arrow.span", "date", "boundary",
    "`week_start > self.isoweekday()` -> `week_start >= self.isoweekday()`",
    "Arrow.span: week start on the same weekday",
    "Go back a full week when the requested week start is not before today's weekday.",
    '''                delta = 7 if week_start > self.isoweekday() else 0''',
    '''                delta = 7 if week_start >= self.isoweekday() else 0''',
    "Arrow(2021, 2, 20).span('week', week_start=6)")

bug(B, A, "Arrow.span", "date", "off-by-one",
    "`-((self.month - 1) % 3)` -> `-(self.month % 3)` for the start of a quarter",
    "Arrow.span: simplify the quarter offset",
    "The month offset into the quarter is the month modulo three.",
    '''                floor = floor.shift(months=-((self.month - 1) % 3))''',
    '''                floor = floor.shift(months=-(self.month % 3))''',
    "Arrow(2024, 5, 15).span('quarter')")

bug(B, A, "Arrow._get_frames", "date", "wrong-constant",
    "a quarter is 4 months instead of 3 in `_get_frames`",
    "_get_frames: quarter steps",
    "Spell the quarter step out next to the other frame definitions.",
    '''            return "quarter", "months", 3''',
    '''            return "quarter", "months", 4''',
    "Arrow(2024, 1, 15).span('quarter')")

bug(B, A, "Arrow.range", "date", "dropped-case",
    "`quarter` is no longer treated as a month-based frame when restoring clipped days",
    "Arrow.range: restore clipped days for month and year frames",
    "Day clipping only happens when stepping by calendar months or years.",
    '''            if frame in ["month", "quarter", "year"] and current.day < original_day:''',
    '''            if frame in ["month", "year"] and current.day < original_day:''',
    "[a.day for a in Arrow.range('quarter', dt_datetime(2024, 1, 31), limit=3)]")

bug(B, A, "Arrow.is_between", "date", "boundary",
    "`start_ts < target_ts` -> `start_ts <= target_ts` for an excluded start",
    "Arrow.is_between: compare the start inclusively",
    "Use the same inclusive comparison for the start as the chained range check above it.",
    '''            and (include_start or start_ts < target_ts)''',
    '''            and (include_start or start_ts <= target_ts)''',
    "Arrow(2013, 5, 5).is_between(Arrow(2013, 5, 5), Arrow(2013, 5, 8))")

bug(B, A, "Arrow.humanize", "date", "boundary",
    "`calendar_diff.days > 14` -> `calendar_diff.days >= 14` when rounding up to a month",
    "humanize: two weeks count as a month",
    "Round a partial month up once it reaches two weeks.",
    '''                if calendar_diff.days > 14:''',
    '''                if calendar_diff.days >= 14:''',
    "Arrow(2024, 1, 1).humanize(Arrow(2024, 2, 15))")

bug(B, A, "Arrow.humanize", "date", "rounding",
    "`trunc(abs(delta)) != 1` -> `abs(delta) != 1` when choosing the plural",
    "humanize: pluralise unless exactly one",
    "Use the plural form for every delta other than exactly one unit.",
    '''                if trunc(abs(delta)) != 1:''',
    '''                if abs(delta) != 1:''',
    "Arrow(2024, 1, 1).humanize(Arrow(2024, 1, 2, 12), granularity='day')")

ref(B, U, "validate_bounds", "date", "equivalent-condition",
    "four chained `!=` -> `not in` a tuple",
    "validate_bounds: membership test",
    "List the four valid bounds once.",
    '''    if bounds != "()" and bounds != "(]" and bounds != "[)" and bounds != "[]":''',
    '''    if bounds not in ("()", "(]", "[)", "[]"):''',
    "lambda r, m: m.validate_bounds(mix(r, ['()', '(]', '[)', '[]', '', '[', '[[', ' ()'], "
    "lambda r: text(r, '()[] ', 0, 3), p=0.7)) if r.random() < 0.5 else __import__('arrow')"
    ".Arrow(2024, 1, r.randint(1, 28)).is_between(__import__('arrow').Arrow(2024, 1, 10), "
    "__import__('arrow').Arrow(2024, 1, 20), pick(r, ['()', '(]', '[)', '[]', '[]']))")

ref(B, U, "is_timestamp", "date", "merge-conditions",
    "two type guards -> one `or`",
    "is_timestamp: one type guard",
    "Both guards return False; combine them.",
    '''    if isinstance(value, bool):
        return False
    if not isinstance(value, (int, float, str)):
        return False''',
    '''    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return False''',
    "lambda r, m: m.is_timestamp(mix(r, [True, False, None, 0, 1.5, '1.5', 'nan', 'inf', "
    "'1e3', '', ' 12 ', b'12', [1], 10**20, float('nan'), '0x10', '1_000'], lambda r: "
    "num(r) if r.random() < 0.5 else text(r, '0123456789.e-+ _ax', 0, 6)))")

ref(B, A, "Arrow._get_iteration_params", "date", "conditional-expression",
    "inner if/return -> conditional expression",
    "_get_iteration_params: one return for a given end",
    "Choose the limit inline when an end is given.",
    '''        else:
            if limit is None:
                return end, sys.maxsize
            return end, limit''',
    '''        else:
            return end, sys.maxsize if limit is None else limit''',
    "lambda r, m: (m.Arrow._get_iteration_params(pick(r, [None, 1, 'x', m.Arrow(2024, 1, 1)]), "
    "pick(r, [None, 0, 3, -1])), [str(a) for a in m.Arrow.range(pick(r, ['day', 'week', "
    "'month', 'quarter', 'hour']), m.dt_datetime(2024, r.randint(1, 12), r.randint(1, 28)), "
    "pick(r, [None, m.dt_datetime(2024, 6, 1), m.dt_datetime(2025, 1, 1)]), "
    "limit=pick(r, [1, 2, 5, 9]))])")
