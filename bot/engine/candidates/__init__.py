"""Candidate generators, registered by decorator: add a module, not an if/elif.

A generator turns a changed function into candidate checks (sandbox ``Candidate`` values, each
one sample of test-time compute) and reads the sandbox's results back as ``Evidence``. The
protocol and the registry are in :mod:`bot.engine.candidates.base`; this package's modules are
the engine's model-free generators. Other layers pass their own instances in
``Deps.generators`` (the LLM layer's ``llm`` generator); the engine never imports them.
"""

from __future__ import annotations

from bot.engine.candidates import differential, doctests, existing_tests, symbolic
from bot.engine.candidates.base import (
    BatchRunner,
    Confirmer,
    Explorer,
    GenerationContext,
    Generator,
    register,
    registered,
)

__all__ = [
    "BatchRunner",
    "Confirmer",
    "Explorer",
    "GenerationContext",
    "Generator",
    "differential",
    "doctests",
    "existing_tests",
    "generators",
    "register",
    "symbolic",
]


def generators(names: list[str] | None = None) -> list[Generator]:
    """Instances of the engine's generators (all, or those named, in that order)."""
    factories = registered()
    chosen = names if names is not None else sorted(factories)
    unknown = [n for n in chosen if n not in factories]
    if unknown:
        raise KeyError(f"unknown generator(s): {', '.join(unknown)}")
    return [factories[n]() for n in chosen]
