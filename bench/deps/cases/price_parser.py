from ._dsl import bug, ref

B = "price_parser"
P = "price_parser/parser.py"

bug(B, P, "extract_price_text", "money", "boundary",
    "`price.count(\"€\") == 1` -> `price.count(\"€\") >= 1` before the euro-as-separator search",
    "extract_price_text: try the euro separator pattern whenever a euro sign is present",
    "Prices like `35€ 99` use the euro sign as the decimal separator; look for that shape in "
    "any text that has a euro sign, not only when there is exactly one.",
    '''    if price.count("€") == 1:''',
    '''    if price.count("€") >= 1:''',
    "parse_price('35€ 99 or 40€')")

bug(B, P, "extract_price_text", "money", "wrong-literal",
    "`rstrip(\",.\")` -> `rstrip(\",\")` on the matched number",
    "extract_price_text: only strip trailing commas",
    "A trailing comma comes from list punctuation (`12, 13`); a trailing dot is part of the "
    "number and the decimal parser copes with it.",
    '''        price_text = m.group(1).rstrip(",.")''',
    '''        price_text = m.group(1).rstrip(",")''',
    "extract_price_text('Total: 12.')")

bug(B, P, "extract_price_text", "money", "normalization",
    "`\"free\" in price.lower()` -> `\"free\" in price`",
    "extract_price_text: skip lowercasing for the free check",
    "The text has already been normalised; checking for the word directly avoids building a "
    "lowered copy of every price string.",
    '''    if "free" in price.lower():''',
    '''    if "free" in price:''',
    "parse_price('FREE shipping')")

bug(B, P, "extract_price_text", "money", "regex-piece",
    "the `%` exclusion after the number (`[^%\\d]`) is removed",
    "extract_price_text: simplify the lookahead after the number",
    "The character class only needs to make sure the number has ended.",
    '''        (?:[^%\\d]|$)        # capture next symbol - it shouldn't be %''',
    '''        (?:[^\\d]|$)        # capture next symbol - it shouldn't be %''',
    "extract_price_text('50% OFF')")

bug(B, P, "parse_number", "money", "dropped-call",
    "the `.replace(\".\", \"\")` of thousands dots is dropped for a comma decimal separator",
    "parse_number: only convert the decimal comma",
    "With a comma as decimal separator we just need to turn it into a dot for `Decimal`.",
    '''        num = num.replace(".", "").replace(",", ".")''',
    '''        num = num.replace(",", ".")''',
    "parse_number('1.234,56')")

bug(B, P, "parse_number", "money", "dropped-call",
    "inner spaces are no longer removed (`.replace(\" \", \"\")` dropped)",
    "parse_number: strip surrounding whitespace only",
    "`extract_price_text` already collapses whitespace, so trimming the ends is enough here.",
    '''    num = num.strip().replace(" ", "")''',
    '''    num = num.strip()''',
    "parse_price('$1\\xa0298,00')")

bug(B, P, "extract_currency_symbol", "money", "dropped-case",
    "the dollar-code lookup in `price` (`SGD$`, `NZD $`) is no longer tried first",
    "extract_currency_symbol: look for dollar codes in the hint only",
    "Codes like `NZD` in the price text itself are already found by the generic symbol "
    "search, so only the hint needs the dedicated lookup.",
    '''    if price and "$" in price:
        methods.insert(0, (_search_dollar_code, price))

''',
    '''''',
    "parse_price('SGD$ 1,299')")

bug(B, P, "Price.fromstring", "money", "dropped-call",
    "the `.strip()` of the extracted currency symbol is removed",
    "Price.fromstring: return the currency as found",
    "Keep the currency symbol exactly as it appeared in the text, as the docstring says.",
    '''        if currency is not None:
            currency = currency.strip()
''',
    '''''',
    "parse_price('100 تومان').currency")

bug(B, P, "Price.amount_float", "money", "wrong-condition",
    "`if self.amount is not None` -> `if self.amount`",
    "Price.amount_float: shorter None check",
    "Use truthiness for the missing-amount check.",
    '''        if self.amount is not None:
            return float(self.amount)''',
    '''        if self.amount:
            return float(self.amount)''',
    "parse_price('Free').amount_float")

ref(B, P, "get_decimal_separator", "money", "conditional-expression",
    "if/return/return -> one conditional expression",
    "get_decimal_separator: one return",
    "Return the group or None in one expression.",
    '''    m = _search_decimal_sep(price)
    if m:
        return m.group(1)
    return None''',
    '''    m = _search_decimal_sep(price)
    return m.group(1) if m else None''',
    "lambda r, m: m.get_decimal_separator(mix(r, ['1000', '12.99', '12,99', '12.999', "
    "'3,0000', '1,235€99', '.75', '', '1.', ','], lambda r: text(r, '0123456789.,€ ', 0, 9)))")

ref(B, P, "parse_number", "money", "equivalent-call",
    "`num.replace(\".\", \"\").replace(\",\", \"\")` -> `re.sub(\"[.,]\", \"\", num)`",
    "parse_number: drop both separators with one substitution",
    "Remove dots and commas in one `re.sub` instead of two chained replaces.",
    '''    if decimal_separator is None:
        num = num.replace(".", "").replace(",", "")''',
    '''    if decimal_separator is None:
        num = re.sub("[.,]", "", num)''',
    "lambda r, m: m.parse_number(mix(r, ['1,234', '12,34', '1 234.99', '1.235€99', '', "
    "'foo', '1.2.3', '140.000'], lambda r: text(r, '0123456789.,€ ', 0, 10), p=0.3), "
    "pick(r, [None, None, None, '.', ',', '€']))")

ref(B, P, "or_regex", "money", "equivalent-call",
    "generator of `re.escape(s)` -> `map(re.escape, symbols)`",
    "or_regex: map re.escape over the symbols",
    "`map` says the same thing without the throwaway name.",
    '''    return re.compile("|".join(re.escape(s) for s in symbols))''',
    '''    return re.compile("|".join(map(re.escape, symbols)))''',
    "lambda r, m: (lambda rx: (rx.pattern, [x.group(0) for x in rx.finditer(text(r, "
    "'$€£ab.+*()1 ', 0, 20))]))(m.or_regex([text(r, '$€£ab.+*()', 1, 4) for _ in "
    "range(r.randint(1, 5))]))")
