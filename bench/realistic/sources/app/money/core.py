"""Core money primitives shared by billing, ledger and payroll.

Amounts are always :class:`decimal.Decimal`. Never pass floats in here; the
helpers below will happily accept them but the results are not guaranteed to
be what accounting expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0")

# ISO 4217 minor units for the currencies we settle in.
MINOR_UNITS = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CHF": 2,
    "CAD": 2,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "BHD": 3,
}

DEFAULT_CURRENCY = "USD"


class CurrencyMismatch(ValueError):
    """Raised when two amounts in different currencies are combined."""


def minor_exponent(currency: str) -> Decimal:
    """Return the quantize exponent for ``currency`` (``Decimal('0.01')`` for USD)."""
    try:
        places = MINOR_UNITS[currency.upper()]
    except KeyError:
        raise ValueError(f"unsupported currency: {currency!r}") from None
    return Decimal(1).scaleb(-places)


def round_money(amount: Decimal, currency: str = DEFAULT_CURRENCY) -> Decimal:
    """Round ``amount`` to the currency's minor unit, half-up (commercial rounding)."""
    return amount.quantize(minor_exponent(currency), rounding=ROUND_HALF_UP)


def bankers_round(amount: Decimal, currency: str = DEFAULT_CURRENCY) -> Decimal:
    """Round half-to-even; used for interest postings to avoid systematic bias."""
    return amount.quantize(minor_exponent(currency), rounding=ROUND_HALF_EVEN)


def to_minor_units(amount: Decimal, currency: str = DEFAULT_CURRENCY) -> int:
    """Convert a major-unit amount to an integer count of minor units (cents)."""
    places = MINOR_UNITS[currency.upper()]
    rounded = round_money(amount, currency)
    return int(rounded.scaleb(places))


def from_minor_units(units: int, currency: str = DEFAULT_CURRENCY) -> Decimal:
    """Inverse of :func:`to_minor_units`."""
    places = MINOR_UNITS[currency.upper()]
    return Decimal(units).scaleb(-places).quantize(minor_exponent(currency))


def parse_amount(text: str) -> Decimal:
    """Parse a human-entered amount such as ``"$1,234.50"`` or ``"(12.00)"``.

    Accounting-style parentheses mean a negative amount.
    """
    cleaned = text.strip().replace(",", "").replace("$", "")
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative = True
        cleaned = cleaned[1:-1].strip()
    if cleaned.startswith("-"):
        negative = not negative
        cleaned = cleaned[1:]
    if not cleaned:
        raise ValueError("empty amount")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return -value if negative else value


def format_amount(amount: Decimal, currency: str = DEFAULT_CURRENCY) -> str:
    """Format for statements: ``1,234.50 USD``, negatives as ``-1,234.50 USD``."""
    places = MINOR_UNITS[currency.upper()]
    rounded = round_money(amount, currency)
    sign = "-" if rounded < 0 else ""
    body = f"{abs(rounded):,.{places}f}"
    return f"{sign}{body} {currency.upper()}"


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str = DEFAULT_CURRENCY

    def _check(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} vs {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def times(self, factor: Decimal) -> "Money":
        """Multiply by ``factor`` and round to the currency's minor unit."""
        return Money(round_money(self.amount * factor, self.currency), self.currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def rounded(self) -> "Money":
        return Money(round_money(self.amount, self.currency), self.currency)

    def __str__(self) -> str:
        return format_amount(self.amount, self.currency)


def sum_money(items: list[Money], currency: str = DEFAULT_CURRENCY) -> Money:
    """Sum a list of Money values; an empty list sums to zero in ``currency``."""
    total = Money(ZERO, currency)
    for item in items:
        total = total + item
    return total
