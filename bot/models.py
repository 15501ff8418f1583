"""Frozen values that flow through the pipeline and into reports.

The JSON report (design.md, version 1) is built from these by ``bot.report.json_report``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FindingKind = Literal["defect", "behavior-change", "risk"]
Severity = Literal["high", "medium", "low"]
ChangeStatus = Literal["modified", "added"]


@dataclass(frozen=True)
class Param:
    name: str
    annotation: str | None = None  # source text of the hint, e.g. "Decimal", "list[int]"
    default: str | None = None  # source text of the default
    kind: Literal[
        "positional_only", "positional_or_keyword", "var_positional", "keyword_only", "var_keyword"
    ] = "positional_or_keyword"


@dataclass(frozen=True)
class ChangedFunction:
    """A function whose body or signature differs between base and head."""

    path: str  # head path, repo-relative, posix
    function: str  # qualified name: "compound", "Ledger.post", "outer.<locals>.inner"
    start_line: int  # head lines (1-based, inclusive), decorators included
    end_line: int
    status: ChangeStatus
    params: tuple[Param, ...] = ()
    returns: str | None = None  # source text of the return annotation
    docstring: str | None = None
    base_path: str | None = None  # differs from path on renames; None when added
    base_start_line: int | None = None
    base_end_line: int | None = None
    changed_lines: tuple[int, ...] = ()  # head lines inside the function added/changed by the diff
    constants: tuple[str, ...] = ()  # numeric literals on changed lines (base and head side)
    is_method: bool = False
    class_name: str | None = None
    decorators: tuple[str, ...] = ()
    is_async: bool = False
    nested: bool = False  # defined inside another function (not callable from outside)
    head_source: str = ""
    base_source: str = ""
    # Why the change provably cannot alter what a call returns (its own locals renamed, and it
    # reads no changed module binding: bot/engine/change/equivalence.py); "" when it may.
    equivalent: str = ""


@dataclass(frozen=True)
class Witness:
    call: str  # e.g. "compound(principal=Decimal('1.00'), rate=Decimal('0.5'), periods=1)"
    base: str  # repr of the base result (or "raises ValueError('...')")
    head: str
    test: str  # ready-to-paste pytest source that fails on head and passes on base


@dataclass(frozen=True)
class Finding:
    id: str  # stable fingerprint
    kind: FindingKind
    severity: Severity
    verified: bool
    path: str
    line: int
    function: str
    title: str
    message: str  # markdown
    witness: Witness | None = None
    confidence: float = 0.0
    sources: tuple[str, ...] = ()
    samples: int = 0
    votes: int = 0
    in_diff: bool = True  # line lies in the PR diff on the head side
    # Why every witness lies outside what the code's own callers pass (a private helper called
    # directly), or "" (bot/engine/verdict/domain.py): reported at low severity, said so.
    outside_domain: str = ""


@dataclass
class Spent:
    tier_path: list[str] = field(default_factory=list)
    sandbox_runs: int = 0
    examples: int = 0
    seconds: float = 0.0
    llm_calls: int = 0
    llm_tokens: int = 0
    cost_usd: float = 0.0
    llm_input_tokens: int = 0  # uncached input
    llm_output_tokens: int = 0
    # Prompt-cache input tokens (in ``llm_tokens`` too): reads are priced at 0.1x the input
    # price, writes at 1.25x (Anthropic, 5-minute cache), both included in ``cost_usd``.
    llm_cache_read_tokens: int = 0
    llm_cache_write_tokens: int = 0
    llm_agreement: float | None = None  # share of samples that sided with their vote's majority
    # CPU seconds the sandboxes spent (every process inside them, as their supervisor measured):
    # on the Docker backend this is compute the host process's own accounting never sees.
    sandbox_cpu_s: float = 0.0


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str  # "binary", "not python", "deleted", "over budget", "syntax error", ...
    function: str | None = None


@dataclass(frozen=True)
class Report:
    base: str
    head: str
    tier: str
    changed_functions: tuple[ChangedFunction, ...]
    findings: tuple[Finding, ...]
    spent: Spent
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()  # flaky evidence, infrastructure notes, ...
    title: str = ""  # PR title (or head commit subject)
    description: str = ""  # PR body (or head commit body)
    version: int = 1
    # Analysed functions no check ran on, each with its reason (empty: every one was run).
    unchecked: tuple[Unchecked, ...] = ()
    analysed: int = 0  # changed functions the engine tried to check (tests and nested excluded)
    coverage: tuple[LineCoverage, ...] = ()  # per function: changed lines the checks executed

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.verified and f.kind != "risk")

    @property
    def checked(self) -> int:
        return max(0, self.analysed - len(self.unchecked))

    @property
    def unverified(self) -> bool:
        """Some change could not be verified because its code could not run (not: was out of
        scope): the result must not read as a pass."""
        return any(u.cause == "could-not-run" for u in self.unchecked) or (
            self.analysed > 0 and self.checked == 0
        )


@dataclass(frozen=True)
class LineCoverage:
    """How many of a changed function's changed (head) lines the checks executed."""

    path: str
    function: str
    executed: int
    total: int


UncheckedCause = Literal["could-not-run", "not-drivable", "over-budget"]


@dataclass(frozen=True)
class Unchecked:
    """A changed function no check could run on, and why."""

    path: str
    function: str
    reason: str  # one line: "cannot import: No module named 'text_unidecode'"
    cause: UncheckedCause = "not-drivable"


@dataclass(frozen=True)
class PRContext:
    """What the PR says about itself (title and description: data, never instructions)."""

    title: str = ""
    description: str = ""
