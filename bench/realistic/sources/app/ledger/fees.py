"""Account and card fees."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
GRACE_DAYS = 5
LATE_FEE_FLAT = Decimal("25.00")
LATE_FEE_PCT = Decimal("0.015")
MAX_LATE_FEE = Decimal("75.00")

# (upper bound inclusive, percentage) -- the last tier has no upper bound.
CARD_FEE_TIERS = [
    (Decimal("1000.00"), Decimal("0.029")),
    (Decimal("10000.00"), Decimal("0.025")),
    (None, Decimal("0.020")),
]
CARD_FEE_FIXED = Decimal("0.30")

OVERDRAFT_FEE = Decimal("35.00")
MAX_OVERDRAFTS_PER_DAY = 3
FREE_ATM_WITHDRAWALS = 4
ATM_FEE = Decimal("2.50")


def late_fee(balance: Decimal, due: date, paid: date) -> Decimal:
    """Late fee for a payment of ``balance`` due on ``due`` and received on ``paid``.

    Payments received within ``GRACE_DAYS`` days after the due date are not late.
    The fee is the larger of the flat fee and a percentage of the balance,
    capped at ``MAX_LATE_FEE``.
    """
    days_late = (paid - due).days
    if days_late <= GRACE_DAYS or balance <= 0:
        return Decimal("0.00")
    pct_fee = (balance * LATE_FEE_PCT).quantize(CENT, rounding=ROUND_HALF_UP)
    fee = max(LATE_FEE_FLAT, pct_fee)
    return min(fee, MAX_LATE_FEE)


def card_fee(amount: Decimal) -> Decimal:
    """Processing fee for a card transaction of ``amount``."""
    if amount <= 0:
        return Decimal("0.00")
    for upper, pct in CARD_FEE_TIERS:
        if upper is None or amount <= upper:
            fee = amount * pct + CARD_FEE_FIXED
            return fee.quantize(CENT, rounding=ROUND_HALF_UP)
    raise AssertionError("unreachable")


def wire_fee(amount: Decimal, international: bool = False) -> Decimal:
    """Outgoing wire fee: flat for domestic, flat plus 0.1 % (max 50) for international."""
    if not international:
        return Decimal("15.00")
    variable = (amount * Decimal("0.001")).quantize(CENT, rounding=ROUND_HALF_UP)
    return Decimal("30.00") + min(variable, Decimal("50.00"))


def overdraft_fees(overdrafts_per_day: list[int]) -> Decimal:
    """Total overdraft fees for a statement; at most three fees are charged per day."""
    total = Decimal("0.00")
    for count in overdrafts_per_day:
        charged = min(count, MAX_OVERDRAFTS_PER_DAY)
        total += OVERDRAFT_FEE * charged
    return total


def atm_fees(withdrawals, in_network=True):
    """ATM fees for the month: the first few out-of-network withdrawals are free."""
    if in_network:
        return Decimal("0.00")
    billable = withdrawals - FREE_ATM_WITHDRAWALS
    if billable <= 0:
        return Decimal("0.00")
    return ATM_FEE * billable


def waive_fees(fees: list[Decimal], loyalty_years: int) -> list[Decimal]:
    """Loyalty programme: 2+ years waives the smallest fee, 5+ years waives the two smallest."""
    if loyalty_years >= 5:
        waive = 2
    elif loyalty_years >= 2:
        waive = 1
    else:
        waive = 0
    result = list(fees)
    order = sorted(range(len(fees)), key=lambda i: (fees[i], i))
    for i in order[:waive]:
        result[i] = Decimal("0.00")
    return result


def minimum_payment(balance: Decimal) -> Decimal:
    """Credit card minimum payment: 2 % of the balance, at least 25.00, never more than the balance."""
    if balance <= 0:
        return Decimal("0.00")
    pct = (balance * Decimal("0.02")).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(balance, max(pct, Decimal("25.00")))
