from ._dsl import bug, ref

B = "isodate"
DUR = "isodate/duration.py"
ISOD = "isodate/isodates.py"
ISOT = "isodate/isotime.py"
ISODUR = "isodate/isoduration.py"
STRF = "isodate/isostrf.py"
TZ = "isodate/isotzinfo.py"

bug(B, DUR, "max_days_in_month", "date", "constant",
    "leap-year test `(year % 400) == 0` -> `(year % 100) == 0`",
    "max_days_in_month: simplify the century rule",
    "Use the century check directly in the leap-year expression.",
    '''    if ((year % 400) == 0) or ((year % 100) != 0) and ((year % 4) == 0):''',
    '''    if ((year % 100) == 0) or ((year % 100) != 0) and ((year % 4) == 0):''',
    "max_days_in_month(1900, 2)")

bug(B, DUR, "fquotmod", "date", "rounding",
    "`(a / b).to_integral(ROUND_FLOOR)` -> `(a / b).to_integral()`",
    "fquotmod: use the context rounding",
    "Rely on the decimal context for rounding the quotient instead of hard-coding a mode.",
    '''    div = (a / b).to_integral(ROUND_FLOOR)''',
    '''    div = (a / b).to_integral()''',
    "fquotmod(Decimal(0), 1, 13)")

bug(B, DUR, "Duration.__str__", "date", "boundary",
    "`if self.months <= 1:` -> `if self.months < 1:` for the singular",
    "Duration.__str__: pluralise months consistently",
    "Small cleanup of the month/months wording in `Duration.__str__`.",
    '''            if self.months <= 1:''',
    '''            if self.months < 1:''',
    "str(Duration(months=1))")

bug(B, DUR, "Duration.__rsub__", "date", "sign",
    "`newyear = other.year - self.years + carry` -> `... - carry`",
    "Duration.__rsub__: mirror __add__ when carrying years",
    "Subtraction should undo addition, so subtract the carry as well.",
    '''            newyear = other.year - self.years + carry''',
    '''            newyear = other.year - self.years - carry''',
    "isodate.parse_date('2024-01-15') - Duration(months=1)")

bug(B, ISODUR, "parse_duration", "date", "operator",
    "`groups[\"years\"] == 0 and groups[\"months\"] == 0` -> `... or ...`",
    "parse_duration: return a timedelta more often",
    "A timedelta is what most callers want; return one unless both calendar parts are set.",
    '''    if as_timedelta_if_possible and groups["years"] == 0 and groups["months"] == 0:''',
    '''    if as_timedelta_if_possible and (groups["years"] == 0 or groups["months"] == 0):''',
    "parse_duration('P1Y2D')")

bug(B, ISODUR, "parse_duration", "date", "special-case",
    "the negation of a `-P...` duration in the timedelta branch is removed",
    "parse_duration: sign handled by the regex",
    "The optional sign is part of ISO8601_PERIOD_REGEX already; remove the manual negation "
    "in the timedelta branch.",
    '''            weeks=groups["weeks"],
        )
        if groups["sign"] == "-":
            ret = timedelta(0) - ret
    else:''',
    '''            weeks=groups["weeks"],
        )
    else:''',
    "parse_duration('-PT1H30M')")

bug(B, STRF, "_strfduration", "date", "format",
    "`\"%d.%06d\" % (seconds, usecs)` -> `\"%d.%6d\"` in the %P formatter",
    "Duration formatting: simpler fraction format",
    "Format the fractional seconds with a width instead of zero padding; the trailing zeros "
    "are stripped anyway.",
    '''                        ret.append(("%d.%06d" % (seconds, usecs)).rstrip("0"))''',
    '''                        ret.append(("%d.%6d" % (seconds, usecs)).rstrip("0"))''',
    "isodate.duration_isoformat(timedelta(seconds=1, microseconds=500))", awkward=True)

bug(B, STRF, "_strfduration", "date", "special-case",
    "`if hours or minutes or seconds or usecs:` -> `if hours or minutes or seconds:`",
    "Duration formatting: time designator only when there is a time part",
    "Only emit the `T` designator when hours, minutes or seconds are present.",
    '''            if hours or minutes or seconds or usecs:''',
    '''            if hours or minutes or seconds:''',
    "isodate.duration_isoformat(timedelta(microseconds=5))", awkward=True)

