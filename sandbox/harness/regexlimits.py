"""Which regular expressions the driver draws strings from (stdlib only).

Shared by the driver's ``regex`` strategy (``strategies.py``) and the host that picks a
function's patterns (``bot/engine/source/fragments.py``): a pattern the host keeps must be one
the sandbox accepts. Hypothesis' ``from_regex`` recurses once per nesting level while drawing,
so a PR's ``((((...))))`` a few hundred deep would crash the driver rather than fail one spec.
"""

from __future__ import annotations

MAX_CHARS = 2000  # a verbose pattern spends most of its text on layout
MAX_NESTING = 40  # groups within groups


def nesting(pattern: str) -> int:
    """How deep the groups of ``pattern`` nest (escapes and character classes skipped)."""
    depth = deepest = 0
    escaped = in_class = False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth = max(0, depth - 1)
    return deepest


def refusal(pattern: str) -> str | None:
    """Why the driver will not draw from ``pattern`` (None: it will, if it compiles)."""
    if len(pattern) > MAX_CHARS:
        return f"pattern longer than {MAX_CHARS} characters"
    if nesting(pattern) > MAX_NESTING:
        return f"groups nested deeper than {MAX_NESTING}"
    return None
