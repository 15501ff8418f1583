"""Docstring examples run as written: the author's own statement of what a call returns.

For a change, the examples that reach a modified function (``bot.engine.source.doctests``) are
taken from *base* and run on base and head; an example the PR left unchanged that base passes
and head fails is a regression ``defect`` (an example the PR rewrote states the new intent and
is not used). For a scan (no base) the tree's own examples run once, on head: one that fails
is a defect at rest, in a module whose examples are evidently kept true (``doctest_evidence``).
The sandbox side is ``bot.engine.candidates.doctest_runner``. A failure is a finding only once
its reproducing test (the docstring's examples up to the failing one) has been confirmed in a
fresh process (passes on base, fails on head; at rest: fails): a failure that came from state
an earlier docstring left, or from chance, does not reproduce.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from bot.engine.candidates.base import GenerationContext, register
from bot.engine.candidates.doctest_runner import CHECKER, MARK, runner_candidate
from bot.engine.source.doctests import Doc, docs_for, documented, examples, render
from bot.engine.verdict.evidence import Evidence
from bot.git import read_tree_text
from bot.models import ChangedFunction
from sandbox.results import CandidateResult, Status
from sandbox.workspace import Candidate

__all__ = [
    "DoctestGenerator",
    "Documented",
    "capped",
    "clean",
    "doctest_candidate",
    "doctest_evidence",
    "not_a_value",
    "read_doctests",
]

MAX_DOCS = 400
_MAX_BYTES = 1_000_000
# At rest: a module whose examples fail to set up this often is prose, not tests.
_SETUP_FAILURES_OF_PROSE = 3


@dataclass(frozen=True)
class Documented:
    """A docstring to run, the module it runs in, and the function its failure is about."""

    doc: Doc
    module: str
    function: ChangedFunction
    # Other changed functions the same docstring reaches: a failure whose example names one
    # of them is about that one.
    also: tuple[ChangedFunction, ...] = ()

    def blamed(self, call: str) -> ChangedFunction:
        """The function a failing example is about: the one it calls by name, else the
        docstring's own, else the first that reached it."""
        every = (self.function, *self.also)
        for fn in every:
            if re.search(rf"\b{re.escape(fn.function.rsplit('.', 1)[-1])}\b", call):
                return fn
        return next((fn for fn in every if fn.function == self.doc.owner), self.function)


def doctest_candidate(
    items: list[Documented], cand_id: str, sides: tuple[str, ...] = ("base", "head")
) -> Candidate:
    """One pytest candidate running every docstring of ``items`` (ids ``d0``, ``d1``...)."""
    docs: list[dict[str, object]] = [
        {
            "id": f"d{n}",
            "module": it.module,
            "name": f"{it.module}.{it.doc.owner}" if it.doc.owner else it.module,
            "line": it.doc.line,
            "text": it.doc.text,
        }
        for n, it in enumerate(items)
    ]
    return runner_candidate(docs, cand_id, sides)


def _subsequence(short: list[Any], long: list[Any]) -> bool:
    rest = iter(long)
    return all(any(x == y for y in rest) for x in short)


def _kept(base: Doc, head: Doc | None) -> Doc | None:
    """Base's examples the change did not rewrite: all of them when head only added examples,
    else those before the first one head changed or removed."""
    if head is None:
        return None
    old, new = examples(base.text), examples(head.text)
    if old and _subsequence(old, new):
        return base
    n = 0
    while n < min(len(old), len(new)) and old[n] == new[n]:
        n += 1
    if n == 0:
        return None
    return base if n == len(old) else replace(base, text=render(old[:n]))


def read_doctests(
    functions: list[ChangedFunction], ctx: GenerationContext, *, at_rest: bool = False
) -> list[Documented]:
    """The docstrings to run for ``functions``, each once, attributed to its nearest function.

    A change: the base examples that reach each modified function and that head kept
    (``_kept``); a docstring reaching several is run once, its other functions in ``also``.
    At rest (``at_rest``): each function's own docstring."""
    out: dict[tuple[str, str], Documented] = {}
    bases: dict[str, str | None] = {}  # head's sources are read already (ctx.head_sources)

    def base_text(path: str) -> str | None:
        if path not in bases and ctx.base_tree is not None:
            bases[path] = read_tree_text(ctx.base_tree, path, _MAX_BYTES)  # no symlink followed
        return bases.get(path)

    for fn in functions:
        module = ctx.modules.get(fn.path, ("", ""))[1]
        if not module or fn.nested:
            continue
        if at_rest:
            own = documented(ctx.head_sources.get(fn.path, "")).get(fn.function)
            if own is not None:
                out.setdefault((fn.path, own.owner), Documented(own, module, fn))
            continue
        if fn.status != "modified" or (fn.base_path or fn.path) != fn.path:
            continue
        base, head = base_text(fn.path), ctx.head_sources.get(fn.path)
        if base is None or head is None:
            continue
        now = documented(head)
        for doc in docs_for(base, fn.function):
            kept = _kept(doc, now.get(doc.owner))
            seen = out.get((fn.path, doc.owner))
            if seen is not None:
                out[fn.path, doc.owner] = replace(seen, also=(*seen.also, fn))
            elif kept is not None:
                out[fn.path, doc.owner] = Documented(kept, module, fn)
    return list(out.values())


