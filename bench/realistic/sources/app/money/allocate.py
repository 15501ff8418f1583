"""Splitting amounts without losing (or inventing) cents.

Every function here guarantees that the parts add back up to the input total.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from money.core import CENT, MINOR_UNITS


def allocate_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """Split ``total`` into ``parts`` near-equal shares.

    Leftover cents go to the first shares, one each, so
    ``allocate_evenly(Decimal("10.00"), 3)`` is ``[3.34, 3.33, 3.33]``.
    """
    if parts <= 0:
        raise ValueError("parts must be positive")
    cents = int((total / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    base, remainder = divmod(cents, parts)
    shares = []
    for i in range(parts):
        extra = 1 if i < remainder else 0
        shares.append(Decimal(base + extra) * CENT)
    return shares


def allocate_by_ratio(total: Decimal, ratios: list[int]) -> list[Decimal]:
    """Split ``total`` proportionally to integer ``ratios`` (largest-remainder method).

    Shares are first rounded down to the cent; the cents that are left over are
    handed out to the shares with the largest fractional remainders. Ties go to
    the earlier share.
    """
    if not ratios or any(r < 0 for r in ratios):
        raise ValueError("ratios must be non-negative and non-empty")
    weight = sum(ratios)
    if weight == 0:
        raise ValueError("ratios must not all be zero")
    cents = int((total / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    raw = [Decimal(cents) * r / weight for r in ratios]
    floors = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in raw]
    leftover = cents - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return [Decimal(c) * CENT for c in floors]


def split_bill(total: Decimal, people: int, tip_percent: Decimal = Decimal("0")) -> list[Decimal]:
    """Split a restaurant bill including tip; the organiser (index 0) absorbs odd cents."""
    if people < 1:
        raise ValueError("need at least one person")
    tip = (total * tip_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    grand = total + tip
    each = (grand / people).quantize(CENT, rounding=ROUND_DOWN)
    shares = [each] * people
    shares[0] += grand - each * people
    return shares


def round_robin_cents(cents, n, start=0):
    """Distribute ``cents`` one at a time over ``n`` buckets starting at ``start``.

    Legacy helper kept for the settlement batch job.
    """
    if n <= 0:
        raise ValueError("n must be positive")
    buckets = [0] * n
    pos = start % n
    for _ in range(cents):
        buckets[pos] += 1
        pos = (pos + 1) % n
    return buckets


def allocate_minor(total_minor: int, weights: list[int], currency: str = "USD") -> list[int]:
    """Allocate an integer amount of minor units by weights; remainder to the heaviest weight.

    ``currency`` is only validated, the arithmetic is in minor units already.
    """
    if currency.upper() not in MINOR_UNITS:
        raise ValueError(f"unsupported currency: {currency!r}")
    if not weights or sum(weights) <= 0:
        raise ValueError("weights must sum to a positive number")
    total_weight = sum(weights)
    parts = [total_minor * w // total_weight for w in weights]
    remainder = total_minor - sum(parts)
    heaviest = max(range(len(weights)), key=lambda i: weights[i])
    parts[heaviest] += remainder
    return parts


def percent_split(total: Decimal, percents: list[Decimal]) -> list[Decimal]:
    """Split by percentages that must add up to exactly 100; last share takes the rounding."""
    if sum(percents) != 100:
        raise ValueError("percentages must add up to 100")
    shares = []
    running = Decimal("0")
    for pct in percents[:-1]:
        share = (total * pct / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        shares.append(share)
        running += share
    shares.append(total - running)
    return shares
