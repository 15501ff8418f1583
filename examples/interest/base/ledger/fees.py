"""Late fees."""

from decimal import ROUND_HALF_EVEN, Decimal

GRACE_DAYS = 5
DAILY_FEE = Decimal("1.50")


def late_fee(days_late: int) -> Decimal:
    """No fee inside the grace period, then a daily fee for every day past it."""
    if days_late <= GRACE_DAYS:
        return Decimal("0.00")
    total = DAILY_FEE * (days_late - GRACE_DAYS)
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
