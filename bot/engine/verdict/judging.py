"""Who decides whether a verified behaviour change is a bug: a port the engine takes.

Execution establishes *that* head differs from base; whether the PR meant it is judgment. The
engine does not judge by itself (without a judge a verified difference stays a
``behavior-change`` for the human, or a ``defect`` when a money invariant broke). A judge is
passed in ``Deps.judge`` by whoever wires the engine: the LLM layer's
:class:`bot.llm.judge.ModelJudge` votes with several model samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.engine.verdict.evidence import Evidence
from bot.models import ChangedFunction, Finding, PRContext, Spent

__all__ = ["Judge", "Meter"]


class Judge(Protocol):
    def judge(
        self,
        findings: Sequence[Finding],
        *,
        evidence: Sequence[Evidence],
        functions: Sequence[ChangedFunction],
        pr: PRContext,
        tier: str,
        risky: set[tuple[str, str]],
    ) -> tuple[list[Finding], list[str]]:
        """The findings with verified behaviour changes judged; and notes for the report."""
        ...


class Meter(Protocol):
    """What an outside layer spent during the check (model calls, tokens, dollars)."""

    def fill(self, spent: Spent) -> None:
        """Add its figures to ``spent``."""
        ...
