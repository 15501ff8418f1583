"""Which changed functions no check ran on, and why: what keeps a report from reading as a pass.

A function counts as *checked* when at least one check executed it on both sides and came back
with a result (a difference, a violation, a failing test, a flaky or a clean run). Every other
analysed function is *unchecked*, with its reason and one of three causes:

- ``could-not-run``: a check was generated but the code did not run (its module cannot be
  imported, the harness could not call it): the change is **unverified**, and the report says
  so before anything else;
- ``not-drivable``: nothing could be generated (added by the change, nested, async, a
  parameter no strategy exists for);
- ``over-budget``: the tier's cap on functions was reached before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.engine.verdict.evidence import Evidence
from bot.models import ChangedFunction, Unchecked

__all__ = ["RAN", "unchecked"]

RAN = frozenset({"difference", "violation", "regression", "preexisting", "flaky", "clean"})
_REASON_CHARS = 240


_EXCEPTION = re.compile(r"(?:\w+\.)*(\w+(?:Error|Exception)): ([^;\n]*)")


def _first_line(text: str) -> str:
    """The exception of a detail (``cannot import: ModuleNotFoundError: No module named 'x'``),
    else its first line."""
    found = _EXCEPTION.search(text)
    if found is not None:
        line = f"{found.group(1)}: {found.group(2).strip()}"
        if "cannot import" in text[: found.start()]:
            line = f"cannot import: {line}"
    else:
        line = next((x.strip() for x in text.strip().splitlines() if x.strip()), "")
    return line[:_REASON_CHARS]


def unchecked(
    analysed: Sequence[ChangedFunction],
    evidence: Sequence[Evidence],
    *,
    over_budget: Sequence[ChangedFunction] = (),
    budget_note: str = "over the tier's budget",
    why_not_drivable: Callable[[ChangedFunction], str | None] = lambda _fn: None,
) -> list[Unchecked]:
    """The analysed functions no check ran on, in the order given."""
    ran = {(e.function.path, e.function.function) for e in evidence if e.status in RAN}
    failed: dict[tuple[str, str], str] = {}
    unsupported: dict[tuple[str, str], str] = {}
    for e in evidence:
        key = (e.function.path, e.function.function)
        target = unsupported if e.status == "unsupported" else failed
        if e.status in ("error", "unsupported") and key not in target:
            target[key] = _first_line(e.detail) or f"{e.source} could not run it"
    over = {(f.path, f.function) for f in over_budget}
    out: list[Unchecked] = []
    for fn in analysed:
        key = (fn.path, fn.function)
        if key in ran:
            continue
        if key in failed:
            out.append(Unchecked(fn.path, fn.function, failed[key], "could-not-run"))
        elif key in over:
            out.append(Unchecked(fn.path, fn.function, budget_note, "over-budget"))
        else:
            why = unsupported.get(key) or why_not_drivable(fn)
            why = why or "no candidate could be generated for its parameters"
            out.append(Unchecked(fn.path, fn.function, why, "not-drivable"))
    return out
