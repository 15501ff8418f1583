from ._dsl import bug, ref

B = "sqlparse"
U = "sqlparse/utils.py"
SPLIT = "sqlparse/engine/statement_splitter.py"
LEX = "sqlparse/lexer.py"
OUT = "sqlparse/filters/output.py"
SQL = "sqlparse/sql.py"

bug(B, U, "split_unquoted_newlines", "other", "special-case",
    "`pos += 2 if text.startswith('\\r\\n', pos) else 1` -> `pos += 1`",
    "split_unquoted_newlines: advance one character per line break",
    "Each line-break character ends a line; simplify the step.",
    '''            pos += 2 if text.startswith('\\r\\n', pos) else 1''',
    '''            pos += 1''',
    "split_unquoted_newlines('select 1\\r\\nfrom t')")

bug(B, U, "split_unquoted_newlines", "other", "off-by-one",
    "the string-content regex starts at the quote itself (`pos`) instead of after it",
    "split_unquoted_newlines: match quoted strings from the quote",
    "Start the string-content match at the opening quote so the match covers the whole "
    "literal.",
    '''                end = _STRING_CONTENT[char].match(text, pos + 1).end()''',
    '''                end = _STRING_CONTENT[char].match(text, pos).end()''',
    "split_unquoted_newlines(\"select 'a\\nb' from t\")")

bug(B, U, "remove_quotes", "other", "wrong-literal",
    "backticks no longer treated as quotes in `remove_quotes`",
    "remove_quotes: only SQL string quotes",
    "Backticks are MySQL identifier quoting, not string quoting; limit the helper to the two "
    "standard quote characters.",
    '''    if val[0] in ('"', "'", '`') and val[0] == val[-1]:''',
    '''    if val[0] in ('"', "'") and val[0] == val[-1]:''',
    "remove_quotes('`order`')")

bug(B, SPLIT, "StatementSplitter.process", "other", "dropped-case",
    "`EOS_TTYPE = T.Whitespace, T.Comment.Single` -> `EOS_TTYPE = (T.Whitespace,)`",
    "StatementSplitter: comments start the next statement",
    "A comment after a semicolon usually documents the following statement, so let it "
    "open the next one.",
    '''        EOS_TTYPE = T.Whitespace, T.Comment.Single''',
    '''        EOS_TTYPE = (T.Whitespace,)''',
    "sqlparse.split('select 1; # note\\nselect 2')", awkward=True)

bug(B, LEX, "Lexer.is_keyword", "other", "normalization",
    "`val = value.upper()` -> `val = value`",
    "Lexer.is_keyword: skip upper() on every word",
    "Avoid allocating an upper-cased copy of every word the lexer sees.",
    '''        val = value.upper()
        for kwdict in self._keywords:''',
    '''        val = value
        for kwdict in self._keywords:''',
    "Lexer.get_default_instance().is_keyword('select')")

bug(B, OUT, "OutputPythonFilter._process", "other", "statement-order",
    "quote escaping done before backslash escaping",
    "Python output: escape quotes first",
    "Escape the quote character before backslashes; the quote is the character that "
    "actually ends the generated literal.",
    '''                token.value = token.value.replace('\\\\', '\\\\\\\\').replace("'", "\\\\'")''',
    '''                token.value = token.value.replace("'", "\\\\'").replace('\\\\', '\\\\\\\\')''',
    "sqlparse.format(\"select 'a'\", output_format='python')", awkward=True)

bug(B, OUT, "OutputFilter.process", "other", "boundary",
    "`if self.count > 1:` -> `if self.count >= 1:` when naming the variable",
    "Output filters: number every generated variable",
    "Number all generated variables the same way.",
    '''        if self.count > 1:
            varname = f'{self.varname}{self.count}\'''',
    '''        if self.count >= 1:
            varname = f'{self.varname}{self.count}\'''',
    "sqlparse.format('select 1', output_format='python')", awkward=True)

