"""The loaded rules as one frozen value: signals, roles, invariants, tiers and risks.

A ``RuleSet`` is what every other part of deepcheck reads; ``rules.loader`` builds it from the
packs. It knows names and patterns, not functions: binding an invariant to a changed function's
parameters is the engine's (``bot.engine.invariants``). Its ``version`` is a content hash of the
packs it was built from (the ``rules_version``
part of job keys): the same files give the same version, any edit gives a new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rules.schema import (
    InvariantSpec,
    RiskSpec,
    RoleSpec,
    SignalPattern,
    TierSection,
    WordGroup,
)

__all__ = ["RuleSet", "role_name"]


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

    def invariant(self, ident: str) -> InvariantSpec | None:
        return next((i for i in self.invariants if i.id == ident), None)

    def risk(self, ident: str) -> RiskSpec | None:
        return next((r for r in self.risks if r.id == ident), None)


def role_name(role: RoleSpec | None) -> str | None:
    return role.role if role is not None else None
