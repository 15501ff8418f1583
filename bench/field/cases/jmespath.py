from ._dsl import bug, ref

B = "jmespath"
L = "jmespath/lexer.py"
F = "jmespath/functions.py"

bug(B, L, "Lexer._consume_until", "other", "dropped-case",
    "backslash escapes are no longer honoured when scanning for the closing delimiter",
    "Lexer: plain delimiter scan",
    "Escapes are resolved by the callers (`replace` for raw strings, JSON for quoted "
    "identifiers), so the scanning loop does not need to special-case backslashes.",
    '''        while self._current != delimiter:
            if self._current == '\\\\':
                buff += '\\\\'
                self._next()
            if self._current is None:''',
    '''        while self._current != delimiter:
            if self._current is None:''',
    "jmespath.search('\"a\\\\\"b\"', {'a\"b': 1})", awkward=True)

bug(B, L, "Lexer._consume_raw_string_literal", "other", "dropped-call",
    "`.replace(\"\\\\'\", \"'\")` removed from raw string literals",
    "Lexer: raw string literals are raw",
    "Raw string literals should keep their contents verbatim.",
    '''        lexeme = self._consume_until("'").replace("\\\\'", "'")''',
    '''        lexeme = self._consume_until("'")''',
    "jmespath.search(\"'it\\\\'s'\", {})")

bug(B, L, "Lexer.tokenize", "other", "swapped-arguments",
    "`_match_or_else('=', 'lte', 'lt')` -> `_match_or_else('=', 'lt', 'lte')`",
    "Lexer: tidy comparison operator tokens",
    "Order the token names of the `<` family like the others.",
    '''                yield self._match_or_else('=', 'lte', 'lt')''',
    '''                yield self._match_or_else('=', 'lt', 'lte')''',
    "[t['type'] for t in Lexer().tokenize('a < b')]")

bug(B, L, "Lexer._consume_literal", "other", "dropped-call",
    "`lexeme.lstrip()` -> `lexeme` in the legacy string-literal fallback",
    "Lexer: keep literal text as written",
    "Do not alter the user's literal text in the JEP-12 fallback.",
    '''                parsed_json = loads('"%s"' % lexeme.lstrip())''',
    '''                parsed_json = loads('"%s"' % lexeme)''',
    "jmespath.search('` foo`', {})")

bug(B, F, "Functions._func_to_number", "other", "dropped-case",
    "`bool` removed from the types that convert to null",
    "to_number: only containers are not numbers",
    "Lists and objects cannot be numbers; simplify the check.",
    '''        if isinstance(arg, (list, dict, bool)):''',
    '''        if isinstance(arg, (list, dict)):''',
    "jmespath.search('to_number(`true`)', {})")

bug(B, F, "Functions._func_avg", "other", "operator",
    "`sum(arg) / len(arg)` -> `sum(arg) // len(arg)`",
    "avg: integer division",
    "Keep avg() results integral for integer inputs.",
    '''            return sum(arg) / len(arg)''',
    '''            return sum(arg) // len(arg)''',
    "jmespath.search('avg(@)', [1, 2])")

JMESGEN = ("lambda r, m: __import__('jmespath').search(pick(r, ['not_null(a, b, c)', 'not_null(missing, a)', 'not_null(`null`)', "
           "'reverse(s)', 'reverse(l)', 'reverse(a)', 'not_null(l[0], b)', 'reverse(@)', 'not_null(b, `1`, a)', "
           "'reverse(l)[0]', 'not_null(c)']), {'a': pick(r, [None, 1, 'x', [], {}, False]), 'b': pick(r, [None, 2.5, 'y', [1]]), "
           "'c': pick(r, [None, 0]), 's': text(r, 'abc\\u00e9', 0, 5), 'l': [r.randint(0, 9) for _ in range(r.randint(0, 4))]})")

ref(B, F, "Functions._func_not_null", "other", "generator-next",
    "for loop -> `next()` over a generator expression",
    "not_null: use next()",
    "Return the first non-null argument with `next()`.",
    '''        for argument in arguments:
            if argument is not None:
                return argument''',
    '''        return next((argument for argument in arguments if argument is not None), None)''',
    JMESGEN)

ref(B, F, "Functions._func_reverse", "other", "merge-branches",
    "both branches use `arg[::-1]` (a new list for arrays)",
    "reverse: one slicing expression",
    "Slicing reverses strings and lists alike and returns a new object in both cases.",
    '''        if isinstance(arg, STRING_TYPE):
            return arg[::-1]
        else:
            return list(reversed(arg))''',
    '''        return arg[::-1]''',
    JMESGEN)