bug(B, SQL, "NameAliasMixin.get_real_name", "other", "early-exit",
    "`break` after the first dot in the dotted-name scan",
    "get_real_name: stop scanning at the first dot",
    "No need to walk the rest of the token list once a dot has been found.",
    '''            if tok.match(T.Punctuation, '.'):
                dot_idx = idx''',
    '''            if tok.match(T.Punctuation, '.'):
                dot_idx = idx
                break''',
    "sqlparse.parse('select a.b.c from t')[0].tokens[2].get_real_name()")

bug(B, SQL, "TokenList._get_first_name", "other", "dropped-case",
    "`T.String.Symbol` dropped from the name token types",
    "_get_first_name: names are Name or Wildcard tokens",
    "Trim the list of token types considered names.",
    '''        types = [T.Name, T.Wildcard, T.String.Symbol]''',
    '''        types = [T.Name, T.Wildcard]''',
    "sqlparse.parse('select \"Col\" from t')[0].tokens[2].get_name()")

bug(B, SQL, "Statement.get_type", "other", "wrong-flag",
    "`self.token_first(skip_cm=True)` -> `self.token_first()`",
    "Statement.get_type: use token_first defaults",
    "Call `token_first` with its defaults.",
    '''        token = self.token_first(skip_cm=True)''',
    '''        token = self.token_first()''',
    "sqlparse.parse('/* report */ select 1')[0].get_type()")

SQLGEN = ("lambda r, m: __import__('sqlparse').format(words(r, ['select', 'SELECT', 'a.b', 'a.b.c', '\"Q\"', "
          "\"'s\\\\'x'\", \"'it''s'\", 'from', 't', ';', '\\n', '\\r\\n', '-- c\\n', '# h\\n', '/* m */', '(', ')', "
          "',', '1', 'as', 'x', 'where', '=', 'begin', 'end', '`c`', '\"a\\nb\"', 'insert', 'into', 'values', "
          "'\\\\', '$$x$$'], 1, 14, pick(r, [' ', '', '\\n'])), **pick(r, [{}, {'output_format': 'python'}, "
          "{'output_format': 'php'}, {'output_format': 'python', 'reindent': True}, {'strip_comments': True}, "
          "{'keyword_case': 'upper'}, {'reindent': True}]))")

ref(B, U, "remove_quotes", "other", "merge-conditions",
    "the `None` guard folded into the quote check",
    "remove_quotes: single condition",
    "Fold the None check into the quote test.",
    '''    if val is None:
        return
    if val[0] in ('"', "'", '`') and val[0] == val[-1]:
        val = val[1:-1]
    return val''',
    '''    if val is not None and val[0] in ('"', "'", '`') and val[0] == val[-1]:
        val = val[1:-1]
    return val''',
    "lambda r, m: m.remove_quotes(pick(r, [None, '\"\"', \"'\", '`', 'x']) if r.random() < 0.1 else "
    "text(r, '\"\\'`ab c', 1, 6))")

ref(B, U, "split_unquoted_newlines", "other", "equivalent-arithmetic",
    "`pos += 2 if ... else 1` -> `pos += 1 + (text[pos:pos + 2] == '\\r\\n')`",
    "split_unquoted_newlines: branch-free step",
    "Compute the line-break width arithmetically.",
    '''            pos += 2 if text.startswith('\\r\\n', pos) else 1''',
    '''            pos += 1 + (text[pos:pos + 2] == '\\r\\n')''',
    "lambda r, m: m.split_unquoted_newlines(text(r, 'ab \\'\"\\\\\\r\\n;', 0, 16))")

ref(B, OUT, "OutputFilter.process", "other", "conditional-expression",
    "variable name chosen with a conditional expression",
    "OutputFilter.process: one-line variable name",
    "Pick the (numbered) variable name in one expression.",
    '''        if self.count > 1:
            varname = f'{self.varname}{self.count}'
        else:
            varname = self.varname
''',
    '''        varname = f'{self.varname}{self.count}' if self.count > 1 else self.varname
''',
    SQLGEN)
