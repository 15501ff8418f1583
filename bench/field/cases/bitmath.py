from ._dsl import bug, ref

B = "bitmath"
P = "bitmath/__init__.py"

bug(B, P, "Bitmath.best_prefix", "money", "rounding",
    "`int(math.log(abs(_inst.bytes), _base))` -> `round(...)`",
    "best_prefix: round the magnitude",
    "Pick the nearest prefix rather than truncating the logarithm.",
    '''        _index = int(math.log(abs(_inst.bytes), _base))''',
    '''        _index = round(math.log(abs(_inst.bytes), _base))''',
    "Byte(900000).best_prefix()")

bug(B, P, "Bitmath.best_prefix", "money", "constant",
    "default SI step in `_resolve_prefix_table` is 1024 instead of 1000",
    "best_prefix: one step size for the default table",
    "Use the binary step size for the default prefix table lookup.",
    '''            if pref is None:
                if self.system == 'NIST':
                    return NIST_PREFIXES, 1024
                return SI_PREFIXES, 1000''',
    '''            if pref is None:
                if self.system == 'NIST':
                    return NIST_PREFIXES, 1024
                return SI_PREFIXES, 1024''',
    "MB(1.02).best_prefix()")

bug(B, P, "Bitmath.best_prefix", "money", "boundary",
    "`if abs(self) < Byte(1):` -> `if abs(self) <= Byte(1):`",
    "best_prefix: sizes up to one byte are shown in bits",
    "One byte reads better as eight bits.",
    '''        if abs(self) < Byte(1):''',
    '''        if abs(self) <= Byte(1):''',
    "Byte(1).best_prefix()")

bug(B, P, "_parse_string_unsafe", "money", "off-by-one",
    "`_unit.insert(1, 'i')` -> `_unit.insert(2, 'i')` when building NIST unit names",
    "parse_string: build NIST names after the prefix",
    "Insert the `i` after the prefix letter and unit, matching how the names are written.",
    '''            _unit.insert(1, 'i')''',
    '''            _unit.insert(2, 'i')''',
    "parse_string('4k', strict=False)")

bug(B, P, "_parse_string_unsafe", "money", "special-case",
    "the `K` -> `k` fix-up for SI kilo is removed",
    "parse_string: drop the kilo special case",
    "Capitalisation is normalised just below; the separate `K` branch is redundant.",
    '''            if unit.startswith('K'):
                unit = unit.replace('K', 'k')
            elif not unit.startswith('k'):''',
    '''            if not unit.startswith('k'):''',
    "parse_string('4K', strict=False, system=SI)")

bug(B, P, "Bitmath.__floordiv__", "money", "rounding",
    "`int(self._byte_value // other.bytes)` -> `round(self._byte_value / other.bytes)`",
    "Bitmath floor division: round the ratio",
    "Return the whole number of divisions via round().",
    '''        return int(self._byte_value // other.bytes)''',
    '''        return round(self._byte_value / other.bytes)''',
    "MiB(1.5) // KiB(1000)")

bug(B, P, "Bitmath.__radd__", "money", "special-case",
    "the `0 + bm = bm` identity in `__radd__` is removed",
    "Bitmath.__radd__: numbers plus sizes are numbers",
    "`num + bm` returns a number everywhere else; do the same for zero.",
    '''        # Special case: 0 + bm = bm (identity element, enables built-in sum())
        if other == 0:
            return self
        # num + bm = num''',
    '''        # num + bm = num''',
    "__import__('builtins').sum([MiB(1), MiB(2)])")

SIZEGEN = ("lambda r, m: repr(m.parse_string(pick(r, ['%s%s' % (pick(r, [r.randint(0, 5000), round(r.uniform(0, 3000), 2), '', '-1']), "
           "pick(r, ['', ' ', 'k', 'K', 'kb', 'KB', 'KiB', 'Ki', 'm', 'M', 'MB', 'MiB', 'g', 'Gb', 'GiB', 'b', 'B', 'byte', "
           "'bits', 't', 'T', 'PiB', 'kib', 'x', 'iB', 'EB'])), r.randint(0, 10**7)]), strict=False, "
           "system=pick(r, [m.NIST, m.SI])).best_prefix(system=pick(r, [None, m.NIST, m.SI])))")

ref(B, P, "capitalize_first", "money", "inline-variable",
    "`pfx`/`_s` temporaries inlined",
    "capitalize_first: one expression",
    "Return the expression directly.",
    '''    pfx = s[0].upper()
    _s = s[1:]
    return pfx + _s''',
    '''    return s[0].upper() + s[1:]''',
    SIZEGEN)

ref(B, P, "Bitmath.system", "money", "dict-dispatch",
    "if-chain on `self._base` replaced by a dict lookup",
    "Bitmath.system: table lookup",
    "Map the base to the system name with a small dict.",
    '''        if self._base == 2:
            return "NIST"
        if self._base == 10:
            return "SI"
        # I don't expect''',
    '''        names = {2: "NIST", 10: "SI"}
        if self._base in names:
            return names[self._base]
        # I don't expect''',
    "lambda r, m: (lambda b: (b.system, str(b.best_prefix()), b.format('{system} {value:.3f} {unit}')))("
    "pick(r, [m.Byte, m.KiB, m.kB, m.MB, m.MiB, m.Bit, m.kb, m.Gib, m.GB])(pick(r, [r.randint(0, 10**6), r.uniform(0, 5000), 0, 1, 1023, 1000])))")