bug(B, TZ, "tz_isoformat", "date", "dropped-call",
    "`seconds = abs(seconds)` removed before the divmod chain",
    "tz_isoformat: the sign is already captured",
    "`sign` is computed before the split into hours and minutes, so the `abs()` is not "
    "needed.",
    '''    sign = ((seconds < 0) and "-") or "+"
    seconds = abs(seconds)
''',
    '''    sign = ((seconds < 0) and "-") or "+"
''',
    "tz_isoformat(isodate.parse_datetime('2020-01-01T00:00:00-05:30'))")

bug(B, ISOD, "parse_date", "date", "special-case",
    "the `- 1 week` correction for years whose Jan 1st is in ISO week 1 is dropped",
    "parse_date: compute week dates from the ISO calendar only",
    "The isocalendar() tuple already gives the weekday offset; the extra week adjustment "
    "makes the expression hard to read.",
    '''                        weeks=int(groups["week"]) - (((isotuple[1] == 1) and 1) or 0),''',
    '''                        weeks=int(groups["week"]),''',
    "parse_date('2009-W01-1')")

bug(B, ISOT, "parse_time", "date", "wrong-literal",
    "`value.replace(\",\", \".\")` -> `value.replace(\".\", \",\")`",
    "parse_time: normalise decimal separators",
    "ISO 8601 prefers the comma as decimal sign; normalise to it.",
    '''                    groups[key] = value.replace(",", ".")''',
    '''                    groups[key] = value.replace(".", ",")''',
    "parse_time('10:30:15.5')")

ref(B, DUR, "max_days_in_month", "date", "equivalent-condition",
    "leap-year expression rewritten as `y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)`",
    "max_days_in_month: use the textbook leap-year expression",
    "Same rule, written the way most references spell it.",
    '''    if ((year % 400) == 0) or ((year % 100) != 0) and ((year % 4) == 0):''',
    '''    if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):''',
    "lambda r, m: m.max_days_in_month(pick(r, [r.randint(-3000, 3000), 1900, 2000, 2100, 2400, 0, "
    "-4, 1, 4, 100]), r.randint(0, 13))")

ref(B, DUR, "Duration.__str__", "date", "conditional-expression",
    "`fmt` chosen with a conditional expression",
    "Duration.__str__: one-line month format",
    "Pick the singular/plural month format in one expression.",
    '''            fmt = "%d months"
            if self.months <= 1:
                fmt = "%d month"''',
    '''            fmt = "%d month" if self.months <= 1 else "%d months"''',
    "lambda r, m: str(m.Duration(days=r.randint(-400, 400), seconds=r.randint(0, 90000), "
    "months=pick(r, [0, 1, -1, 2, 12, r.randint(-30, 30), 1.5, '0.5']), years=pick(r, [0, 1, 2, -1, r.randint(-5, 5)])))")

ref(B, TZ, "tz_isoformat", "date", "dict-dispatch",
    "if/elif chain over `format` replaced by a dict of format strings",
    "tz_isoformat: table of offset formats",
    "Look the output pattern up in a small table instead of an if/elif chain.",
    '''    if format == "%Z":
        return "%s%02d:%02d" % (sign, hours, minutes)
    elif format == "%z":
        return "%s%02d%02d" % (sign, hours, minutes)
    elif format == "%h":
        return "%s%02d" % (sign, hours)
    raise ValueError('unknown format string "%s"' % format)''',
    '''    patterns = {
        "%Z": "%s%02d:%02d" % (sign, hours, minutes),
        "%z": "%s%02d%02d" % (sign, hours, minutes),
        "%h": "%s%02d" % (sign, hours),
    }
    if format not in patterns:
        raise ValueError('unknown format string "%s"' % format)
    return patterns[format]''',
    "lambda r, m: m.tz_isoformat(__import__('datetime').datetime(2020, 1, 1, tzinfo=m.FixedOffset("
    "r.randint(-23, 23), pick(r, [0, 30, 45, -30, r.randint(-59, 59)]), 'x')) if r.random() < 0.9 else "
    "__import__('datetime').datetime(2020, 1, 1), pick(r, ['%Z', '%z', '%h', '%Z', '%z', '%h', '%H', '']))")
