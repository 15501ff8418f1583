"""Fixed-rate installment loans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class Row:
    period: int
    payment: Decimal
    interest: Decimal
    principal: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Loan:
    principal: Decimal
    annual_rate: Decimal
    term_months: int

    def monthly_rate(self) -> Decimal:
        return self.annual_rate / MONTHS_PER_YEAR

    def payment(self) -> Decimal:
        """Level monthly payment, rounded half-up to the cent."""
        if self.term_months <= 0:
            raise ValueError("term must be positive")
        r = self.monthly_rate()
        if r == 0:
            return (self.principal / self.term_months).quantize(CENT, rounding=ROUND_CEILING)
        factor = r / (1 - (1 + r) ** -self.term_months)
        return (self.principal * factor).quantize(CENT, rounding=ROUND_HALF_UP)

    def schedule(self) -> list[Row]:
        """Full amortization schedule; the final payment absorbs rounding differences."""
        pmt = self.payment()
        r = self.monthly_rate()
        balance = self.principal
        rows = []
        for period in range(1, self.term_months + 1):
            interest = (balance * r).quantize(CENT, rounding=ROUND_HALF_UP)
            if period == self.term_months:
                principal_part = balance
            else:
                principal_part = pmt - interest
            balance = balance - principal_part
            rows.append(Row(period, interest + principal_part, interest, principal_part, balance))
        return rows

    def total_interest(self) -> Decimal:
        return sum((row.interest for row in self.schedule()), Decimal("0.00"))

    def balance_after(self, payments_made: int) -> Decimal:
        """Outstanding principal after ``payments_made`` scheduled payments."""
        if payments_made <= 0:
            return self.principal
        rows = self.schedule()
        if payments_made >= len(rows):
            return Decimal("0.00")
        return rows[payments_made - 1].balance


def payoff_amount(balance: Decimal, annual_rate: Decimal, days_since_payment: int, basis: int = 365) -> Decimal:
    """Amount needed to pay a loan off today: balance plus per-diem interest since the last payment."""
    per_diem = balance * annual_rate / basis
    return (balance + per_diem * days_since_payment).quantize(CENT, rounding=ROUND_HALF_UP)


def interest_only_payment(principal: Decimal, annual_rate: Decimal) -> Decimal:
    return (principal * annual_rate / MONTHS_PER_YEAR).quantize(CENT, rounding=ROUND_HALF_UP)


def first_payment_date(funded: date, payment_day: int = 1) -> date:
    """First due date: ``payment_day`` of the month after next if funded after the 15th,
    otherwise of the next month. ``payment_day`` must be 1-28."""
    if not 1 <= payment_day <= 28:
        raise ValueError("payment_day must be between 1 and 28")
    months_ahead = 2 if funded.day > 15 else 1
    month_index = funded.month - 1 + months_ahead
    return date(funded.year + month_index // 12, month_index % 12 + 1, payment_day)


def loan_to_value(loan_amount, appraised_value):
    """LTV as a percentage with two decimals; raises on a zero valuation."""
    if appraised_value <= 0:
        raise ValueError("appraised value must be positive")
    return (Decimal(loan_amount) / Decimal(appraised_value) * 100).quantize(CENT, rounding=ROUND_HALF_UP)
