from ._dsl import bug, ref

B = "slugify"
P = "slugify/slugify.py"

# Random slugify input: words from several scripts, entities, quotes, numbers, separators.
TEXT = ("lambda r: words(r, ['Hello', 'world', 'C\\'est', 'la', 'vie', 'ÉCOLE', 'Straße', "
        "'Привет', '影師嗎', '1,000', '&amp;', '&#x41;', '&#233;', '&lt;', 'the', 'The', 'a', "
        "'jaja', 'lol', 'mememeoo', '10.5%', '_x_', '--', '\"q\"', 'i\\'m', 'ğüş', '😀'], 0, 7, "
        "sep=pick(r, [' ', '  ', '-', '_', ', ', '\\t']))")

bug(B, P, "smart_truncate", "other", "dropped-call",
    "the `.strip(separator)` after a plain (non word-boundary) cut is removed",
    "smart_truncate: return the cut string as is",
    "The input was already stripped of separators at the top of the function, so the cut "
    "does not need a second strip.",
    '''        return string[:max_length].strip(separator)''',
    '''        return string[:max_length]''',
    "slugify('hello world again', max_length=6)")

bug(B, P, "smart_truncate", "other", "off-by-one",
    "`len(truncated) + len(word)` -> `len(truncated) + len(word) + 1`",
    "smart_truncate: count the separator when checking the word budget",
    "Each kept word is followed by a separator; include it in the length check so the "
    "budget is not exceeded.",
    '''            next_len = len(truncated) + len(word)''',
    '''            next_len = len(truncated) + len(word) + 1''',
    "slugify('jaja lol mememeoo', max_length=8, word_boundary=True)")

bug(B, P, "slugify", "other", "normalization",
    "stopwords are no longer lowercased when `lowercase=True`",
    "slugify: compare stopwords as given",
    "Callers pass stopwords in the form they want removed; avoid lowercasing them on every "
    "call.",
    '''            stopwords_lower = [s.lower() for s in stopwords]''',
    '''            stopwords_lower = [s for s in stopwords]''',
    "slugify('The quick brown fox', stopwords=['The'])")

bug(B, P, "slugify", "other", "wrong-literal",
    "quotes are removed (`''`) instead of replaced by the separator in the pre-process step",
    "slugify: drop quotes early",
    "Apostrophes never end up in a slug; remove them in the first pass instead of turning "
    "them into dashes that are cleaned up again later.",
    '''    text = QUOTE_PATTERN.sub(DEFAULT_SEPARATOR, text)

    # normalize text, convert to unicode if required''',
    '''    text = QUOTE_PATTERN.sub('', text)

    # normalize text, convert to unicode if required''',
    "slugify(\"C'est la vie\")")

bug(B, P, "slugify", "other", "boundary",
    "`if max_length > 0` -> `if max_length > 1` before truncating",
    "slugify: skip truncation for trivial lengths",
    "A one-character budget is never what callers mean; only truncate for real lengths.",
    '''    if max_length > 0:''',
    '''    if max_length > 1:''',
    "slugify('abc def', max_length=1)")

bug(B, P, "slugify", "other", "dropped-argument",
    "`int(m.group(1), 16)` -> `int(m.group(1))` for hexadecimal character references",
    "slugify: simplify numeric entity decoding",
    "Decode the hexadecimal references with the same `int()` call as the decimal ones.",
    '''            text = HEX_PATTERN.sub(lambda m: chr(int(m.group(1), 16)), text)''',
    '''            text = HEX_PATTERN.sub(lambda m: chr(int(m.group(1))), text)''',
    "slugify('x&#x41;y')")

bug(B, P, "slugify", "other", "dropped-statement",
    "the thousands-separator cleanup (`NUMBERS_PATTERN.sub`) is removed",
    "slugify: leave digits alone",
    "Commas are turned into separators like every other punctuation mark below; the "
    "numbers-only special case is not needed.",
    '''    # cleanup numbers
    text = NUMBERS_PATTERN.sub('', text)

''',
    '''''',
    "slugify('1,000 reasons')")

