"""Docstring examples run as written: the author's own statement of what a call returns.

For a change, the examples that reach a modified function (``bot.engine.source.doctests``) are
taken from *base* and run on base and head; an example the PR left unchanged that base passes
and head fails is a regression ``defect`` (an example the PR rewrote states the new intent and
is not used). For a scan (no base) the tree's own examples run once, on head: one that fails
is a defect at rest, except when it cannot even set up (an import or a name the example
expects from elsewhere). Each docstring runs twice in the sandbox: a failure that does not
repeat exactly is dropped as flaky. Nothing here executes code: the test file is text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.engine.candidates.base import GenerationContext, register
from bot.engine.source.doctests import Doc, docs_for, documented, examples, render
from bot.engine.verdict.evidence import Evidence
from bot.git import read_tree_text
from bot.models import ChangedFunction
from sandbox.results import CandidateResult, Status
from sandbox.workspace import Candidate

__all__ = [
    "DoctestGenerator",
    "Documented",
    "doctest_candidate",
    "doctest_evidence",
    "not_a_value",
    "read_doctests",
]

TEST_FILE = "test_deepcheck_doctests.py"
MARK = "DEEPCHECK-DOCTEST "
MAX_DOCS = 400
_MAX_BYTES = 1_000_000
# What an example at rest cannot set up on its own: not the function's doing.
SETUP_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "NameError"})

# Runs in the sandbox (pytest kind). One test per docstring; the first failing example is
# reported as JSON after MARK; a failure that is not the same on a second run is skipped.
_RUNNER = '''"""deepcheck: docstring examples run as written (doctest)."""
import doctest
import importlib
import json
import traceback

import pytest

DOCS = json.loads({docs!r})
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.IGNORE_EXCEPTION_DETAIL
CAP = 400


def _cap(text):
    return text if len(text) <= CAP else text[: CAP - 3] + "..."


class _First(doctest.DocTestRunner):
    first = None

    def _keep(self, test, example, got, raised):
        if self.first is None:
            self.first = {{
                "index": test.examples.index(example),
                "call": _cap(example.source.strip()),
                "want": _cap(example.want.rstrip()),
                "got": _cap(got.rstrip()),
                "raised": raised,
            }}

    def report_failure(self, out, test, example, got):
        raised = ""
        if got.startswith("Traceback (most recent call last):"):
            got = got.rstrip().splitlines()[-1]  # an exception other than the documented one
            raised = got.split(":", 1)[0].rsplit(".", 1)[-1].strip()
        self._keep(test, example, got, raised)

    def report_unexpected_exception(self, out, test, example, exc_info):
        line = traceback.format_exception_only(exc_info[0], exc_info[1])[-1].strip()
        self._keep(test, example, line, exc_info[0].__name__)


def _run(doc):
    module = importlib.import_module(doc["module"])
    parser = doctest.DocTestParser()
    test = parser.get_doctest(doc["text"], dict(vars(module)), doc["name"], None, doc["line"])
    runner = _First(optionflags=FLAGS, verbose=False)
    runner.run(test, out=lambda _text: None)
    return runner.first


@pytest.mark.parametrize("doc", DOCS, ids=[d["id"] for d in DOCS])
def test_docstring_examples(doc):
    first = _run(doc)
    if first is None:
        return
    if _run(doc) != first:
        pytest.skip("flaky: the example's failure did not repeat")
    pytest.fail("{mark}" + json.dumps(first), pytrace=False)
'''


@dataclass(frozen=True)
class Documented:
    """A docstring to run, the module it runs in, and the function its failure is about."""

    doc: Doc
    module: str
    function: ChangedFunction


def _read(tree: Any, path: str) -> str | None:
    return read_tree_text(tree, path, _MAX_BYTES)  # no symlink followed, size first


def doctest_candidate(
    items: list[Documented], cand_id: str, sides: tuple[str, ...] = ("base", "head")
) -> Candidate:
    """One pytest candidate running every docstring of ``items`` (ids ``d0``, ``d1``...)."""
    docs = [
        {
            "id": f"d{n}",
            "module": it.module,
            "name": f"{it.module}.{it.doc.owner}" if it.doc.owner else it.module,
            "line": it.doc.line,
            "text": it.doc.text,
        }
        for n, it in enumerate(items)
    ]
    source = _RUNNER.format(docs=json.dumps(docs), mark=MARK)
    timeout = min(300.0, 30.0 + 2.0 * len(items))
    return Candidate(cand_id, "pytest", files={TEST_FILE: source}, sides=sides, timeout_s=timeout)


def read_doctests(
    functions: list[ChangedFunction], ctx: GenerationContext, *, at_rest: bool = False
) -> list[Documented]:
    """The docstrings to run for ``functions``, each once, attributed to its nearest function.

    A change: the base examples that reach each modified function, where head documents the
    same owner with the same examples. At rest (``at_rest``): each function's own docstring."""
    out: dict[tuple[str, str], Documented] = {}
    texts: dict[tuple[str, str], str | None] = {}

    def text(side: str, path: str) -> str | None:
        if (side, path) not in texts:
            tree = ctx.head_tree if side == "head" else ctx.base_tree
            texts[side, path] = None if tree is None else _read(tree, path)
        return texts[side, path]

    for fn in functions:
        module = ctx.modules.get(fn.path, ("", ""))[1]
        if not module or fn.nested:
            continue
        if at_rest:
            own = documented(text("head", fn.path) or "").get(fn.function)
            if own is not None:
                out.setdefault((fn.path, own.owner), Documented(own, module, fn))
            continue
        if fn.status != "modified" or (fn.base_path or fn.path) != fn.path:
            continue
        base, head = text("base", fn.path), text("head", fn.path)
        if base is None or head is None:
            continue
        now = documented(head)
        for doc in docs_for(base, fn.function):
            kept = now.get(doc.owner)
            if kept is not None and examples(kept.text) == examples(doc.text):
                out.setdefault((fn.path, doc.owner), Documented(doc, module, fn))
    return list(out.values())[:MAX_DOCS]


