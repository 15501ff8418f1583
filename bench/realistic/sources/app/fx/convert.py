"""Foreign-exchange conversion.

Rate tables map an ISO currency code to the number of units of that currency
per one US dollar, e.g. ``{"USD": Decimal("1"), "EUR": Decimal("0.92"), "JPY": Decimal("151.3")}``.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from money.core import MINOR_UNITS, minor_exponent

RATE_EXPONENT = Decimal("0.000001")
BASIS_POINT = Decimal("0.0001")
PIVOT = "USD"


def cross_rate(rates: dict[str, Decimal], base: str, quote: str) -> Decimal:
    """Units of ``quote`` per one unit of ``base``, to six decimal places."""
    if base == quote:
        return Decimal("1.000000")
    try:
        base_per_usd = rates[base]
        quote_per_usd = rates[quote]
    except KeyError as exc:
        raise ValueError(f"no rate for {exc.args[0]}") from None
    return (quote_per_usd / base_per_usd).quantize(RATE_EXPONENT, rounding=ROUND_HALF_EVEN)


def convert(amount: Decimal, source: str, target: str, rates: dict[str, Decimal]) -> Decimal:
    """Convert ``amount`` from ``source`` to ``target``, rounded to the target's minor unit."""
    rate = cross_rate(rates, source, target)
    return (amount * rate).quantize(minor_exponent(target), rounding=ROUND_HALF_UP)


def apply_spread(mid: Decimal, spread_bps: int, side: str) -> Decimal:
    """Customer rate from a mid rate: we sell ``quote`` above mid and buy it below mid."""
    adjustment = mid * spread_bps * BASIS_POINT
    if side == "sell":
        return (mid + adjustment).quantize(RATE_EXPONENT, rounding=ROUND_HALF_UP)
    if side == "buy":
        return (mid - adjustment).quantize(RATE_EXPONENT, rounding=ROUND_HALF_UP)
    raise ValueError(f"side must be 'buy' or 'sell', not {side!r}")


def convert_minor(units: int, source: str, target: str, rates: dict[str, Decimal]) -> int:
    """Convert an integer amount of minor units between currencies (truncating)."""
    src_places = MINOR_UNITS[source]
    dst_places = MINOR_UNITS[target]
    major = Decimal(units).scaleb(-src_places)
    converted = major * cross_rate(rates, source, target)
    return int(converted.scaleb(dst_places).to_integral_value(rounding=ROUND_DOWN))


def revalue(positions: dict[str, Decimal], rates: dict[str, Decimal], reporting: str = PIVOT) -> Decimal:
    """Total value of multi-currency ``positions`` in the reporting currency.

    Each position is converted and rounded individually, as the GL does.
    """
    total = Decimal("0")
    for currency, amount in sorted(positions.items()):
        total += convert(amount, currency, reporting, rates)
    return total.quantize(minor_exponent(reporting))


def fx_gain_loss(amount, booked_rate, settled_rate, currency="USD"):
    """Realised FX gain (positive) or loss (negative) on a foreign receivable.

    ``amount`` is in the foreign currency; rates are home units per foreign unit.
    """
    booked = (amount * booked_rate).quantize(minor_exponent(currency), rounding=ROUND_HALF_UP)
    settled = (amount * settled_rate).quantize(minor_exponent(currency), rounding=ROUND_HALF_UP)
    return settled - booked
