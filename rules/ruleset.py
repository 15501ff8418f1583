"""The loaded rules as one frozen value: signals, roles, invariants, tiers and risks.

A ``RuleSet`` is what every other part of deepcheck reads; ``rules.loader`` builds it from the
packs. Its ``version`` is a content hash of the packs it was built from (the ``rules_version``
part of job keys): the same files give the same version, any edit gives a new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.models import ChangedFunction, Param
from rules.schema import (
    PLACEHOLDER,
    InvariantSpec,
    RiskSpec,
    RoleSpec,
    SignalPattern,
    TierSection,
    WordGroup,
)

__all__ = ["BoundInvariant", "RuleSet", "callable_params"]

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
    positional = ("positional_only", "positional_or_keyword")
    static = any(d.endswith("staticmethod") for d in fn.decorators)
    params = list(fn.params)
    if (
        fn.is_method
        and not static
        and params
        and (params[0].kind in positional or params[0].name in _UNBOUND)
    ):
        params = params[1:]
    params = [p for p in params if p.kind not in ("var_positional", "var_keyword")]
    return params


@dataclass(frozen=True)
class RuleSet:
    version: str
    packs: tuple[str, ...]
    words: tuple[WordGroup, ...] = ()
    patterns: tuple[SignalPattern, ...] = ()
    roles: tuple[RoleSpec, ...] = ()
    invariants: tuple[InvariantSpec, ...] = ()
    tiers: TierSection = field(default_factory=TierSection)
    risks: tuple[RiskSpec, ...] = ()
    origins: Mapping[str, str] = field(default_factory=dict)  # "invariant:<id>" -> "path:line"

    def role_for(self, name: str) -> RoleSpec | None:
        """The first role (by priority, then load order) whose name regexes match ``name``."""
        for role in self.roles:
            if any(rx.search(name) for rx in role.names):
                return role
        return None

    def role(self, role: str) -> RoleSpec | None:
        return next((r for r in self.roles if r.role == role), None)

    def param_roles(self, fn: ChangedFunction) -> dict[str, str | None]:
        return {p.name: _role_name(self.role_for(p.name)) for p in callable_params(fn)}

    def bind(self, inv: InvariantSpec, fn: ChangedFunction) -> BoundInvariant | None:
        """``inv`` for ``fn``, or None when it does not apply.

        It applies when the function's short name matches ``applies.name`` and not
        ``applies.name_excludes``, the return annotation matches ``applies.returns`` (or is
        missing and ``returns_missing`` is set), every role of ``applies.roles`` is carried by a
        parameter, none of ``unless_roles`` is, none of ``unique_roles`` by two, every parameter
        without a default carries one of ``closed_roles`` (when given), and each
        ``$placeholder`` names exactly one parameter.
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
        roles = {p.name: _role_name(self.role_for(p.name)) for p in params}
        present = set(roles.values())
        if not set(applies.roles) <= present or present & set(applies.unless_roles):
            return None
        carried = list(roles.values())
        if any(carried.count(role) > 1 for role in applies.unique_roles):
            return None
        if applies.closed_roles is not None:
            closed = set(applies.closed_roles)
            if any(p.default is None and roles[p.name] not in closed for p in params):
                return None
        bindings: dict[str, str] = {}
        for placeholder in inv.placeholders():
            accepted = set(inv.roles_of(placeholder))
            names = [name for name, role in roles.items() if role in accepted]
            if len(names) != 1:
                return None
            bindings[placeholder] = names[0]

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: repr(bindings[m.group(1)]), text)

        return BoundInvariant(
            inv.id, fill(inv.when), fill(inv.check), inv.message, inv.severity, bindings
        )

    def bound_invariants(self, fn: ChangedFunction) -> list[BoundInvariant]:
        return [b for inv in self.invariants if (b := self.bind(inv, fn)) is not None]

    def invariants_for(self, fn: ChangedFunction) -> list[dict[str, str]]:
        """Protocol entries (id, when, check, message, severity) of the invariants for ``fn``."""
        return [b.spec() for b in self.bound_invariants(fn)]

    def invariant(self, ident: str) -> InvariantSpec | None:
        return next((i for i in self.invariants if i.id == ident), None)

    def risk(self, ident: str) -> RiskSpec | None:
        return next((r for r in self.risks if r.id == ident), None)


def _role_name(role: RoleSpec | None) -> str | None:
    return role.role if role is not None else None
