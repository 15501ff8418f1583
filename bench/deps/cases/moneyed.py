from ._dsl import bug, ref

B = "moneyed"
C = "src/moneyed/classes.py"
L = "src/moneyed/l10n.py"

bug(B, C, "Money.__add__", "money", "wrong-condition",
    "`if other == 0` -> `if not other` for the additive identity",
    "Money.__add__: treat any falsy operand as the additive identity",
    "`sum()` starts from `0`, but an empty `Money` is just as neutral; checking truthiness "
    "covers both and reads more naturally.",
    '''        if other == 0:
            # This allows things like 'sum' to work on list of Money instances,''',
    '''        if not other:
            # This allows things like 'sum' to work on list of Money instances,''',
    "Money(5, 'USD') + Money(0, 'EUR')")

bug(B, C, "Money.round", "money", "dropped-sign",
    "`Decimal(\"1e\" + str(-ndigits))` -> `Decimal(\"1e\" + str(ndigits))`",
    "Money.round: build the quantum from ndigits directly",
    "Drop the negation when building the quantization exponent; it made the expression "
    "harder to read.",
    '''            amount=self.amount.quantize(Decimal("1e" + str(-ndigits))),''',
    '''            amount=self.amount.quantize(Decimal("1e" + str(ndigits))),''',
    "Money('2.567', 'USD').round(2)")

bug(B, C, "Money.__rmod__", "money", "rounding",
    "`Decimal(str(other))` -> `Decimal(int(other))` for the percentage",
    "Money.__rmod__: avoid the string round trip for the percentage",
    "Build the percentage `Decimal` from the number itself instead of formatting it as a "
    "string first.",
    '''                amount=(Decimal(str(other)) * self.amount / 100),''',
    '''                amount=(Decimal(int(other)) * self.amount / 100),''',
    "12.5 % Money(200, 'USD')")

bug(B, C, "Money.__ge__", "money", "dropped-case",
    "`self > other or self == other` -> `self > other`",
    "Money.__ge__: compare once",
    "`__gt__` already validates the operand and the currency; a single comparison is enough "
    "and avoids a second pass through `__eq__`.",
    '''    def __ge__(self, other: object) -> bool:
        return self > other or self == other''',
    '''    def __ge__(self, other: object) -> bool:
        return self > other''',
    "Money(3, 'USD') >= Money('3.00', 'USD')")

bug(B, C, "Money.__truediv__", "money", "swapped-operands",
    "`self.amount / other.amount` -> `other.amount / self.amount`",
    "Money.__truediv__: return the ratio of the two amounts",
    "When both operands are `Money` the result is a plain `Decimal` ratio; spell it out "
    "directly from the amounts.",
    '''            return self.amount / other.amount''',
    '''            return other.amount / self.amount''',
    "Money(10, 'USD') / Money(4, 'USD')")

bug(B, C, "Money.get_amount_in_sub_unit", "money", "rounding",
    "`int(...)` -> `round(...)` for the amount in minor units",
    "get_amount_in_sub_unit: round to the nearest minor unit",
    "Amounts with more precision than the currency's minor unit should map to the nearest "
    "cent rather than being cut off.",
    '''        return int(self.currency.sub_unit * self.amount)''',
    '''        return round(self.currency.sub_unit * self.amount)''',
    "Money('12.347', 'USD').get_amount_in_sub_unit()")

bug(B, C, "Currency.country_codes", "money", "dropped-case",
    "the `end is None` filter (currency still in use) is removed from `country_codes`",
    "Currency.country_codes: list every territory that uses the currency",
    "Simplify the comprehension over Babel's territory table: the currency code match is "
    "what identifies the territories.",
    '''            if end is None and currency_code == self.code''',
    '''            if currency_code == self.code''',
    "get_currencies_of_country('de')")

bug(B, C, "get_currency", "money", "dropped-call",
    "`CURRENCIES_BY_ISO[str(iso)]` -> `CURRENCIES_BY_ISO[iso]`",
    "get_currency: look numeric codes up as given",
    "The ISO table is keyed by the numeric code; pass it through without converting.",
    '''            return CURRENCIES_BY_ISO[str(iso)]''',
    '''            return CURRENCIES_BY_ISO[iso]''',
    "get_currency(iso=840)")

bug(B, L, "format_money", "money", "wrong-argument",
    "`currency_digits=currency_digits` -> `currency_digits=False` in the Babel call",
    "format_money: let the number pattern decide the digits",
    "Formatting already follows the locale's currency pattern; stop forcing Babel's "
    "per-currency digit table on top of it.",
    '''        currency_digits=currency_digits,
        format_type=format_type,''',
    '''        currency_digits=False,
        format_type=format_type,''',
    "format_money(moneyed.Money('1234.5', 'JPY'), locale='en_US')")

ref(B, C, "force_decimal", "money", "conditional-expression",
    "if/return -> one conditional expression",
    "force_decimal: one return",
    "Collapse the two returns into a conditional expression.",
    '''    if not isinstance(amount, Decimal):
        return Decimal(str(amount))
    return amount''',
    '''    return amount if isinstance(amount, Decimal) else Decimal(str(amount))''',
    "lambda r, m: m.force_decimal(mix(r, [0, -0.0, 1.5, '1e3', 'abc', m.Decimal('2.50'), True, "
    "'-0', ' 7 ', 10**30], lambda r: num(r) if r.random() < 0.7 else str(num(r))))")

ref(B, C, "get_currencies_of_country", "money", "loop-rewrite",
    "`sorted(generator)` -> list comprehension + `list.sort()`",
    "get_currencies_of_country: build the list, then sort it",
    "Split the lookup into collecting the matching currencies and sorting them, which is "
    "easier to step through in a debugger.",
    '''    return sorted(
        currency
        for currency in CURRENCIES.values()
        if country_code in currency.country_codes
    )''',
    '''    found = [c for c in CURRENCIES.values() if country_code in c.country_codes]
    found.sort()
    return found''',
    "lambda r, m: m.get_currencies_of_country(mix(r, ['de', 'DE', 'us', 'CH', 'zw', 'PA', "
    "'BT', 'xx', 'cu', 'LS', 'NA', 'SV', 'ZZ'], lambda r: text(r, 'ABCDEFGHIJKLMNOPRSTUVWZ"
    "abcdefghij', 2, 2), p=0.6))")

ref(B, C, "Money.round", "money", "conditional-expression",
    "`if ndigits is None: ndigits = 0` -> `ndigits = 0 if ndigits is None else ndigits`",
    "Money.round: default ndigits in one line",
    "A conditional expression says the same as the two-line branch.",
    '''        if ndigits is None:
            ndigits = 0
        return self.__class__(''',
    '''        ndigits = 0 if ndigits is None else ndigits
        return self.__class__(''',
    "lambda r, m: m.Money(mix(r, ['0', '-0.005', '2.5', '1E+3', '123.456789'], lambda r: "
    "str(num(r))), pick(r, ['USD', 'JPY', 'EUR', 'BHD'])).round(pick(r, [None, 0, 1, 2, 3, "
    "-1, -2, 4, False, 0.0, '']))")
