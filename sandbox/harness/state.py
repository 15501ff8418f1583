"""A receiver's state after the call: which attributes tell base and head apart.

A mutator returns None on both sides; its effect is in the instance. The call server sends the
instance after each call as callers see it (``"self"``: public attributes and properties,
codec ``Opaque``); two states differ on the attributes both sides have whose values are not
``equivalent``. An attribute only one side has (a cache a refactor added) is never a
difference, private fields are never sent, and the searcher drops an attribute whose value
changes when the call is repeated in fresh call servers (a timestamp, a process id).
"""

from __future__ import annotations

from typing import Any

from .codec import Opaque, safe_repr
from .compare import equivalent

MAX_SHOWN = 3  # attributes named in a witness's base / head text


def attributes(state: Any) -> dict[str, Any] | None:
    """The instance's attributes by name, or None when the state is not an object's."""
    if isinstance(state, Opaque) and state.text is None and isinstance(state.state, dict):
        return {str(k): v for k, v in state.state.items()}
    return None


def differing(base: Any, head: Any, ignore: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Attributes both states have whose values differ (sorted), minus ``ignore``."""
    a, b = attributes(base), attributes(head)
    if a is None or b is None:
        return []
    return sorted(k for k in a.keys() & b.keys() if k not in ignore and not equivalent(a[k], b[k]))


def same_on(first: Any, second: Any, names: list[str]) -> list[str]:
    """Of ``names``, those whose values are equal in two states of the same side."""
    a, b = attributes(first), attributes(second)
    if a is None or b is None:
        return []
    return [k for k in names if k in a and k in b and equivalent(a[k], b[k])]


def shown(result: Any, state: Any, names: list[str]) -> str:
    """``None; after the call self.balance == 101`` (a witness's base or head text)."""
    own = attributes(state) or {}
    parts = [f"self.{k} == {safe_repr(own[k], 300)}" for k in names[:MAX_SHOWN] if k in own]
    more = f" (+{len(names) - MAX_SHOWN} more)" if len(names) > MAX_SHOWN else ""
    return f"{safe_repr(result)}; after the call {', '.join(parts)}{more}"
