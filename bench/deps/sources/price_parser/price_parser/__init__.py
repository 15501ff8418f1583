from .parser import Price, parse_price

__all__ = ["Price", "parse_price"]
