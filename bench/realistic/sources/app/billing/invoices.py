"""Invoice model and totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
DEFAULT_TERMS_DAYS = 30

DISCOUNT_CODES = {
    "WELCOME10": Decimal("0.10"),
    "LOYAL15": Decimal("0.15"),
    "STAFF50": Decimal("0.50"),
}

# (minimum quantity, discount)
VOLUME_TIERS = [
    (100, Decimal("0.15")),
    (50, Decimal("0.10")),
    (10, Decimal("0.05")),
]


@dataclass
class LineItem:
    description: str
    unit_price: Decimal
    quantity: int = 1
    tax_rate: Decimal = Decimal("0")
    discount: Decimal = Decimal("0")

    def subtotal(self) -> Decimal:
        """Quantity times unit price less the line discount, rounded to the cent."""
        gross = self.unit_price * self.quantity
        net = gross * (1 - self.discount)
        return net.quantize(CENT, rounding=ROUND_HALF_UP)

    def tax(self) -> Decimal:
        """Tax is computed on the rounded line subtotal."""
        return (self.subtotal() * self.tax_rate).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Invoice:
    number: str
    issued: date
    items: list[LineItem] = field(default_factory=list)
    terms_days: int = DEFAULT_TERMS_DAYS
    amount_paid: Decimal = Decimal("0.00")

    def subtotal(self) -> Decimal:
        return sum((item.subtotal() for item in self.items), Decimal("0.00"))

    def tax_total(self) -> Decimal:
        return sum((item.tax() for item in self.items), Decimal("0.00"))

    def total(self) -> Decimal:
        return self.subtotal() + self.tax_total()

    def balance_due(self) -> Decimal:
        """What the customer still owes; overpayments show as zero (credit handled elsewhere)."""
        remaining = self.total() - self.amount_paid
        return remaining if remaining > 0 else Decimal("0.00")

    def due_date(self) -> date:
        """Net-N terms; due dates falling on a weekend move to the following Monday."""
        due = self.issued + timedelta(days=self.terms_days)
        if due.weekday() == 5:
            due += timedelta(days=2)
        elif due.weekday() == 6:
            due += timedelta(days=1)
        return due

    def is_overdue(self, today: date) -> bool:
        return self.balance_due() > 0 and today > self.due_date()


def apply_discount_code(total: Decimal, code: str) -> Decimal:
    """Apply a promotional code (case-insensitive). Unknown codes leave the total unchanged."""
    pct = DISCOUNT_CODES.get(code.strip().upper())
    if pct is None:
        return total
    discounted = total * (1 - pct)
    return discounted.quantize(CENT, rounding=ROUND_HALF_UP)


def volume_discount(quantity: int) -> Decimal:
    """Discount rate for ordering ``quantity`` units (tiers are minimums, inclusive)."""
    for minimum, rate in VOLUME_TIERS:
        if quantity >= minimum:
            return rate
    return Decimal("0")


def invoice_number(prefix: str, year: int, sequence: int) -> str:
    """Format an invoice number like ``INV-2024-000123``."""
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{prefix.upper()}-{year}-{sequence:06d}"


def early_payment_discount(total: Decimal, issued: date, paid: date, days: int = 10,
                           rate: Decimal = Decimal("0.02")) -> Decimal:
    """"2/10 net 30": pay within ``days`` days of issue and get ``rate`` off."""
    if (paid - issued).days <= days:
        return (total * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return Decimal("0.00")
