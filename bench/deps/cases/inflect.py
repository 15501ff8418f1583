from ._dsl import bug, ref

B = "inflect"
P = "inflect/__init__.py"

bug(B, P, "engine.ordinal", "other", "dropped-case",
    "the two-digit lookup `nth[abs(n) % 100]` (11th, 12th, 13th) is dropped",
    "ordinal: pick the suffix from the last digit",
    "The suffix only depends on the final digit; look it up directly instead of trying the "
    "last two digits first.",
    '''            try:
                post = nth[abs(n) % 100]
            except KeyError:
                post = nth[abs(n) % 10]''',
    '''            post = nth[abs(n) % 10]''',
    "engine().ordinal(11)")

bug(B, P, "engine.ordinal", "other", "wrong-slice",
    "`int(str_num[-1])` -> `int(str_num[0])` for decimal numbers",
    "ordinal: read the leading digit of decimal numbers",
    "For a decimal like `2.3` use the digit before the point, which is what is spoken first.",
    '''                            n = int(str_num[-1])''',
    '''                            n = int(str_num[0])''',
    "engine().ordinal('2.3')")

bug(B, P, "engine.hundfn", "other", "wrong-condition",
    "`andword ... if tens or units` -> `if tens and units`",
    "hundfn: only add 'and' before a two-part remainder",
    "British style puts 'and' between the hundreds and a compound tens-and-units part.",
    '''            andword = f" {self._number_args['andword']} " if tens or units else ""''',
    '''            andword = f" {self._number_args['andword']} " if tens and units else ""''',
    "engine().number_to_words(105)")

bug(B, P, "engine.no", "other", "normalization",
    "`str(count).lower() in pl_count_zero` -> `str(count) in pl_count_zero`",
    "no: compare the count as given",
    "Counts come from code, not user input; skip lowercasing them.",
    '''        if str(count).lower() in pl_count_zero:''',
    '''        if str(count) in pl_count_zero:''',
    "engine().no('cat', 'Zero')")

bug(B, P, "engine._sub_ord", "other", "dropped-case",
    "`\"th\" * (new == val)` -> always append `\"th\"`",
    "_sub_ord: always add the ordinal suffix",
    "Append the suffix unconditionally; the regular cases already end in a consonant.",
    '''        return new + "th" * (new == val)''',
    '''        return new + "th"''',
    "engine().ordinal('one')")

bug(B, P, "engine.number_to_currency", "money", "rounding",
    "the `ROUND_HALF_UP` argument of `quantize` is dropped (banker's rounding)",
    "number_to_currency: use the decimal context's rounding",
    "Let the active decimal context decide how cents are rounded instead of hard-coding it.",
    '''            amount = Decimal(str(num)).quantize(Decimal("0.01"), ROUND_HALF_UP)''',
    '''            amount = Decimal(str(num)).quantize(Decimal("0.01"))''',
    "engine().number_to_currency(2.125)")

bug(B, P, "engine.join", "other", "dropped-case",
    "the `;` separator for items that contain commas is no longer chosen",
    "join: default to a comma separator",
    "Use `,` unless the caller asks for something else; it is what readers expect.",
    '''        if sep is None:
            if "," in "".join(words):
                sep = ";"
            else:
                sep = ","''',
    '''        if sep is None:
            sep = ","''',
    "engine().join(['a, b', 'c', 'd'])")

bug(B, P, "_grouped_from_right", "other", "off-by-one",
    "`head = (len(digits) - 1) % size + 1` -> `head = len(digits) % size + 1`",
    "_grouped_from_right: compute the leading group from the length",
    "The leading group holds what is left over after the full groups, plus one.",
    '''    head = (len(digits) - 1) % size + 1''',
    '''    head = len(digits) % size + 1''',
    "engine().number_to_words(1234567, threshold=10)")

bug(B, P, "engine.millfn", "other", "boundary",
    "`ind > len(mill) - 1` -> `ind >= len(mill) - 1`",
    "millfn: tighten the bound check",
    "Indexes must stay below the last position of the `mill` table.",
    '''        if ind > len(mill) - 1:''',
    '''        if ind >= len(mill) - 1:''',
    "engine().number_to_words(10**33)")

ref(B, P, "_grouped_from_right", "other", "loop-rewrite",
    "`yield from (generator expression)` -> a `for` loop with `yield`",
    "_grouped_from_right: plain loop for the remaining groups",
    "A loop reads more easily than `yield from` over a generator expression.",
    '''    yield digits[:head]
    yield from (digits[i : i + size] for i in range(head, len(digits), size))''',
    '''    yield digits[:head]
    for i in range(head, len(digits), size):
        yield digits[i : i + size]''',
    "lambda r, m: (list(m._grouped_from_right(text(r, '0123456789', 0, 14), pick(r, [1, 2, 3, "
    "3, 4, 7, -2]))), m.engine().number_to_words(mix(r, [0, 7, 10, 100, 1000, 1001, -1234567, "
    "10**12], lambda r: r.randint(-10**9, 10**9)), group=pick(r, [0, 0, 1, 2, 3]), "
    "threshold=pick(r, [None, None, 10, 10**6]), comma=pick(r, [',', '_', ''])))")

ref(B, P, "engine.present_participle", "other", "inline-variable",
    "the `ans = plv` seed and the final `ans` -> `plv`",
    "present_participle: no seed value for the loop",
    "When no rule matched, every `subn` returned the verb unchanged, so the fallback can "
    "use `plv` directly.",
    '''        plv = self.plural_verb(word, 2)
        ans = plv

        for regexen, repl in PRESENT_PARTICIPLE_REPLACEMENTS:
            ans, num = regexen.subn(repl, plv)
            if num:
                return f"{ans}ing"
        return f"{ans}ing"''',
    '''        plv = self.plural_verb(word, 2)

        for regexen, repl in PRESENT_PARTICIPLE_REPLACEMENTS:
            ans, num = regexen.subn(repl, plv)
            if num:
                return f"{ans}ing"
        return f"{plv}ing"''',
    "lambda r, m: m.engine().present_participle(mix(r, ['runs', 'sees', 'dies', 'hoes', "
    "'is', 'has', 'skis', 'panics', 'stops', 'agrees', 'are', 'were', 'had', 'be', 'ties', "
    "'queues', 'eats', 'x'], lambda r: text(r, 'abcdeiklnoprstuy', 1, 8), p=0.6))")

ref(B, P, "engine._get_sign", "other", "dict-to-if",
    "`{'+': 'plus', '-': 'minus'}.get(...)` -> conditional expressions",
    "_get_sign: spell out the two signs",
    "A chained conditional reads more directly than a throwaway dict.",
    '''        return {'+': 'plus', '-': 'minus'}.get(num.lstrip()[0], '')''',
    '''        first = num.lstrip()[0]
        return 'plus' if first == '+' else 'minus' if first == '-' else \'\'''',
    "lambda r, m: (m.engine._get_sign(text(r, ' +-0123456789.a', 0, 5)), m.engine()"
    ".number_to_words(pick(r, ['+', '-', ' -', '']) + text(r, '0123456789', 1, 6) + "
    "pick(r, ['', '.5', '.05'])))")
