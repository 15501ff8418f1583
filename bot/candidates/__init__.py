"""Candidate generators, registered by decorator: add a module, not an if/elif.

A generator turns a changed function into candidate checks (sandbox ``Candidate`` values,
each one sample of test-time compute) and reads the sandbox's results back as ``Evidence``.
Generators are pure: they never run the code under review themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.evidence import Evidence
from bot.models import ChangedFunction
from sandbox.results import CandidateResult
from sandbox.workspace import Candidate


@dataclass(frozen=True)
class GenerationContext:
    """What generators may know about the change (all read on the host as text)."""

    head_tree: Path
    base_tree: Path | None
    head_files: frozenset[str]
    base_files: frozenset[str]
    rules: object  # rules.loader.RuleSet
    seed: int
    tier: str
    budget: object  # bot.plan.Budget
    head_sources: dict[str, str] = field(default_factory=dict)  # python files, for literals
    modules: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (root, module)


class Generator(Protocol):
    name: str

    def candidates(
        self, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[tuple[Candidate, list[ChangedFunction]]]: ...

    def interpret(
        self, result: CandidateResult, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[Evidence]: ...


_REGISTRY: dict[str, Callable[[], Generator]] = {}


def register(name: str) -> Callable[[Callable[[], Generator]], Callable[[], Generator]]:
    def deco(factory: Callable[[], Generator]) -> Callable[[], Generator]:
        _REGISTRY[name] = factory
        return factory

    return deco


def generators(names: list[str] | None = None) -> list[Generator]:
    """Instances of the registered generators (all, or those named, in that order)."""
    from bot.candidates import differential, existing_tests, llm, symbolic  # noqa: F401

    chosen = names if names is not None else sorted(_REGISTRY)
    unknown = [n for n in chosen if n not in _REGISTRY]
    if unknown:
        raise KeyError(f"unknown generator(s): {', '.join(unknown)}")
    return [_REGISTRY[n]() for n in chosen]