bug(B, P, "slugify", "other", "statement-order",
    "the custom separator is applied before `smart_truncate` instead of after it",
    "slugify: apply the custom separator before truncating",
    "Switch to the caller's separator first so that truncation works on the final text.",
    '''    # smart truncate if requested
    if max_length > 0:
        text = smart_truncate(text, max_length, word_boundary, DEFAULT_SEPARATOR, save_order)

    if separator != DEFAULT_SEPARATOR:
        text = text.replace(DEFAULT_SEPARATOR, separator)
''',
    '''    if separator != DEFAULT_SEPARATOR:
        text = text.replace(DEFAULT_SEPARATOR, separator)

    # smart truncate if requested
    if max_length > 0:
        text = smart_truncate(text, max_length, word_boundary, DEFAULT_SEPARATOR, save_order)
''',
    "slugify('hello big world', separator='_', max_length=8, word_boundary=True)")

ref(B, P, "smart_truncate", "other", "equivalent-call",
    "`'{}{}'.format(word, separator)` / `'{}'.format(word)` -> plain concatenation",
    "smart_truncate: plain string concatenation",
    "The format calls only join two strings.",
    '''            if next_len < max_length:
                truncated += '{}{}'.format(word, separator)
            elif next_len == max_length:
                truncated += '{}'.format(word)
                break''',
    '''            if next_len < max_length:
                truncated += word + separator
            elif next_len == max_length:
                truncated += word
                break''',
    "lambda r, m: m.smart_truncate(words(r, ['a', 'bb', 'ccc', 'dddd', 'eeeee', '', "
    "'ffffffffff'], 0, 6, sep=pick(r, ['-', ' ', '_'])), r.randint(0, 14), r.random() < 0.7, "
    "pick(r, ['-', ' ', '_']), r.random() < 0.5)")

ref(B, P, "slugify", "other", "merge-branches",
    "two stopword comprehensions -> one over `excluded`",
    "slugify: one comprehension for stopwords",
    "Pick the list to compare against first, then filter once.",
    '''        if lowercase:
            stopwords_lower = [s.lower() for s in stopwords]
            words = [w for w in text.split(DEFAULT_SEPARATOR) if w not in stopwords_lower]
        else:
            words = [w for w in text.split(DEFAULT_SEPARATOR) if w not in stopwords]''',
    '''        excluded = [s.lower() for s in stopwords] if lowercase else stopwords
        words = [w for w in text.split(DEFAULT_SEPARATOR) if w not in excluded]''',
    "lambda r, m: m.slugify((" + TEXT + ")(r), stopwords=pick(r, [['the'], ['The', 'a'], "
    "('la', 'VIE'), ['hello', 'world'], 'the', ['jaja']]), lowercase=r.random() < 0.6, "
    "max_length=pick(r, [0, 0, 5, 12]), separator=pick(r, ['-', '_', '']))")

ref(B, P, "slugify", "other", "conditional-expression",
    "if/else choosing the disallowed-characters pattern -> one expression",
    "slugify: choose the cleanup pattern in one line",
    "Both branches fall back from `regex_pattern` the same way; only the default differs.",
    '''    if allow_unicode:
        pattern = regex_pattern or DISALLOWED_UNICODE_CHARS_PATTERN
    else:
        pattern = regex_pattern or DISALLOWED_CHARS_PATTERN''',
    '''    default = DISALLOWED_UNICODE_CHARS_PATTERN if allow_unicode else DISALLOWED_CHARS_PATTERN
    pattern = regex_pattern or default''',
    "lambda r, m: m.slugify((" + TEXT + ")(r), allow_unicode=r.random() < 0.5, "
    "regex_pattern=pick(r, [None, None, r'[^-a-z0-9_]+', '', r'[\\W]+']), "
    "lowercase=r.random() < 0.7, entities=r.random() < 0.8)")
