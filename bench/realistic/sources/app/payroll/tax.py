"""Employee tax withholding (simplified US federal rules, single filer)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# (upper bound of bracket, marginal rate); None = no upper bound.
BRACKETS = [
    (Decimal("11000"), Decimal("0.10")),
    (Decimal("44725"), Decimal("0.12")),
    (Decimal("95375"), Decimal("0.22")),
    (Decimal("182100"), Decimal("0.24")),
    (Decimal("231250"), Decimal("0.32")),
    (Decimal("578125"), Decimal("0.35")),
    (None, Decimal("0.37")),
]

STANDARD_DEDUCTION = Decimal("13850")
ALLOWANCE_AMOUNT = Decimal("4300")

SOCIAL_SECURITY_RATE = Decimal("0.062")
SOCIAL_SECURITY_WAGE_BASE = Decimal("160200")
MEDICARE_RATE = Decimal("0.0145")
ADDITIONAL_MEDICARE_RATE = Decimal("0.009")
ADDITIONAL_MEDICARE_THRESHOLD = Decimal("200000")


def income_tax(taxable: Decimal) -> Decimal:
    """Annual income tax on ``taxable`` income using the progressive brackets."""
    if taxable <= 0:
        return Decimal("0.00")
    tax = Decimal("0")
    lower = Decimal("0")
    for upper, rate in BRACKETS:
        if upper is None or taxable <= upper:
            tax += (taxable - lower) * rate
            break
        tax += (upper - lower) * rate
        lower = upper
    return tax.quantize(CENT, rounding=ROUND_HALF_UP)


def marginal_rate(taxable: Decimal) -> Decimal:
    """Rate applied to the next dollar earned."""
    for upper, rate in BRACKETS:
        if upper is None or taxable < upper:
            return rate
    return BRACKETS[-1][1]


def social_security(wages_ytd: Decimal, wages: Decimal) -> Decimal:
    """Employee social security for this pay run; stops at the annual wage base.

    ``wages_ytd`` is year-to-date wages *before* this pay run.
    """
    if wages_ytd >= SOCIAL_SECURITY_WAGE_BASE:
        return Decimal("0.00")
    taxable = min(wages, SOCIAL_SECURITY_WAGE_BASE - wages_ytd)
    return (taxable * SOCIAL_SECURITY_RATE).quantize(CENT, rounding=ROUND_HALF_UP)


def medicare(wages_ytd: Decimal, wages: Decimal) -> Decimal:
    """Employee medicare including the additional 0.9 % above the threshold."""
    base = wages * MEDICARE_RATE
    over_before = max(Decimal("0"), wages_ytd - ADDITIONAL_MEDICARE_THRESHOLD)
    over_after = max(Decimal("0"), wages_ytd + wages - ADDITIONAL_MEDICARE_THRESHOLD)
    extra = (over_after - over_before) * ADDITIONAL_MEDICARE_RATE
    return (base + extra).quantize(CENT, rounding=ROUND_HALF_UP)


def withholding(gross: Decimal, periods_per_year: int, allowances: int = 0) -> Decimal:
    """Federal income tax to withhold from one paycheck (annualised method)."""
    annual = gross * periods_per_year
    taxable = annual - STANDARD_DEDUCTION - ALLOWANCE_AMOUNT * allowances
    if taxable <= 0:
        return Decimal("0.00")
    annual_tax = income_tax(taxable)
    return (annual_tax / periods_per_year).quantize(CENT, rounding=ROUND_HALF_UP)


def effective_rate(taxable):
    """Average tax rate as a percentage with two decimals (legacy report helper)."""
    if taxable <= 0:
        return Decimal("0.00")
    return (income_tax(taxable) / taxable * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def net_pay(gross: Decimal, wages_ytd: Decimal, periods_per_year: int, allowances: int = 0,
            pretax_deductions: Decimal = Decimal("0")) -> Decimal:
    """Take-home pay for one paycheck. Pre-tax deductions reduce income tax wages only."""
    fit_wages = gross - pretax_deductions
    fit = withholding(fit_wages, periods_per_year, allowances)
    fica = social_security(wages_ytd, gross) + medicare(wages_ytd, gross)
    return gross - pretax_deductions - fit - fica
