from ._dsl import bug, ref

B = "natsort"
U = "natsort/utils.py"

bug(B, U, "sep_inserter", "other", "special-case",
    "no separator is yielded before a leading number",
    "sep_inserter: separators only between numbers",
    "The separator is meant to keep adjacent numbers apart; a leading number has no "
    "neighbour on its left.",
    '''        first = next(iterator)
        if type(first) in types:
            yield sep
        yield first''',
    '''        first = next(iterator)
        yield first''',
    "list(sep_inserter(iter([1, 'a', 2, 3]), ''))", awkward=True)

bug(B, U, "path_splitter", "other", "off-by-one",
    "suffix limit `i > 1` -> `i > 2` (three extensions split off instead of two)",
    "path_splitter: allow one more file extension",
    "Archives such as `.tar.gz.asc` carry three extensions; split all of them.",
    '''            if _d_match(suffix) or i > 1 or len(suffix) > 5:''',
    '''            if _d_match(suffix) or i > 2 or len(suffix) > 5:''',
    "list(path_splitter('/p/a.b.tar.gz'))")

bug(B, U, "path_splitter", "other", "boundary",
    "suffix length limit `len(suffix) > 5` -> `len(suffix) >= 5`",
    "path_splitter: four-letter extensions at most",
    "Tighten the extension length limit.",
    '''            if _d_match(suffix) or i > 1 or len(suffix) > 5:''',
    '''            if _d_match(suffix) or i > 1 or len(suffix) >= 5:''',
    "list(path_splitter('data.json'))")

bug(B, U, "groupletters", "other", "swapped-operands",
    "`(_low(y), y)` -> `(y, _low(y))` when doubling letters",
    "groupletters: keep the original letter first",
    "Emit the original character before its lower-case twin.",
    '''    return "".join(ichain.from_iterable((_low(y), y) for y in x))''',
    '''    return "".join(ichain.from_iterable((y, _low(y)) for y in x))''',
    "groupletters('Apple')")

bug(B, U, "regex_chooser", "other", "dropped-flag",
    "`ns.NOEXP` dropped from the float mask",
    "regex_chooser: mask float options",
    "Keep only the sign flag next to FLOAT when picking the regex.",
    '''        alg &= ns.FLOAT | ns.SIGNED | ns.NOEXP''',
    '''        alg &= ns.FLOAT | ns.SIGNED''',
    "regex_chooser(ns.FLOAT | ns.NOEXP).pattern == regex_chooser(ns.FLOAT).pattern")

ref(B, U, "groupletters", "other", "comprehension",
    "`ichain.from_iterable` over pairs -> concatenation per character",
    "groupletters: concatenate per character",
    "Simpler than chaining pairs.",
    '''    return "".join(ichain.from_iterable((_low(y), y) for y in x))''',
    '''    return "".join(_low(y) + y for y in x)''',
    "lambda r, m: __import__('natsort').natsorted([text(r, 'aAbB1 2.\\u00e9\\u00c9\\u00df', 0, 6) "
    "for _ in range(r.randint(0, 6))], alg=pick(r, [m.ns.GROUPLETTERS, m.ns.GROUPLETTERS | m.ns.FLOAT, "
    "m.ns.LOWERCASEFIRST | m.ns.GROUPLETTERS, m.ns.IGNORECASE]))")
