from ._dsl import bug, ref

B = "pytimeparse"
P = "pytimeparse/timeparse.py"

bug(
    B,
    P,
    "_interpret_as_minutes",
    "date",
    "special-case",
    '`and "." not in sval` dropped from the hours:minutes reinterpretation',
    "Simplify the minutes-granularity check",
    "The fractional-seconds guard in `_interpret_as_minutes` looks redundant: the clock "
    "patterns already decide how the part after the colon is read.",
    """        sval.count(":") == 1
        and "." not in sval
        and (("hours" not in mdict)""",
    """        sval.count(":") == 1
        and (("hours" not in mdict)""",
    "timeparse('1:30.5', granularity='minutes')",
)

bug(
    B,
    P,
    "_interpret_as_minutes",
    "date",
    "statement-order",
    "shift `mins` into `secs` before copying `mins` into `hours`",
    "Reorder field shifting in _interpret_as_minutes",
    "Shift the fields from the right so each assignment reads the value it replaces; "
    "no behaviour change intended.",
    """        mdict["hours"] = mdict["mins"]
        mdict["mins"] = mdict["secs"]""",
    """        mdict["mins"] = mdict["secs"]
        mdict["hours"] = mdict["mins"]""",
    "timeparse('1:30', granularity='minutes')",
)

bug(
    B,
    P,
    "timeparse",
    "date",
    "special-case",
    "`if match and match.group(0).strip():` -> `if match:`",
    "timeparse: a match object is enough",
    "Every compiled time format is anchored, so a successful match is all we need to "
    "interpret the groups; drop the extra strip() on the matched text.",
    """        if match and match.group(0).strip():""",
    """        if match:""",
    "timeparse('   ')",
)

bug(
    B,
    P,
    "timeparse",
    "date",
    "wrong-condition",
    '`if k != "secs" and v is not None` -> `if v is not None` in the exact-sum branch',
    "Tidy the Decimal summation in timeparse",
    "Use the same filter as the other two branches when summing the fields.",
    """                                    for (k, v) in list(mdict.items())
                                    if k != "secs" and v is not None""",
    """                                    for (k, v) in list(mdict.items())
                                    if v is not None""",
    "timeparse('1.5m 10s')",
)

bug(
    B,
    P,
    "timeparse",
    "date",
    "wrong-literal",
    '`sign = -1 if ... == "-"` compares with the unicode minus sign',
    "Accept the typographic minus in timeparse",
    "Durations pasted from documents often carry U+2212 instead of a hyphen.",
    """    sign = -1 if match.groupdict()["sign"] == "-" else 1""",
    """    sign = -1 if match.groupdict()["sign"] == "\\u2212" else 1""",
    "timeparse('-1h')",
)

TIMEGEN = (
    "lambda r, m: m.timeparse(pick(r, ['', '-', '+ ', ' ', '- ']) + "
    "words(r, [pick(r, ['1', '12', '1.5', '0', '3', '4.1', '.', '90', '2.25']) + "
    "pick(r, ['m', 's', 'h', 'd', 'w', ' mins', ' minutes', 'sec', ' hours', 'wks', "
    "':30', ':05.5', ':00:01', ':07:30.25', '', ' days', ':4']) for _ in range(4)], 1, 3, "
    "pick(r, [' ', ', ', '/', ''])), granularity=pick(r, ['seconds', 'minutes']))"
)

ref(
    B,
    P,
    "_interpret_as_minutes",
    "date",
    "equivalent-condition",
    '`(("hours" not in mdict) or (mdict["hours"] is None))` -> `mdict.get("hours") is None` (x3)',
    "Use dict.get in _interpret_as_minutes",
    "The three `not in ... or ... is None` pairs say the same thing as `.get(...) is None`.",
    """        and (("hours" not in mdict) or (mdict["hours"] is None))
        and (("days" not in mdict) or (mdict["days"] is None))
        and (("weeks" not in mdict) or (mdict["weeks"] is None))""",
    """        and mdict.get("hours") is None
        and mdict.get("days") is None
        and mdict.get("weeks") is None""",
    TIMEGEN,
)

ref(
    B,
    P,
    "timeparse",
    "date",
    "extract-variable",
    "`match.groupdict()` read once into `parts`",
    "timeparse: read the sign groups once",
    "Avoid calling groupdict() twice on the sign match.",
    """    sign = -1 if match.groupdict()["sign"] == "-" else 1
    sval = match.groupdict()["unsigned"]""",
    """    parts = match.groupdict()
    sign = -1 if parts["sign"] == "-" else 1
    sval = parts["unsigned"]""",
    TIMEGEN,
)
