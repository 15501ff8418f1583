"""Whether a verified difference was seen on inputs the code's own callers pass (pure).

A private helper is checked two ways: called directly with generated arguments, and through
the public functions that reach it (bot/engine/source/callers.py). A direct call can pass what
no caller ever does (``skip_chars(src='', pos=-1, chars=[])``), and a reviewer dismisses such a
finding at once. When the only witnesses are direct calls, while the public callers were driven
with inputs that ran the changed lines on head and never showed a difference, the difference is
*outside the callers' domain*: still reported (a helper's contract may be wider than today's
callers, and nothing real is dropped), but at low severity and said so, with the callers named.
``deepcheck bench`` counts these findings (``outside_domain``).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.verdict.evidence import Evidence

__all__ = ["outside_callers"]


def outside_callers(witnesses: Sequence[Evidence], checks: Sequence[Evidence]) -> str | None:
    """Why the difference lies outside what the public callers pass, or None when it does not
    (or nothing says so).

    ``witnesses``: the verified differences of one function; ``checks``: every piece of
    evidence about that function (the callers' clean runs among them).
    """
    if not witnesses or any(w.entry is not None for w in witnesses):
        return None  # a public caller reproduces it: in the domain
    if any(w.status != "difference" for w in witnesses):
        return None  # an invariant or a repository test says it matters
    clean = [
        e
        for e in checks
        if e.entry is not None and e.status == "clean" and e.covered and e.examples > 0
    ]
    if not clean:
        return None  # the callers were not driven, or never ran the changed lines
    names = sorted({e.entry.function for e in clean if e.entry is not None})
    examples = sum(e.examples for e in clean)
    callers = ", ".join(f"`{n}`" for n in names)
    return (
        f"Seen only when `{witnesses[0].function.function}` is called directly: its public "
        f"caller{'s' if len(names) > 1 else ''} {callers}, driven with {examples} inputs that "
        "ran the changed lines, showed no difference. The input may be one the code never "
        "passes; check the helper's contract before acting on it."
    )
