"""What a candidate generator is: its protocol, its context, and the registry it joins.

A generator turns a changed function into candidate checks (sandbox ``Candidate`` values,
each one sample of test-time compute) and reads the sandbox's results back as ``Evidence``.
Generators are pure: they never run the code under review themselves.

The registry holds the engine's model-free generators (``differential``, ``existing-tests``,
``symbolic``). Other layers bring their own by passing instances in ``Deps.generators`` (the LLM
layer's ``llm`` generator is wired by the CLI and the App); the engine never imports them.
Optional capabilities are declared here as protocols: an :class:`Explorer` runs its own
sandbox rounds through a :data:`BatchRunner`; a :class:`Confirmer` confirms its own evidence
(the pipeline's confirmation run uses the generator's candidate and reading, so a generator
whose tests are not trusted can keep its tracer in the confirmation run).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from bot.engine.plan import Budget
from bot.engine.verdict.evidence import Evidence
from bot.models import ChangedFunction, PRContext
from rules.ruleset import RuleSet
from sandbox.results import CandidateResult
from sandbox.workspace import Candidate


@dataclass(frozen=True)
class GenerationContext:
    """What generators may know about the change (all read on the host as text)."""

    head_tree: Path
    base_tree: Path | None
    head_files: frozenset[str]
    base_files: frozenset[str]
    rules: RuleSet
    seed: int
    tier: str
    budget: Budget
    head_sources: dict[str, str] = field(default_factory=dict)  # python files, for literals
    modules: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (root, module)


class Generator(Protocol):
    name: str
    phase: int  # 1: cheap, every function; 2: only functions without a witness yet
    notes: list[str]  # what the generator wants the report to say (skipped functions...)

    def candidates(
        self, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[tuple[Candidate, list[ChangedFunction]]]: ...

    def interpret(
        self, result: CandidateResult, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[Evidence]: ...


BatchRunner = Callable[[Sequence[Candidate]], Mapping[str, CandidateResult]]
"""One sandbox start for a batch of candidates: results by candidate id."""


@runtime_checkable
class Explorer(Protocol):
    """A generator that runs several sandbox rounds itself (propose, run, refine...)."""

    def explore(
        self,
        functions: Sequence[ChangedFunction],
        ctx: GenerationContext,
        run: BatchRunner,
        pr: PRContext,
    ) -> list[Evidence]: ...


@runtime_checkable
class Confirmer(Protocol):
    """A generator that confirms its own evidence in the pipeline's confirmation run.

    ``confirmation`` builds the candidate run on base and head (its id is the generator's
    choice; ``None``: the evidence cannot be confirmed and is not reported). ``confirmed``
    reads that candidate's result: (True, the witness *re-derived from this run*: ``call``,
    ``base``, ``head``) when it is confirmed, (False, None) when it did not reproduce, (None,
    None) when it could not run. Only the re-derived witness is shown, never the evidence's.
    """

    name: str

    def confirmation(self, evidence: Evidence, cand_id: str) -> Candidate | None: ...

    def confirmed(
        self, evidence: Evidence, result: CandidateResult | None
    ) -> tuple[bool | None, dict[str, Any] | None]: ...


_REGISTRY: dict[str, Callable[[], Generator]] = {}


def register(name: str) -> Callable[[Callable[[], Generator]], Callable[[], Generator]]:
    def deco(factory: Callable[[], Generator]) -> Callable[[], Generator]:
        _REGISTRY[name] = factory
        return factory

    return deco


__all__ = [
    "BatchRunner",
    "Confirmer",
    "Explorer",
    "GenerationContext",
    "Generator",
    "register",
    "registered",
]


def registered() -> dict[str, Callable[[], Generator]]:
    """The registered generator factories, by name."""
    return dict(_REGISTRY)
