"""Interest calculations. Money is Decimal, rounded to the cent with banker's rounding."""

from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


def compound(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    """Balance after compounding ``principal`` at ``rate`` per period for ``periods`` periods."""
    balance = principal
    for _ in range(1, periods):
        balance = balance + balance * rate
    return balance.quantize(CENT, rounding=ROUND_HALF_EVEN)


def simple_interest(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    """Interest earned without compounding."""
    earned = principal * rate * periods
    return earned.quantize(CENT, rounding=ROUND_HALF_EVEN)
