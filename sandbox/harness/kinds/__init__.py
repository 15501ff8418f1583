"""Candidate kinds, registered by decorator: add a module, don't grow an if/elif.

A kind turns one manifest candidate into *units* (each runs in one pool slot, usually one
worker process) and then combines the units' results into the candidate's answer
(``{"sides": {...}, "data": {...}}``, see docs/protocol.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..supervisor import CandidateJob, Job


@dataclass(frozen=True)
class Unit:
    label: str  # unique within the candidate (a side name for per-side kinds)
    run: Callable[[], Any]


class Kind(Protocol):
    name: str

    def units(self, cand: CandidateJob, job: Job) -> list[Unit]: ...

    def answer(self, cand: CandidateJob, job: Job, results: dict[str, Any]) -> dict[str, Any]: ...


_REGISTRY: dict[str, Kind] = {}


def register(name: str) -> Callable[[type], type]:
    def deco(cls: type) -> type:
        if name in _REGISTRY:
            raise ValueError(f"kind {name!r} registered twice")
        inst = cls()
        inst.name = name
        _REGISTRY[name] = inst
        return cls

    return deco


def get(name: str) -> Kind | None:
    return _REGISTRY.get(name)


def names() -> list[str]:
    return sorted(_REGISTRY)


# The composition root: importing a kind module registers it.
from . import crosshair_kind, differential, pytest_kind  # noqa: E402, F401
