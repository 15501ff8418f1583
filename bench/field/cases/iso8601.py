from ._dsl import bug, ref

B = "iso8601"
P = "iso8601/iso8601.py"

bug(B, P, "parse_timezone", "date", "statement-order",
    "the offset description is built after the sign has been applied to hours/minutes",
    "parse_timezone: build the description from the final offset",
    "Format the zone description from the signed hour/minute values we actually use.",
    '''    description = f"{sign}{hours:02d}:{minutes:02d}"
    if sign == "-":
        hours = -hours
        minutes = -minutes
    return FixedOffset(hours, minutes, description)''',
    '''    if sign == "-":
        hours = -hours
        minutes = -minutes
    description = f"{sign}{hours:02d}:{minutes:02d}"
    return FixedOffset(hours, minutes, description)''',
    "parse_date('2007-01-25T12:00:00-05:30').tzname()", awkward=True)

bug(B, P, "parse_timezone", "date", "merged-branches",
    "`if tz == \"Z\": return UTC` -> `if tz in (\"Z\", None): return UTC`, ahead of the default",
    "parse_timezone: treat missing and Z zones alike",
    "A string without a zone designator is read as UTC, same as `Z`; merge the two early "
    "returns.",
    '''    if tz == "Z":
        return UTC''',
    '''    if tz in ("Z", None):
        return UTC''',
    "parse_date('2007-01-25T12:00:00', default_timezone=None)", awkward=True)

bug(B, P, "parse_date", "date", "rounding",
    "microseconds computed with float arithmetic instead of Decimal",
    "parse_date: compute microseconds with floats",
    "Decimal is overkill for six digits of fraction; a float multiplication is enough.",
    '''            microsecond=int(
                Decimal(f"0.{groups.get('second_fraction', 0)}") * Decimal("1000000.0")
            ),''',
    '''            microsecond=int(float(f"0.{groups.get('second_fraction', 0)}") * 1000000),''',
    "parse_date('2007-01-25T12:00:00.0157Z')")

bug(B, P, "parse_date", "date", "constant",
    "default day for `YYYY-MM` strings is 0 instead of 1",
    "parse_date: shared zero defaults",
    "Use the same zero default for all missing components.",
    '''            day=int(groups.get("day", groups.get("daydash", 1))),''',
    '''            day=int(groups.get("day", groups.get("daydash", 0))),''',
    "parse_date('2007-01')")

bug(B, P, "FixedOffset", "date", "swapped-arguments",
    "`timedelta(hours=offset_hours, minutes=offset_minutes)` -> positional `timedelta(offset_hours, offset_minutes)`",
    "FixedOffset: positional timedelta arguments",
    "Shorter call.",
    '''        datetime.timedelta(hours=offset_hours, minutes=offset_minutes), name''',
    '''        datetime.timedelta(offset_hours, offset_minutes), name''',
    "FixedOffset(5, 30, '+05:30').utcoffset(None)")

DATEGEN = ("lambda r, m: m.parse_date('%04d%s%s%s' % (r.randint(0, 2100), pick(r, ['-%02d' % r.randint(1, 12), "
           "'-%d' % r.randint(1, 12), '%02d' % r.randint(1, 12), '-%02d' % r.randint(0, 13)]), pick(r, ['-%02d' % r.randint(1, 28), "
           "'%02d' % r.randint(1, 28), '-%02d' % r.randint(0, 32)]), pick(r, ['', 'T12', ' 23:59', 'T12:30:45', 'T01:02:03.5', 'T01:02:03,000003', "
           "'T1200', 'T120000.25'])) + pick(r, ['', 'Z', '+05:30', '-0800', '-03', '+00:00', '-12:45', '+1']), "
           "default_timezone=pick(r, [m.UTC, None, m.FixedOffset(1, 0, 'x')]))")

ref(B, P, "parse_timezone", "date", "sign-factor",
    "negation of hours and minutes replaced by a sign factor",
    "parse_timezone: apply the sign with a factor",
    "Compute a +1/-1 factor once instead of negating two variables.",
    '''    if sign == "-":
        hours = -hours
        minutes = -minutes
    return FixedOffset(hours, minutes, description)''',
    '''    factor = -1 if sign == "-" else 1
    return FixedOffset(factor * hours, factor * minutes, description)''',
    DATEGEN)

ref(B, P, "is_iso8601", "date", "equivalent-condition",
    "`bool(m)` -> `m is not None`",
    "is_iso8601: explicit None check",
    "A match object is always truthy; say what we mean.",
    '''        return bool(m)''',
    '''        return m is not None''',
    "lambda r, m: m.is_iso8601(text(r, '0123456789-T:Z+. ', 0, 22) if r.random() < 0.5 else "
    "'%04d-%02d-%02dT%02d:%02d' % tuple(r.randint(0, 99) for _ in range(5)))")
