from ._dsl import bug, ref

B = "tabulate"
P = "tabulate/__init__.py"

bug(B, P, "_afterpoint", "money", "off-by-one",
    "`return len(string) - pos - 1` -> `return len(string) - pos`",
    "_afterpoint: count the decimal point with the fraction",
    "Return the width of the fractional part including the point, which is what the "
    "decimal alignment pads.",
    '''            if pos >= 0:
                return len(string) - pos - 1''',
    '''            if pos >= 0:
                return len(string) - pos''',
    "tabulate([[1.5], [10.25], [3]])")

bug(B, P, "_isnumber", "money", "dropped-case",
    "`\"-inf\"` dropped from the accepted infinity spellings",
    "_isnumber: accept inf and nan spellings",
    "Trim the special-value list to the canonical spellings.",
    '''                    or string.lower() in ["inf", "-inf", "nan"]''',
    '''                    or string.lower() in ["inf", "nan"]''',
    "tabulate([['-inf'], [12.5]], floatfmt='.1f')")

bug(B, P, "_format", "money", "special-case",
    "thousands separators are no longer removed before `float(val)`",
    "_format: parse float cells directly",
    "`float()` is given the cell text as is; the extra replace() on every float cell costs "
    "time on large tables.",
    '''            if isinstance(val, str) and "," in val:
                val = val.replace(",", "")  # handle thousands-separators
            try:''',
    '''            try:''',
    "tabulate([['1,234.5'], ['7']], floatfmt=',.2f')")

bug(B, P, "_format", "money", "dropped-argument",
    "`return missingval` -> `return \"\"` for None cells",
    "_format: None renders as an empty cell",
    "Render missing values as empty cells, like empty strings.",
    '''    if val is None:
        return missingval''',
    '''    if val is None:
        return ""''',
    "tabulate([[None, 1.5], [2, None]], missingval='n/a')")

bug(B, P, "_pipe_segment_with_colons", "other", "off-by-one",
    "centered pipe segment `\"-\" * (w - 2)` -> `\"-\" * (w - 1)`",
    "pipe format: same dash count for every alignment",
    "Use one dash count for the colon variants.",
    '''        return ":" + ("-" * (w - 2)) + ":"''',
    '''        return ":" + ("-" * (w - 1)) + ":"''',
    "tabulate([['x']], headers=['amount'], tablefmt='pipe', colalign=['center'])")

bug(B, P, "_align_cell_veritically", "other", "swapped-variables",
    "for centered rows the odd blank line goes to the top instead of the bottom",
    "Center multi-line rows from the bottom",
    "Compute the bottom padding first when centering cells vertically.",
    '''        top_delta = delta_lines // 2
        bottom_delta = delta_lines - top_delta''',
    '''        bottom_delta = delta_lines // 2
        top_delta = delta_lines - bottom_delta''',
    "tabulate([['a\\nb\\nc\\nd', 'x']], tablefmt='grid', rowalign='center')")

bug(B, P, "_align_column", "other", "dropped-argument",
    "`max(max(_flat_list(s_widths)), minwidth)` -> `max(_flat_list(s_widths))`",
    "_align_column: width from the cell contents",
    "Column width comes from the widest cell; simplify.",
    '''    maxwidth = max(max(_flat_list(s_widths)), minwidth)''',
    '''    maxwidth = max(_flat_list(s_widths))''',
    "tabulate([[1], [22]], headers=['total'])")

TABGEN = ("lambda r, m: m.tabulate([[pick(r, [r.randint(-10**6, 10**6), round(r.uniform(-1e4, 1e4), r.randint(0, 4)), "
          "'1,234.5', '-inf', 'nan', None, '', 'abc', '12', '1e3', b'xy', True, 0.1, -0.0, '\\x1b[31m42\\x1b[0m', "
          "'two\\nlines']) for _ in range(r.randint(1, 3))] for _ in range(r.randint(1, 4))], "
          "headers=pick(r, [(), 'firstrow', ['a', 'long header', 'c']]), "
          "tablefmt=pick(r, ['simple', 'plain', 'grid', 'pipe', 'github', 'psql', 'rst', 'orgtbl', 'html', 'latex']), "
          "floatfmt=pick(r, ['g', '.2f', ',.2f', '.0f']), missingval=pick(r, ['', '-', 'n/a']), "
          "numalign=pick(r, ['decimal', 'right', 'left', 'center', None]))")

bug(B, P, "_padboth", "other", "wrong-call",
    "`\"{0:^%ds}\" % width` + `format` -> `s.center(width)`",
    "_padboth: use str.center",
    "`str.center` does the same as the `^` format spec and reads better.",
    '''    fmt = "{0:^%ds}" % width
    return fmt.format(s)''',
    '''    return s.center(width)''',
    "tabulate([['ab'], ['abcde']], stralign='center')")

ref(B, P, "_padright", "other", "inline-variable",
    "`fmt` variable inlined",
    "_padright: inline the format string",
    "One expression instead of a temporary.",
    '''    fmt = "{0:<%ds}" % width
    return fmt.format(s)''',
    '''    return ("{0:<%ds}" % width).format(s)''',
    TABGEN.replace("numalign=pick(r, ['decimal', 'right', 'left', 'center', None])",
                   "numalign='left', stralign=pick(r, ['left', None, 'right'])"))

ref(B, P, "_more_generic", "other", "simplify",
    "inverse dict replaced by a tuple indexed by rank",
    "_more_generic: index a tuple instead of a second dict",
    "The inverse mapping is just the types in rank order.",
    '''    invtypes = {
        5: str,
        4: bytes,
        3: float,
        2: int,
        1: bool,
        0: type(None),
    }
    moregeneric = max(types.get(type1, 5), types.get(type2, 5))
    return invtypes[moregeneric]''',
    '''    by_rank = (type(None), bool, int, float, bytes, str)
    return by_rank[max(types.get(type1, 5), types.get(type2, 5))]''',
    TABGEN)

ref(B, P, "_align_cell_veritically", "other", "dict-dispatch",
    "if/elif on the row alignment rewritten with early returns and a computed split",
    "_align_cell_veritically: early returns",
    "Handle the bottom and center cases first and fall through to top alignment.",
    '''    if row_alignment == "bottom":
        return blank * delta_lines + text_lines
    elif row_alignment == "center":
        top_delta = delta_lines // 2
        bottom_delta = delta_lines - top_delta
        return top_delta * blank + text_lines + bottom_delta * blank
    else:
        return text_lines + blank * delta_lines''',
    '''    if row_alignment == "bottom":
        top_delta = delta_lines
    elif row_alignment == "center":
        top_delta = delta_lines // 2
    else:
        top_delta = 0
    return top_delta * blank + text_lines + (delta_lines - top_delta) * blank''',
    "lambda r, m: m.tabulate([[text(r, 'ab\\n', 0, 8), text(r, 'xy\\n\\n', 0, 6), r.randint(0, 99)] "
    "for _ in range(r.randint(1, 3))], tablefmt=pick(r, ['grid', 'simple', 'psql', 'fancy_grid']), "
    "rowalign=pick(r, ['top', 'center', 'bottom', None, 'middle']))")
