"""Typed values of rules and strategies: parse, recognise, convert and encode them.

Role ranges and boundaries are text in a role's type family (``parse_value``); literals
harvested from a repository are Python source text, evaluated by a tiny safe evaluator that
runs nothing (``parse_literal``); values cross to the sandbox in the harness's tagged JSON codec
(``encode``: ``{"$": "decimal", "v": "1.50"}``, docs/protocol.md).
"""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

__all__ = ["NUMERIC", "convert", "encode", "family_of", "parse_literal", "parse_value"]

NUMERIC: frozenset[str] = frozenset({"int", "decimal", "float", "fraction"})
_CALLS: dict[str, Any] = {
    "Decimal": Decimal,
    "Fraction": Fraction,
    "date": dt.date,
    "datetime": dt.datetime,
    "timedelta": dt.timedelta,
    "float": float,
}


def parse_value(family: str, text: str) -> object:
    """The Python value of ``text`` in a role's type family; ValueError when it is not one."""
    try:
        if family == "int":
            return int(text)
        if family == "decimal":
            value = Decimal(text)
            if not value.is_finite():
                raise ValueError
            return value
        if family == "float":
            return float(text)
        if family == "fraction":
            return Fraction(text)
        if family == "date":
            return dt.date.fromisoformat(text)
        if family == "datetime":
            return dt.datetime.fromisoformat(text)
        if family == "bool":
            return {"true": True, "false": False}[text.lower()]
        return text
    except (ValueError, ArithmeticError, InvalidOperation, KeyError, ZeroDivisionError):
        raise ValueError(f"{text!r} is not a valid {family}") from None


def parse_literal(text: str) -> Any:
    """The value of a safe literal's source text: numbers, strings, None/bools, containers of
    them, and ``Decimal(...)``, ``Fraction(...)``, ``date(...)``, ``datetime(...)``,
    ``timedelta(...)`` of literals. ValueError for anything else (nothing is executed)."""
    try:
        return _literal(ast.parse(text.strip(), mode="eval").body)
    except (SyntaxError, ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        raise ValueError(f"not a literal: {text!r} ({exc})") from None


def _literal(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _literal(node.operand)
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
            raise ValueError("a sign on a non-number")
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Tuple | ast.List):
        items = [_literal(e) for e in node.elts]
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {
            _literal(k): _literal(v)
            for k, v in zip(node.keys, node.values, strict=True)
            if k is not None
        }
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _CALLS:
            args = [_literal(a) for a in node.args]
            kwargs = {k.arg: _literal(k.value) for k in node.keywords if k.arg is not None}
            return _CALLS[name](*args, **kwargs)
    raise ValueError(f"not a literal: {ast.unparse(node)}")


def encode(value: Any) -> Any:
    """A Python value in the harness's tagged JSON codec (docs/protocol.md)."""
    if value is None or type(value) in (bool, int, str):
        return value
    if isinstance(value, float):
        return {"$": "float", "v": repr(value)}
    if isinstance(value, Decimal | Fraction):
        return {"$": "decimal" if isinstance(value, Decimal) else "fraction", "v": str(value)}
    if isinstance(value, dt.date):  # datetime is a date too
        tag = "datetime" if isinstance(value, dt.datetime) else "date"
        return {"$": tag, "v": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {
            "$": "timedelta",
            "days": value.days,
            "seconds": value.seconds,
            "microseconds": value.microseconds,
        }
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"$": "dict", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    raise ValueError(f"cannot encode {type(value).__name__}")


def family_of(value: Any) -> str | None:
    for kind, family in (
        (bool, "bool"),
        (int, "int"),
        (float, "float"),
        (Decimal, "decimal"),
        (Fraction, "fraction"),
        (str, "str"),
        (dt.datetime, "datetime"),
        (dt.date, "date"),
        (dt.timedelta, "timedelta"),
        (type(None), "none"),
    ):
        if isinstance(value, kind):
            return family
    return None


def convert(value: Any, family: str) -> Any | None:
    """``value`` in another family (numbers across number types, dates and datetimes), or None."""
    if family_of(value) == family:
        return value
    if family in NUMERIC and isinstance(value, int | Decimal | Fraction | float):
        if family == "int":
            return int(value) if value == int(value) else None
        if family == "float":
            return float(value)
        if family == "decimal":
            return Decimal(str(value))
        return Fraction(str(value))
    if family == "datetime" and isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if family == "date" and isinstance(value, dt.datetime):
        return value.date()
    return None
