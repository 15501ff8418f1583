"""Evaluate an invariant's ``when`` / ``check`` expressions over one side's decoded result.

The expressions are trusted text (from ``rules/``), evaluated in the driver over *decoded*
values only; names available are listed in docs/protocol.md. An expression that raises means
"not applicable" for that example.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import CodeType
from typing import Any

from .codec import Raised


def places(v: Any) -> int:
    """Digits after the decimal point of a Decimal (``places(Decimal('1.50')) == 2``)."""
    if not isinstance(v, Decimal):
        raise TypeError(f"places() needs a Decimal, got {type(v).__name__}")
    exponent = v.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError("places() of NaN or infinity")
    return max(0, -exponent)


def raised(v: Any, name: str | None = None) -> bool:
    """True when the result is a raised exception (of type ``name`` when given)."""
    if not isinstance(v, Raised):
        return False
    return name is None or v.type == name or v.type.rsplit(".", 1)[-1] == name


_NAMES: dict[str, Any] = {
    "Decimal": Decimal,
    "Fraction": Fraction,
    "date": dt.date,
    "datetime": dt.datetime,
    "timedelta": dt.timedelta,
    "isleap": calendar.isleap,  # the standard library's calendar: an oracle for date code
    "monthrange": calendar.monthrange,
    "abs": abs,
    "sum": sum,
    "min": min,
    "max": max,
    "len": len,
    "all": all,
    "any": any,
    "round": round,
    "places": places,
    "raised": raised,
    "True": True,
    "False": False,
    "None": None,
}


@dataclass(frozen=True)
class Invariant:
    id: str
    when: CodeType | None
    check: CodeType
    message: str

    @classmethod
    def from_params(cls, doc: dict[str, Any]) -> Invariant:
        when = doc.get("when")
        return cls(
            id=str(doc["id"]),
            when=compile(str(when), f"<{doc['id']}:when>", "eval") if when else None,
            check=compile(str(doc["check"]), f"<{doc['id']}:check>", "eval"),
            message=str(doc.get("message", "")),
        )


def evaluate(
    inv: Invariant, args: dict[str, Any], result: Any, call: Callable[..., Any]
) -> bool | None:
    """True (holds), False (violated) or None (not applicable: ``when`` false or raising)."""
    env = {"__builtins__": {}, **_NAMES, "args": dict(args), "result": result, "call": call}
    try:
        if inv.when is not None and not eval(inv.when, env):
            return None
        return bool(eval(inv.check, env))
    except Exception:  # by definition: the invariant does not apply to this example
        return None
