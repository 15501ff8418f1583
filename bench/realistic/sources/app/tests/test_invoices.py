from datetime import date
from decimal import Decimal

from billing.invoices import Invoice, LineItem, apply_discount_code, invoice_number


def make_invoice():
    return Invoice(
        "INV-2024-000001",
        date(2024, 3, 1),
        [
            LineItem("Seat licence", Decimal("12.00"), 5, Decimal("0.08")),
            LineItem("Support", Decimal("99.00"), 1),
        ],
    )


def test_invoice_total():
    inv = make_invoice()
    assert inv.subtotal() == Decimal("159.00")
    assert inv.tax_total() == Decimal("4.80")
    assert inv.total() == Decimal("163.80")


def test_discount_code_case_insensitive():
    assert apply_discount_code(Decimal("100.00"), " welcome10 ") == Decimal("90.00")


def test_invoice_number_format():
    assert invoice_number("inv", 2024, 123) == "INV-2024-000123"
