from ._dsl import bug, ref

B = "webcolors"
N = "webcolors/_normalization.py"
C = "webcolors/_conversion.py"
H = "webcolors/_html5.py"

bug(B, N, "_normalize_percent_rgb", "other", "dropped-case",
    "`float(value) if \".\" in value else int(value)` -> `int(value)`",
    "_normalize_percent_rgb: percentages are integers",
    "CSS percentages in rgb() are whole numbers in practice; parse them as int.",
    '''    percent = float(value) if "." in value else int(value)''',
    '''    percent = int(value)''',
    "normalize_percent_triplet(('12.5%', '0%', '0%'))")

bug(B, N, "_normalize_percent_rgb", "other", "boundary",
    "`\"100%\" if percent > 100` -> `\"100%\" if percent >= 100`",
    "_normalize_percent_rgb: clamp at 100% inclusive",
    "Treat 100% itself as the clamped value.",
    '''    return "0%" if percent < 0 else "100%" if percent > 100 else f"{percent}%"''',
    '''    return "0%" if percent < 0 else "100%" if percent >= 100 else f"{percent}%"''',
    "normalize_percent_triplet(('100.0%', '0%', '50%'))")

bug(B, N, "_percent_to_integer", "other", "rounding",
    "`int(round(x / 100 * 255))` -> `int(x / 100 * 255)`",
    "_percent_to_integer: int() already returns an integer",
    "Drop the redundant round() before int().",
    '''    return int(round(float(percent.split("%")[0]) / 100 * 255))''',
    '''    return int(float(percent.split("%")[0]) / 100 * 255)''',
    "webcolors.rgb_percent_to_rgb(('50%', '50%', '50%'))")

bug(B, C, "hex_to_rgb", "other", "dropped-mask",
    "`int_value >> 8 & 0xFF` -> `int_value >> 8` for the green channel",
    "hex_to_rgb: simplify the channel extraction",
    "Operator precedence makes the mask on the green channel hard to read; simplify.",
    '''    return IntegerRGB(int_value >> 16, int_value >> 8 & 0xFF, int_value & 0xFF)''',
    '''    return IntegerRGB(int_value >> 16, int_value >> 8, int_value & 0xFF)''',
    "hex_to_rgb('#0a0b0c')")

bug(B, N, "normalize_hex", "other", "wrong-expression",
    "three-digit expansion `\"\".join(2 * s for s in hex_digits)` -> `hex_digits * 2`",
    "normalize_hex: expand short hex colors with one multiplication",
    "Replace the generator by a string multiplication.",
    '''        hex_digits = "".join(2 * s for s in hex_digits)''',
    '''        hex_digits = hex_digits * 2''',
    "normalize_hex('#09c')")

bug(B, C, "rgb_to_rgb_percent", "other", "constant",
    "the `128: \"50%\"` special case is removed",
    "rgb_to_rgb_percent: keep only exact specials",
    "128/255 is not exactly 50%; keep only the specials that are exact.",
    '''        255: "100%",
        128: "50%",
        64: "25%",''',
    '''        255: "100%",
        64: "25%",''',
    "rgb_to_rgb_percent((128, 128, 128))")

bug(B, H, "html5_parse_legacy_color", "other", "operator",
    "leading-zero stripping condition `red[0] == \"0\" and green[0] == ... and blue[0] == ...` uses `or`",
    "Legacy color parsing: strip leading zeros per component",
    "Strip leading zeros when any component has one.",
    '''    while (length > 2) and (red[0] == "0" and green[0] == "0" and blue[0] == "0"):''',
    '''    while (length > 2) and (red[0] == "0" or green[0] == "0" or blue[0] == "0"):''',
    "html5_parse_legacy_color('#0a0b0c0d')")

bug(B, H, "html5_parse_legacy_color", "other", "boundary",
    "`\"00\" if ord(c) > 0xFFFF` -> `\"00\" if ord(c) >= 0xFFFF`",
    "Legacy color parsing: non-BMP check",
    "Use an inclusive bound for the non-BMP replacement.",
    '''    value = "".join("00" if ord(c) > 0xFFFF else c for c in value)''',
    '''    value = "".join("00" if ord(c) >= 0xFFFF else c for c in value)''',
    "html5_parse_legacy_color('\\uffff12345')")

ref(B, N, "_normalize_integer_rgb", "other", "min-max",
    "chained conditional expression -> `min(max(value, 0), 255)`",
    "_normalize_integer_rgb: clamp with min/max",
    "Clamp with the builtins.",
    '''    return 0 if value < 0 else 255 if value > 255 else value''',
    '''    return min(max(value, 0), 255)''',
    "lambda r, m: m.normalize_integer_triplet(tuple(pick(r, [r.randint(-300, 600), 0, 255, 256, -1, 128, "
    "-0.0, 255.5, 12.25, float('nan'), True]) for _ in range(3)))")

ref(B, C, "rgb_to_hex", "other", "comprehension",
    "f-string with three fields -> join over the channels",
    "rgb_to_hex: format channels in a loop",
    "Format each channel the same way with a generator.",
    '''    return f"#{red:02x}{green:02x}{blue:02x}"''',
    '''    return "#" + "".join(f"{channel:02x}" for channel in (red, green, blue))''',
    "lambda r, m: m.rgb_to_hex(tuple(pick(r, [r.randint(-300, 600), 0, 255, 256, 15, 16, 12.5, True]) "
    "for _ in range(3)))")

ref(B, H, "html5_parse_legacy_color", "other", "floor-division",
    "`int(len(value) / 3)` -> `len(value) // 3`",
    "Legacy color parsing: integer division",
    "Use floor division for the component length.",
    '''    length = int(len(value) / 3)''',
    '''    length = len(value) // 3''',
    "lambda r, m: m.html5_parse_legacy_color(pick(r, ['', ' ', 'transparent', 'NAVY', 'chucknorris', '#fff', '#ffg'])"
    " if r.random() < 0.1 else pick(r, ['#', '', ' ']) + text(r, '0123456789abcdefABCDEFxyz#\\uffff\\U0001F600 ', 1, 40))")
