"""A tiny ledger: interest and fee calculations in Decimal."""
