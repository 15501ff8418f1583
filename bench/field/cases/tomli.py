from ._dsl import bug, ref

B = "tomli"
P = "tomli/_parser.py"
R = "tomli/_re.py"

bug(B, P, "skip_comment", "other", "wrong-flag",
    "`error_on_eof=False` -> `error_on_eof=True` when skipping a comment",
    "skip_comment: pass the same flags as the other skip_until callers",
    "Every other caller of `skip_until` asks for an error at end of file; do the same for "
    "comments so the behaviour is uniform.",
    '''            src, pos + 1, "\\n", error_on=ILLEGAL_COMMENT_CHARS, error_on_eof=False''',
    '''            src, pos + 1, "\\n", error_on=ILLEGAL_COMMENT_CHARS, error_on_eof=True''',
    "loads('a = 1 # trailing note')")

bug(B, P, "is_unicode_scalar_value", "other", "boundary",
    "`0 <= codepoint <= 55295` -> `0 <= codepoint < 55295`",
    "Tidy the Unicode scalar range check",
    "Use a half-open range for the lower block of scalar values.",
    '''    return (0 <= codepoint <= 55295) or (57344 <= codepoint <= 1114111)''',
    '''    return (0 <= codepoint < 55295) or (57344 <= codepoint <= 1114111)''',
    "loads('a = \"\\\\uD7FF\"')")

bug(B, P, "parse_multiline_str", "other", "special-case",
    "the newline right after an opening `\"\"\"`/`'''` is no longer trimmed",
    "parse_multiline_str: let the string parsers see the whole body",
    "Simplify `parse_multiline_str` by handing the body to the string parsers unchanged "
    "instead of peeking at the first character.",
    '''    pos += 3
    if src.startswith("\\n", pos):
        pos += 1

    if literal:''',
    '''    pos += 3

    if literal:''',
    "loads('a = \"\"\"\\nfirst line\"\"\"')")

bug(B, P, "parse_basic_str", "other", "off-by-one",
    "closing `\"\"\"` of a multi-line basic string advances by 2 instead of 3",
    "parse_basic_str: return position of the closing quote run",
    "Return the position just before the last quote of the delimiter so that "
    "`parse_multiline_str` can handle the extra-quote cases in one place.",
    '''            if src.startswith('"""', pos):
                return pos + 3, result + src[start_pos:pos]''',
    '''            if src.startswith('"""', pos):
                return pos + 2, result + src[start_pos:pos]''',
    "loads('a = \"\"\"x\"\"\"')")

bug(B, P, "parse_array", "other", "special-case",
    "the check for `]` after a trailing comma is removed",
    "parse_array: one exit point per element",
    "The loop already checks for the closing bracket after each value; the second check "
    "after the comma duplicates it.",
    '''        pos += 1

        pos = skip_comments_and_array_ws(src, pos)
        if src.startswith("]", pos):
            return pos + 1, array


def parse_inline_table(''',
    '''        pos += 1

        pos = skip_comments_and_array_ws(src, pos)


def parse_inline_table(''',
    "loads('a = [1, 2,]')")

bug(B, P, "Flags.is_", "other", "special-case",
    "`flag in inner_cont[\"flags\"] or flag in inner_cont[\"recursive_flags\"]` -> only `flags`",
    "Flags.is_: recursive flags are checked on the way down",
    "Recursive flags are already looked up for every parent key in the loop, so only the "
    "plain flags need checking for the final key.",
    '''            return flag in inner_cont["flags"] or flag in inner_cont["recursive_flags"]''',
    '''            return flag in inner_cont["flags"]''',
    "loads('a = {b = 1}\\n[a]\\nc = 2')")

bug(B, P, "NestedDict.get_or_create_nest", "other", "off-by-one",
    "`cont = cont[-1]` -> `cont = cont[0]` for arrays of tables",
    "get_or_create_nest: index arrays of tables from the front",
    "Use the first entry of an array of tables when walking into it.",
    '''            if access_lists and isinstance(cont, list):
                cont = cont[-1]''',
    '''            if access_lists and isinstance(cont, list):
                cont = cont[0]''',
    "loads('[[p]]\\nn = 1\\n[[p]]\\nn = 2\\n[p.q]\\nb = 3')")

bug(B, R, "match_to_datetime", "date", "wrong-call",
    "`micros_str.ljust(6, \"0\")` -> `micros_str.rjust(6, \"0\")`",
    "match_to_datetime: pad fractional seconds",
    "Pad the fractional-second digits to microseconds with zeros.",
    '''    micros = int(micros_str.ljust(6, "0")) if micros_str else 0
    if offset_sign_str:''',
    '''    micros = int(micros_str.rjust(6, "0")) if micros_str else 0
    if offset_sign_str:''',
    "tomli.loads('t = 1979-05-27T07:32:00.5')", awkward=True)

