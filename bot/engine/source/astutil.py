"""Small questions asked of Python syntax trees everywhere in the engine (pure, ``ast``).

One home for each: parsing text that may not be Python, telling a number literal from a bool,
the short name a call calls, which parameter kinds a caller fills by position.
"""

from __future__ import annotations

import ast
import warnings

__all__ = ["POSITIONAL_KINDS", "callee_name", "is_number", "parse_module"]

# Parameter kinds (bot.models.ParamKind) a caller may fill by position.
POSITIONAL_KINDS = ("positional_only", "positional_or_keyword")


def parse_module(source: str) -> ast.Module | None:
    """The module's tree, or None when the text is not Python (or too deep to parse)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def is_number(node: ast.AST) -> bool:
    """An int, float or complex literal (``True`` and ``False`` are not numbers here)."""
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float | complex)
        and not isinstance(node.value, bool)
    )


def callee_name(call: ast.Call) -> str | None:
    """``f`` for ``f(...)`` and ``obj.f(...)``; None for anything else called."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None
