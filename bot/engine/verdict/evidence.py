"""What one candidate check established about one changed function.

Execution establishes facts (this module's values); ``bot.engine.verdict.findings`` turns them into
findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.models import ChangedFunction

EvidenceStatus = Literal[
    "difference",  # base and head differ on a concrete input (witness)
    "violation",  # a money invariant holds on base and fails on head (witness)
    "regression",  # a repo test or a docstring example passes on base, fails on head
    "preexisting",  # fails on both sides: not this change's doing (kept for scan)
    "flaky",  # did not reproduce on rerun: never a finding
    "clean",  # ran, found nothing
    "unsupported",  # could not be driven (instance method, nested, untyped object)
    "error",  # the check itself could not run (import error on base, bad strategy)
]


@dataclass(frozen=True)
class Evidence:
    source: str  # differential | invariant | existing-tests | symbolic | llm
    function: ChangedFunction
    status: EvidenceStatus
    anchor: str = ""  # what identifies the behaviour across pushes (invariant id, test id)
    witness: dict[str, Any] | None = None  # harness witness: call, base, head, base_value...
    detail: str = ""
    examples: int = 0
    rule: dict[str, Any] = field(default_factory=dict)  # invariant id/message/severity
    test_source: str | None = None  # a ready test when the generator has one (repo tests)
    module: str = ""  # import name of the function's module on head
    # The public function the check drove to reach ``function`` (a caller in its module), when
    # it was not called directly: the witness is a call of it (bot/engine/source/callers.py).
    entry: ChangedFunction | None = None
    # The function's changed (head) lines the check's calls executed: coverage, the process
    # score compute is spent by (empty when the generator does not record it).
    covered: tuple[int, ...] = ()

    @property
    def target(self) -> ChangedFunction:
        """The function the witness calls: the entry point, else the changed function."""
        return self.entry if self.entry is not None else self.function

    @property
    def is_witness(self) -> bool:
        return self.status in ("difference", "violation", "regression")
