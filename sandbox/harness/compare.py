"""When two decoded results count as the same behaviour (docs/protocol.md, kind differential).

Equal values of the same type family (Decimal by value, NaN equals NaN, containers element-wise,
objects by type and state; an ``OrderedDict``'s in order), or both raised exceptions of the same
type. A new exception is a difference; so is a change of type family (Decimal vs float, list vs
tuple).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .codec import EnumMember, Iterated, Opaque, Raised, is_nan

_FAMILIES: dict[type, str] = {
    bool: "int",
    int: "int",
    float: "float",
    Decimal: "decimal",
    Fraction: "fraction",
    complex: "complex",
    str: "str",
    bytes: "bytes",
    list: "list",
    tuple: "tuple",
    dict: "dict",
    set: "set",
    frozenset: "set",
    dt.date: "date",
    dt.datetime: "datetime",
    dt.time: "time",
    dt.timedelta: "timedelta",
    type(None): "none",
}


# Mappings whose equality counts their order (a plain dict's does not).
_ORDERED = frozenset({"collections.OrderedDict"})


def family(v: Any) -> str:
    if isinstance(v, (Opaque, EnumMember)):
        return f"object:{v.type}"
    if isinstance(v, Raised):
        return "raised"
    if isinstance(v, Iterated):
        return "iterated"
    return _FAMILIES.get(type(v), f"other:{type(v).__qualname__}")


def equivalent(a: Any, b: Any) -> bool:
    if isinstance(a, Raised) or isinstance(b, Raised):
        return isinstance(a, Raised) and isinstance(b, Raised) and a.type == b.type
    if family(a) != family(b):
        return False
    if is_nan(a) or is_nan(b):
        return is_nan(a) and is_nan(b)
    if isinstance(a, Iterated):
        a, b = a.items, b.items  # a generator against a generator: what they yielded
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(equivalent(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return len(a) == len(b) and all(k in b and equivalent(v, b[k]) for k, v in a.items())
    if isinstance(a, Opaque):
        if a.text is not None or b.text is not None:
            return a.text == b.text
        if a.type in _ORDERED and isinstance(a.state, dict) and isinstance(b.state, dict):
            return equivalent(list(a.state.items()), list(b.state.items()))  # order counts
        return equivalent(a.state, b.state)
    if isinstance(a, EnumMember):
        return a.name == b.name
    return bool(a == b)
