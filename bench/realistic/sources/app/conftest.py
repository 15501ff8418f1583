# Makes the top-level packages (money, ledger, billing, ...) importable from tests/.