_KINDS = frozenset({"", "setup", "syntax", "library", "builtin"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Text from the code under review, safe to show: lone surrogates and control characters
    (terminal escapes, NUL) written as escapes; newlines and tabs kept."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _first(rec: dict[str, Any], item: Documented) -> dict[str, Any] | None:
    """The failure the sandbox reported for ``item``'s docstring, with the example and its
    documented output read from the docstring itself (the report gives only the index, what
    the example gave and what it raised: nothing else of it is trusted)."""
    message = str(rec.get("message", ""))
    at = message.find(MARK)
    if rec.get("outcome") != "failed" or at < 0:
        return None
    try:
        first = json.loads(message[at + len(MARK) :])
    except (ValueError, RecursionError):
        return None
    pairs = examples(item.doc.text)
    if not isinstance(first, dict) or not isinstance(first.get("index"), int):
        return None
    index = first["index"]
    kind = str(first.get("kind", ""))
    if not 0 <= index < len(pairs) or kind == "resource":
        return None
    call, want = pairs[index]
    return {
        "index": index,
        "call": clean(call.strip()),
        "want": clean(want.rstrip()),
        "got": clean(str(first.get("got", ""))),
        "raised": clean(str(first.get("raised", ""))),
        "kind": kind if kind in _KINDS else "library",
    }


def _test_name(item: Documented) -> str:
    name = re.sub(r"\W+", "_", item.doc.owner or "module").strip("_").lower()
    return f"test_docstring_example_of_{name}"


def _test_source(item: Documented, index: int) -> str:
    """A ready-to-paste pytest: the docstring's examples up to the failing one."""
    kept = render(examples(item.doc.text)[: index + 1])
    owner = item.doc.owner or item.module
    return (
        "import ast\nimport doctest\nimport sys\n\n"
        f"import {item.module} as module_under_test\n\n"
        f"EXAMPLES = {kept!r}\n\n\n"
        f"{CHECKER}\n\n"
        f"def {_test_name(item)}():\n"
        "    globs = dict(vars(module_under_test))\n"
        f"    test = doctest.DocTestParser().get_doctest(EXAMPLES, globs, {owner!r}, None, 0)\n"
        "    runner = doctest.DocTestRunner(checker=ValueChecker(), optionflags=FLAGS)\n"
        "    assert run_examples(test, runner).failed == 0\n"
    )


def _span(text: str, cap: int = 160) -> str:
    """Text from the code under review as one inline code span it cannot close or break out
    of (the exact values are in the witness and the test)."""
    flat = " ".join(text.split()).replace("`", "'")
    return f"`{flat if len(flat) <= cap else flat[: cap - 1] + '…'}`"


_TOKEN = re.compile(r"\w+")
_MARKUP = re.compile(r"\{(?:printsql|execsql|opensql|sql|stop)\}")  # Sphinx output markers
# JSON printed for a dict's repr; True shown for a documented 1 (doctest used to accept it)
_JSON = {"true": "1", "True": "1", "false": "0", "False": "0", "null": "None"}
_PREFIX = re.compile(r"\b[uUbB](?=['\"])")  # u'...' / b'...': Python 2-era and bytes reprs


def not_a_value(want: str, got: str) -> bool:
    """A failure that is about how a value is written, not which: nothing documented (a
    statement shown without its output), nothing printed where output is documented (it went
    to another stream), or the same words in another form (quotes, brackets, ``u''``
    prefixes, ``print`` vs repr, JSON vs a dict's repr, ``True`` for ``1``, Sphinx
    ``{printsql}`` markers). At rest it marks examples nobody runs."""
    want = _MARKUP.sub("", want)
    if not want.strip() or not got.strip():
        return True
    words = [
        sorted(_JSON.get(w, w) for w in _TOKEN.findall(_PREFIX.sub("", text)))
        for text in (want, got)
    ]
    return words[0] == words[1]


def _failures(
    result: CandidateResult, items: list[Documented], at_rest: bool
) -> list[tuple[Documented, dict[str, Any]]]:
    head = result.sides.get("head")
    base = result.sides.get("base")
    if head is None or head.status is Status.INFRASTRUCTURE:
        return []
    passed_on_base = {
        str(r.get("nodeid", ""))
        for r in (base.tests if base else ())
        if r.get("outcome") == "passed"
    }
    out = []
    for rec in head.tests:
        nodeid = str(rec.get("nodeid", ""))
        found = re.search(r"\[d(\d+)\]$", nodeid)
        if found is None or int(found.group(1)) >= len(items):
            continue
        if not at_rest and nodeid not in passed_on_base:
            continue
        item = items[int(found.group(1))]
        first = _first(rec, item)
        if first is not None:
            out.append((item, first))
    return out


def _at_rest(
    failures: list[tuple[Documented, dict[str, Any]]],
) -> list[tuple[Documented, dict[str, Any]]]:
    """The failures of a tree that count with no base: a wrong value, or a built-in error
    (``TypeError``, ``IndexError``...) where none was documented; not an error that set-up,
    the environment or a library signals (no daemon, no network, a missing file). And only in
    modules whose examples are evidently run: none fails in form (``not_a_value``) or is not
    Python (``SyntaxError``), and fewer than three cannot set up."""
    setup: dict[str, int] = {}
    prose: set[str] = set()
    for it, f in failures:
        if f["kind"] == "setup":
            setup[it.module] = setup.get(it.module, 0) + 1
        elif f["kind"] == "syntax" or (not f["raised"] and not_a_value(f["want"], f["got"])):
            prose.add(it.module)
    prose |= {m for m, n in setup.items() if n >= _SETUP_FAILURES_OF_PROSE}
    return [
        (it, f) for it, f in failures if f["kind"] in ("", "builtin") and it.module not in prose
    ]


def doctest_evidence(
    result: CandidateResult, items: list[Documented], *, at_rest: bool = False
) -> list[Evidence]:
    """Regressions (base passed, head failed) or, at rest, failures on head (``_at_rest``):
    one per docstring, each to be confirmed by its reproducing test before it is a finding."""
    failures = _failures(result, items, at_rest)
    if at_rest:
        failures = _at_rest(failures)
    evidence = []
    for item, first in failures:
        owner = item.doc.owner or item.module
        got, want = first["got"], first["want"]
        head_text = f"raises {got}" if first["raised"] else got
        shown = want or "(no output)"
        detail = (
            f"The docstring example of `{owner}` (line {item.doc.line}"
            + ("" if at_rest else " of base")
            + ") documents "
            f"{_span(first['call'])} as {_span(shown)}; "
            + ("the code gives " if at_rest else "it does on base; head gives ")
            + f"{_span(head_text or '(no output)')}."
        )
        evidence.append(
            Evidence(
                "doctest",
                item.blamed(first["call"]),
                "regression",
                anchor=f"doctest:{owner}:{first['call']}",
                witness={
                    "call": first["call"],
                    "base": shown,
                    "head": head_text,
                    "test_id": _test_name(item),
                },
                detail=detail,
                test_source=_test_source(item, first["index"]),
                module=item.module,
            )
        )
    return evidence


def capped(items: list[Documented], notes: list[str]) -> list[Documented]:
    """At most ``MAX_DOCS`` docstrings, saying so when some are left out."""
    if len(items) > MAX_DOCS:
        notes.append(
            f"docstring examples: {len(items) - MAX_DOCS} of {len(items)} docstrings not run "
            f"(at most {MAX_DOCS} per run)"
        )
    return items[:MAX_DOCS]


class DoctestGenerator:
    """Runs each docstring once per check: a function a later tier adds gets its docstrings
    then; those an earlier tier ran are not run again (the same examples give the same answer)."""

    name = "doctests"
    phase = 1

    def __init__(self) -> None:
        self.notes: list[str] = []
        self._items: dict[str, list[Documented]] = {}
        self._ran: set[tuple[str, str]] = set()

    def candidates(
        self, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[tuple[Candidate, list[ChangedFunction]]]:
        if ctx.base_tree is None:
            return []
        fresh = [
            it
            for it in read_doctests(functions, ctx)
            if (it.function.path, it.doc.owner) not in self._ran
        ]
        items = capped(fresh, self.notes)
        if not items:
            return []
        self._ran.update((it.function.path, it.doc.owner) for it in items)
        cand = doctest_candidate(items, f"doctests-{ctx.tier}")
        self._items[cand.id] = items
        return [(cand, list({id(it.function): it.function for it in items}.values()))]

    def interpret(
        self, result: CandidateResult, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[Evidence]:
        head = result.sides.get("head")
        if head is not None and head.status in (Status.TIMEOUT, Status.RESOURCE):
            self.notes.append(
                f"docstring examples: the run on head ended early ({head.status.value}); "
                "their examples were not checked"
            )
        return doctest_evidence(result, self._items.get(result.id, []))


@register("doctests")
def _factory() -> DoctestGenerator:
    return DoctestGenerator()
