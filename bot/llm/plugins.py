"""The LLM layer as the engine sees it: a generator, a judge and a meter for ``Deps``.

The engine never imports this layer; the CLI and the App call :func:`engine_parts` with the
model session they opened (or ``None``: model-free) and pass what it returns into
``bot.engine.pipeline.Deps``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.candidates import Generator, generators
from bot.engine.verdict.judging import Judge, Meter
from bot.llm.client import LLMSession
from bot.llm.judge import ModelJudge
from bot.llm.propose import LLMGenerator

__all__ = ["LLM_GENERATOR", "EngineParts", "engine_parts"]

LLM_GENERATOR = "llm"


@dataclass(frozen=True)
class EngineParts:
    generators: list[Generator]
    judge: Judge | None = None
    meter: Meter | None = None


def engine_parts(session: LLMSession | None, names: list[str] | None = None) -> EngineParts:
    """The generators (all, or those named, in that order), with ``llm`` when a session is open.

    Without a session the ``llm`` generator is left out (it has nothing to ask) and nothing is
    judged; a name neither the engine nor this layer knows is a ``KeyError``.
    """
    chosen = names if names is not None else sorted([*_engine_names(), LLM_GENERATOR])
    engine = generators([n for n in chosen if n != LLM_GENERATOR])
    by_name: dict[str, Generator] = {g.name: g for g in engine}
    if session is not None and LLM_GENERATOR in chosen:
        by_name[LLM_GENERATOR] = LLMGenerator(session)
    ordered = [by_name[n] for n in chosen if n in by_name]
    if session is None:
        return EngineParts(ordered)
    return EngineParts(ordered, judge=ModelJudge(session), meter=session.ledger)


def _engine_names() -> list[str]:
    return [g.name for g in generators()]