bug(B, R, "cached_tz", "date", "dropped-sign",
    "`minutes=sign * int(minute_str)` -> `minutes=int(minute_str)`",
    "cached_tz: simplify the timedelta arguments",
    "The sign only matters for the hour part of an offset.",
    '''            minutes=sign * int(minute_str),''',
    '''            minutes=int(minute_str),''',
    "tomli.loads('t = 2020-01-01T00:00:00-05:30')['t'].utcoffset()")

bug(B, R, "match_to_number", "other", "wrong-condition",
    "`if match.group(\"floatpart\"):` -> `if \".\" in match.group():`",
    "match_to_number: detect floats by their decimal point",
    "A cheaper test than looking up the named group.",
    '''    if match.group("floatpart"):''',
    '''    if "." in match.group():''',
    "tomli.loads('x = 1e3')", awkward=True)

DOC = ("lambda r, m: __import__('tomli').loads('\\n'.join(pick(r, ['a', 'b.c', '\"q x\"', \"'lit'\", "
       "'k_1', 'd.e.f', 'x-y']) + pick(r, [' = ', '=', ' =']) + pick(r, ['1', '-0', '+7', '0x1F', "
       "'0o17', '0b101', '1_000', '3.14', '1e3', '-2.5E-3', 'inf', '-nan', 'true', 'false', "
       "'\"s\"', '\"\\\\u00e9\\\\t\"', \"'raw\\\\\\\\'\", '\"\"\"\\nml\"\"\"\"', \"'''a''''\", '[1, 2,]', "
       "'[ ]', '{x = 1, y.z = [2]}', '1979-05-27', '1979-05-27T07:32:00Z', "
       "'1979-05-27 07:32:00.999999-07:30', '07:32:00.5', '00:00', '\"\\\\U0001F600\"', "
       "'\"\\\\uD800\"', '1__0', '[1 2]']) + pick(r, ['', ' # c', '#', '  ']) "
       "for _ in range(r.randint(1, 3))) + pick(r, ['', '\\n', '\\n[t]\\nv = 1', '\\n[[t]]\\n[[t]]']))")

ref(B, P, "is_unicode_scalar_value", "other", "equivalent-condition",
    "two ranges -> one range minus the surrogate block, written in hex",
    "is_unicode_scalar_value: spell out the surrogate gap",
    "Express the check as 'any code point except surrogates', which is how the spec words "
    "it.",
    '''    return (0 <= codepoint <= 55295) or (57344 <= codepoint <= 1114111)''',
    '''    return 0 <= codepoint <= 0x10FFFF and not 0xD800 <= codepoint <= 0xDFFF''',
    "lambda r, m: m.loads('a = \"\\\\u%04X\" \\nb = \"\\\\U%08X\"' % (r.choice([r.randint(0, 0xD7FF), "
    "r.randint(0, 0xD7FF), r.randint(0, 0xFFFF), 0xD7FF, 0xD800, 0xDFFF, 0xE000, r.randint(0xE000, 0xFFFF)]), r.choice(["
    "r.randint(0, 0xD7FF), r.randint(0xE000, 0x10FFFF), 0x10FFFF, 0x110000, 0xDFFF, 0, "
    "r.randint(0, 0x1FFFF)])))")

ref(B, P, "skip_chars", "other", "loop-rewrite",
    "IndexError-driven loop replaced by an explicit bound check",
    "skip_chars: check the bound instead of catching IndexError",
    "Makes the loop condition explicit; same result.",
    '''    try:
        while src[pos] in chars:
            pos += 1
    except IndexError:
        pass
    return pos''',
    '''    end = len(src)
    while pos < end and src[pos] in chars:
        pos += 1
    return pos''',
    DOC)

ref(B, R, "match_to_localtime", "date", "conditional-expression",
    "conditional expressions for `sec`/`micros` -> if statements",
    "match_to_localtime: plain if statements",
    "Spell out the defaults for the optional seconds and fractions.",
    '''    sec = int(sec_str) if sec_str else 0
    micros = int(micros_str.ljust(6, "0")) if micros_str else 0
    return time(int(hour_str), int(minute_str), sec, micros)''',
    '''    sec = 0
    micros = 0
    if sec_str:
        sec = int(sec_str)
    if micros_str:
        micros = int(micros_str.ljust(6, "0"))
    return time(int(hour_str), int(minute_str), sec, micros)''',
    "lambda r, m: __import__('tomli').loads('t = %02d:%02d%s' % (r.randint(0, 23), r.randint(0, 59), "
    "pick(r, ['', ':00', ':59', ':%02d' % r.randint(0, 59), ':01.5', ':02.123456789', '.5', ':3'])))")
