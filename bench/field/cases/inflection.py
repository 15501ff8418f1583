from ._dsl import bug, ref

B = "inflection"
P = "inflection/__init__.py"

bug(B, P, "ordinal", "other", "dropped-call",
    "`number = abs(int(number))` -> `number = int(number)`",
    "ordinal: no need for abs()",
    "The suffix only depends on the last digits; drop the abs() call.",
    '''    number = abs(int(number))''',
    '''    number = int(number)''',
    "ordinal(-1)")

bug(B, P, "humanize", "other", "regex-anchor",
    "`re.sub(r\"_id$\", \"\", word)` -> `re.sub(r\"_id\", \"\", word)`",
    "humanize: strip _id suffixes",
    "Strip `_id` from attribute names before humanizing.",
    '''    word = re.sub(r"_id$", "", word)''',
    '''    word = re.sub(r"_id", "", word)''',
    "humanize('user_identity')")

bug(B, P, "parameterize", "other", "regex-piece",
    "the trailing-separator alternative `|{sep}$` is dropped",
    "parameterize: strip leading separators",
    "Slugs must not start with a separator; simplify the strip regex.",
    '''        string = re.sub(r"(?i)^{sep}|{sep}$".format(sep=re_sep), '', string)''',
    '''        string = re.sub(r"(?i)^{sep}".format(sep=re_sep), '', string)''',
    "parameterize('Donald E. Knuth!')")

bug(B, P, "pluralize", "other", "normalization",
    "`word.lower() in UNCOUNTABLES` -> `word in UNCOUNTABLES`",
    "pluralize: skip lower() for the uncountable lookup",
    "UNCOUNTABLES holds plain words; look the word up directly.",
    '''    if not word or word.lower() in UNCOUNTABLES:''',
    '''    if not word or word in UNCOUNTABLES:''',
    "pluralize('Sheep')")

bug(B, P, "singularize", "other", "regex-piece",
    "`\\b` dropped from the uncountable-suffix regex",
    "singularize: match uncountables at the end of the word",
    "Compound words such as `goldfish` should be recognised as uncountable too.",
    '''        if re.search(r'(?i)\\b(%s)\\Z' % inflection, word):''',
    '''        if re.search(r'(?i)(%s)\\Z' % inflection, word):''',
    "singularize('bluejeans')")

bug(B, P, "underscore", "other", "regex-piece",
    "`([a-z\\d])([A-Z])` -> `([a-z])([A-Z])`",
    "underscore: split on lower/upper boundaries",
    "Simplify the second underscore regex to letter pairs.",
    '''    word = re.sub(r"([a-z\\d])([A-Z])", r'\\1_\\2', word)''',
    '''    word = re.sub(r"([a-z])([A-Z])", r'\\1_\\2', word)''',
    "underscore('Area51Controller')")

bug(B, P, "titleize", "other", "regex-piece",
    "`\\b('?\\w)` -> `\\b(\\w)` in the capitalisation pass",
    "titleize: capitalise word starts only",
    "The optional apostrophe in the capitalisation regex looks unnecessary.",
    '''        r"\\b('?\\w)",''',
    '''        r"\\b(\\w)",''',
    "titleize(\"the man's hat\")")

bug(B, P, "_irregular", "other", "dropped-case",
    "`caseinsensitive` builds `[c]` instead of `[cC]` for each character",
    "_irregular: simpler character classes",
    "The irregular rules are matched against lower-case words; build plain character "
    "classes.",
    '''        return ''.join('[' + char + char.upper() + ']' for char in string)''',
    '''        return ''.join('[' + char + ']' for char in string)''',
    "pluralize('COW')")

ref(B, P, "ordinal", "other", "dict-to-if",
    "suffix dict replaced by an if/elif chain",
    "ordinal: plain if/elif for the suffixes",
    "An if/elif chain reads better than an inline dict here.",
    '''    if number % 100 in (11, 12, 13):
        return "th"
    else:
        return {
            1: "st",
            2: "nd",
            3: "rd",
        }.get(number % 10, "th")''',
    '''    if number % 100 in (11, 12, 13):
        return "th"
    last = number % 10
    if last == 1:
        return "st"
    elif last == 2:
        return "nd"
    elif last == 3:
        return "rd"
    return "th"''',
    "lambda r, m: m.ordinalize(pick(r, [r.randint(-2000, 2000), r.randint(0, 10**12), 11, 12, 13, 111, "
    "112, 113, 1001, 21, -11, 0, 1.5, '12', '-3', 'x', True]))")

ref(B, P, "dasherize", "other", "equivalent-call",
    "`word.replace('_', '-')` -> `'-'.join(word.split('_'))`",
    "dasherize via split/join",
    "Same result, written as split and join.",
    '''    return word.replace('_', '-')''',
    '''    return '-'.join(word.split('_'))''',
    "lambda r, m: m.dasherize(text(r, 'ab_-_ __x\\u00e9', 0, 12))")

ref(B, P, "transliterate", "other", "comprehension",
    "`encode('ascii', 'ignore').decode('ascii')` -> keep the ASCII characters with a generator",
    "transliterate: filter ASCII characters directly",
    "Drop the encode/decode round trip.",
    '''    return normalized.encode('ascii', 'ignore').decode('ascii')''',
    '''    return ''.join(char for char in normalized if char.isascii())''',
    "lambda r, m: m.parameterize(text(r, 'abc XYZ-_.!\\u00e9\\u00df\\ufb01\\u00bd\\u2126\\u00c5\\u0131\\u4e2d\\U0001F600', 0, 14), "
    "pick(r, ['-', '_', '', '--', '.']))")