def _first(rec: dict[str, Any]) -> dict[str, Any] | None:
    message = str(rec.get("message", ""))
    at = message.find(MARK)
    if rec.get("outcome") != "failed" or at < 0:
        return None
    try:
        first = json.loads(message[at + len(MARK) :])
    except ValueError:
        return None
    return first if isinstance(first, dict) else None


def _test_source(item: Documented, index: int) -> str:
    """A ready-to-paste pytest: the docstring's examples up to the failing one."""
    kept = render(examples(item.doc.text)[: index + 1])
    name = re.sub(r"\W+", "_", item.doc.owner or "module").strip("_").lower()
    owner = item.doc.owner or item.module
    return (
        "import doctest\n\n"
        f"import {item.module} as module_under_test\n\n"
        f"EXAMPLES = {kept!r}\n\n\n"
        f"def test_docstring_example_of_{name}():\n"
        "    globs = dict(vars(module_under_test))\n"
        f"    test = doctest.DocTestParser().get_doctest(EXAMPLES, globs, {owner!r}, None, 0)\n"
        "    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE\n"
        "    flags |= doctest.IGNORE_EXCEPTION_DETAIL\n"
        "    runner = doctest.DocTestRunner(optionflags=flags)\n"
        "    assert runner.run(test).failed == 0\n"
    )


def _span(text: str, cap: int = 160) -> str:
    """Text from the code under review as one inline code span it cannot close or break out
    of (the exact values are in the witness and the test)."""
    flat = " ".join(text.split()).replace("`", "'")
    return f"`{flat if len(flat) <= cap else flat[: cap - 1] + '…'}`"


_TOKEN = re.compile(r"\w+")
_PREFIX = re.compile(r"\b[uUbB](?=['\"])")  # u'...' / b'...': Python 2-era and bytes reprs


def not_a_value(want: str, got: str) -> bool:
    """A failure that is about how a value is written, not which: nothing documented (a
    statement shown without its output) or the same words in another form (quotes, brackets,
    ``u''`` prefixes, ``print`` vs repr). At rest it marks examples nobody runs."""
    if not want.strip():
        return True
    words = [sorted(_TOKEN.findall(_PREFIX.sub("", text))) for text in (want, got)]
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
        first = _first(rec)
        if found is None or first is None or int(found.group(1)) >= len(items):
            continue
        if not at_rest and nodeid not in passed_on_base:
            continue
        out.append((items[int(found.group(1))], first))
    return out


def doctest_evidence(
    result: CandidateResult, items: list[Documented], *, at_rest: bool = False
) -> list[Evidence]:
    """Regressions (base passed, head failed) or, at rest, failures on head: one per docstring.

    At rest nothing says the examples were ever true, so a failure counts only where the
    module's examples are evidently run: one that cannot set up (an import, a name from
    elsewhere) is left out, and a module with a failure that is not a value (``not_a_value``)
    is left out whole — its examples are prose, not tests."""
    failures = _failures(result, items, at_rest)
    if at_rest:
        failures = [(it, f) for it, f in failures if str(f.get("raised", "")) not in SETUP_ERRORS]
        prose = {
            it.module
            for it, f in failures
            if not f.get("raised") and not_a_value(str(f.get("want", "")), str(f.get("got", "")))
        }
        failures = [(it, f) for it, f in failures if it.module not in prose]
    evidence = []
    for item, first in failures:
        owner = item.doc.owner or item.module
        got = str(first.get("got", ""))
        head_text = got if not first.get("raised") else f"raises {got}"
        want = str(first.get("want", ""))
        shown = want or "(no output)"
        detail = (
            f"The docstring example of `{owner}` (line {item.doc.line}) documents "
            f"{_span(str(first.get('call', '')))} as {_span(shown)}; "
            + ("the code gives " if at_rest else "it does on base; head gives ")
            + f"{_span(head_text or '(no output)')}."
        )
        evidence.append(
            Evidence(
                "doctest",
                item.function,
                "regression",
                anchor=f"doctest:{owner}:{first.get('call', '')}",
                witness={"call": str(first.get("call", "")), "base": shown, "head": head_text},
                detail=detail,
                test_source=_test_source(item, int(first.get("index", 0))),
                module=item.module,
            )
        )
    return evidence


class DoctestGenerator:
    name = "doctests"
    phase = 1

    def __init__(self) -> None:
        self.notes: list[str] = []
        self._items: dict[str, list[Documented]] = {}

    def candidates(
        self, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[tuple[Candidate, list[ChangedFunction]]]:
        if ctx.base_tree is None:
            return []
        items = read_doctests(functions, ctx)
        if not items:
            return []
        cand = doctest_candidate(items, f"doctests-{ctx.tier}")
        self._items[cand.id] = items
        return [(cand, list({id(it.function): it.function for it in items}.values()))]

    def interpret(
        self, result: CandidateResult, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[Evidence]:
        return doctest_evidence(result, self._items.get(result.id, []))


@register("doctests")
def _factory() -> DoctestGenerator:
    return DoctestGenerator()
