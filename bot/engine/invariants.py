"""Rule invariants bound to a changed function: which apply, with which parameter names.

``rules/`` declares invariants with ``$placeholders`` and the roles that fill them; here they
meet a :class:`~bot.models.ChangedFunction`: its callable parameters get roles by name, an
invariant applies when its ``applies`` conditions hold, and each placeholder is replaced by the
one parameter carrying an accepted role (docs/rules.md).
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from bot.engine.source.astutil import POSITIONAL_KINDS
from bot.models import ChangedFunction, Param
from rules.ruleset import RuleSet, role_name
from rules.schema import PLACEHOLDER, InvariantSpec

__all__ = [
    "BoundInvariant",
    "bind",
    "bound_invariants",
    "callable_params",
    "invariants_for",
    "param_roles",
]

_UNBOUND = ("self", "cls")


@dataclass(frozen=True)
class BoundInvariant:
    """An invariant with its ``$placeholders`` replaced by this function's parameter names."""

    id: str
    when: str
    check: str
    message: str
    severity: str
    bindings: Mapping[str, str]

    def spec(self) -> dict[str, str]:
        """The entry of a ``differential`` candidate's ``invariants`` list (docs/protocol.md)."""
        return {
            "id": self.id,
            "when": self.when,
            "check": self.check,
            "message": self.message,
            "severity": self.severity,
        }


def callable_params(fn: ChangedFunction) -> list[Param]:
    """Parameters a caller supplies: no ``self``/``cls`` of a method, no ``*args``/``**kwargs``.

    The first positional parameter of a method that is not a staticmethod is bound whatever
    its name (``def _sub(a, b)`` in ``Fraction``).
    """
    static = any(d.endswith("staticmethod") for d in fn.decorators)
    params = list(fn.params)
    if (
        fn.is_method
        and not static
        and params
        and (params[0].kind in POSITIONAL_KINDS or params[0].name in _UNBOUND)
    ):
        params = params[1:]
    params = [p for p in params if p.kind not in ("var_positional", "var_keyword")]
    return params


def param_roles(rules: RuleSet, fn: ChangedFunction) -> dict[str, str | None]:
    return {p.name: role_name(rules.role_for(p.name)) for p in callable_params(fn)}


def bind(rules: RuleSet, inv: InvariantSpec, fn: ChangedFunction) -> BoundInvariant | None:
    """``inv`` for ``fn``, or None when it does not apply.

    It applies when the function's short name matches ``applies.name`` and not
    ``applies.name_excludes``, the return annotation matches ``applies.returns`` (or is
    missing and ``returns_missing`` is set), every role of ``applies.roles`` is carried by a
    parameter, none of ``unless_roles`` is, none of ``unique_roles`` by two, every parameter
    without a default (every parameter, with ``closed_defaults``) carries one of
    ``closed_roles`` (when given), no parameter name matches ``params_exclude``, and each
    ``$placeholder`` names exactly one parameter: the one whose role ``bind`` accepts, or
    whose name matches its ``bind_names`` regex. ``let`` names are expanded first.
    """
    applies = inv.applies
    short = fn.function.rsplit(".", 1)[-1]
    if applies.name is not None and not applies.name.search(short):
        return None
    if applies.name_excludes is not None and applies.name_excludes.search(short):
        return None
    returns = (fn.returns or "").strip().strip("'\"")
    if applies.returns is not None:
        if not returns and not applies.returns_missing:
            return None
        if returns and not applies.returns.search(returns):
            return None
    params = callable_params(fn)
    roles = {p.name: role_name(rules.role_for(p.name)) for p in params}
    present = set(roles.values())
    if not set(applies.roles) <= present or present & set(applies.unless_roles):
        return None
    carried = list(roles.values())
    if any(carried.count(role) > 1 for role in applies.unique_roles):
        return None
    if applies.closed_roles is not None:
        closed = set(applies.closed_roles)
        open_ = [p for p in params if applies.closed_defaults or p.default is None]
        if any(roles[p.name] not in closed for p in open_):
            return None
    if applies.params_exclude is not None and any(
        applies.params_exclude.search(p.name) for p in params
    ):
        return None
    if applies.required is not None and applies.required != sum(
        1 for p in params if p.default is None
    ):
        return None
    if applies.fixed_places and computed_exponent(fn.head_source):
        return None
    bindings: dict[str, str] = {}
    for placeholder in inv.placeholders():
        pattern = inv.bind_names.get(placeholder)
        if pattern is not None:
            names = [name for name in roles if pattern.search(name)]
        else:
            accepted = set(inv.roles_of(placeholder))
            names = [name for name, role in roles.items() if role in accepted]
        if len(names) != 1:
            return None
        bindings[placeholder] = names[0]

    def fill(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: repr(bindings[m.group(1)]), text)

    return BoundInvariant(
        inv.id,
        fill(inv.expanded("when")),
        fill(inv.expanded("check")),
        inv.message,
        inv.severity,
        bindings,
    )


_CONSTANT = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _constant(node: ast.expr) -> bool:
    """A literal, ``Decimal('0.01')``, or a module constant (``CENT``, ``money.CENT``)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return _CONSTANT.match(node.id) is not None
    if isinstance(node, ast.Attribute):
        return _CONSTANT.match(node.attr) is not None
    if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        return name == "Decimal" and all(isinstance(a, ast.Constant) for a in node.args)
    return False


def computed_exponent(source: str) -> bool:
    """True when the function quantizes to an exponent it computes (``quantize(exp(ccy))``,
    ``quantize(Decimal(1).scaleb(-places))``): its own precondition on what "rounded" means.
    """
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "quantize"
        ):
            exp = node.args[0] if node.args else None
            exp = exp or next((k.value for k in node.keywords if k.arg == "exp"), None)
            if exp is not None and not _constant(exp):
                return True
    return False


def bound_invariants(rules: RuleSet, fn: ChangedFunction) -> list[BoundInvariant]:
    return [b for inv in rules.invariants if (b := bind(rules, inv, fn)) is not None]


def invariants_for(rules: RuleSet, fn: ChangedFunction) -> list[dict[str, str]]:
    """Protocol entries (id, when, check, message, severity) of the invariants for ``fn``."""
    return [b.spec() for b in bound_invariants(rules, fn)]
