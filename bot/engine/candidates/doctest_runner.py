"""The sandbox side of docstring examples: a pytest file (text, never run here) that runs each
docstring with ``doctest`` and reports its first failing example.

Each docstring is one test (ids ``d0``, ``d1``...). An example passes when doctest's text
comparison does (``ELLIPSIS``, ``NORMALIZE_WHITESPACE``, ``IGNORE_EXCEPTION_DETAIL``; not
``True`` for a documented ``1``) or when
its documented output is a Python literal equal to the one value the example displayed, of a
compatible type (a namedtuple for its tuple, a dict in another order; a bool only for a bool).
Nothing is evaluated to compare: the documented output is read with ``ast.literal_eval`` and
the value is the one ``sys.displayhook`` was given, so a comparison has no side effects. The
reproducing test of a finding uses the same checker (``CHECKER``).

A failure is reported after ``MARK`` as JSON with only what the sandbox knows: the example's
index, what it gave (capped), the exception it raised, and what kind of exception that is
(``kind``: ``setup`` for an import, a name, the file system or a stream; ``resource`` for
``MemoryError``; ``syntax`` for an example that is not Python; ``library`` for an exception
the code's own library or another package defines; ``builtin`` for the others). The example
and its documented output are read back from the docstring by the host, never from here.
"""

from __future__ import annotations

import json

from sandbox.workspace import Candidate

__all__ = ["CHECKER", "MARK", "TEST_FILE", "runner_candidate"]

TEST_FILE = "test_deepcheck_doctests.py"
MARK = "DEEPCHECK-DOCTEST "

# Shared by the runner and every reproducing test: flags, the value-aware checker, one run.
CHECKER = '''FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
FLAGS |= doctest.IGNORE_EXCEPTION_DETAIL | doctest.DONT_ACCEPT_TRUE_FOR_1


def _same_value(want, value):
    if isinstance(want, bool) or isinstance(value, bool):
        return type(want) is type(value) and want == value
    if not (isinstance(value, type(want)) or isinstance(want, type(value))):
        return False
    try:
        return bool(want == value)
    except Exception:
        return False


class ValueChecker(doctest.OutputChecker):
    """doctest's text comparison; else a documented literal equal to the value displayed."""

    def __init__(self):
        self.shown = []

    def check_output(self, want, got, optionflags):
        shown, self.shown = self.shown, []
        if super().check_output(want, got, optionflags):
            return True
        if len(shown) != 1 or not want.strip():
            return False
        try:
            return _same_value(ast.literal_eval(want.strip()), shown[0])
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return False


def run_examples(test, runner):
    """Run a DocTest, giving ``runner``'s ValueChecker each value an example displays."""
    saved = sys.__displayhook__

    def record(value):
        if value is not None:
            runner._checker.shown.append(value)
        saved(value)

    sys.__displayhook__ = record  # doctest installs sys.__displayhook__ for its run
    try:
        return runner.run(test, out=lambda _text: None)
    finally:
        sys.__displayhook__ = saved
'''

_RUNNER = (
    '''"""deepcheck: docstring examples run as written (doctest)."""
import ast
import builtins
import doctest
import importlib
import json
import sys
import traceback

import pytest

DOCS = json.loads({docs!r})
CAP = 300
SETUP = (ImportError, NameError, OSError)
TRACEBACK = "Traceback (most recent call last):"


'''
    + CHECKER.replace("{", "{{").replace("}", "}}")
    + """

def _cap(text):
    return text if len(text) <= CAP else text[: CAP - 3] + "..."


def _kind(cls):
    if not isinstance(cls, type):
        return "library"
    if issubclass(cls, MemoryError):
        return "resource"
    if issubclass(cls, SETUP):
        return "setup"
    if issubclass(cls, SyntaxError):
        return "syntax"
    return "builtin" if cls.__module__ == "builtins" else "library"


class _First(doctest.DocTestRunner):
    def __init__(self):
        super().__init__(checker=ValueChecker(), optionflags=FLAGS, verbose=False)
        self.first = None

    def _keep(self, test, example, got, raised, kind):
        if self.first is None:
            self.first = {{
                "index": test.examples.index(example),
                "got": _cap(got.rstrip()),
                "raised": raised,
                "kind": kind,
            }}

    def report_failure(self, out, test, example, got):
        raised, kind = "", ""
        at = got.find(TRACEBACK)
        if at >= 0:  # an exception other than the documented one, after what was printed
            last = got.rstrip().splitlines()[-1]
            raised = last.split(":", 1)[0].rsplit(".", 1)[-1].strip()
            kind = _kind(getattr(builtins, raised, None))
            got = got[:at] + last
        self._keep(test, example, got, raised, kind)

    def report_unexpected_exception(self, out, test, example, exc_info):
        line = traceback.format_exception_only(exc_info[0], exc_info[1])[-1].strip()
        self._keep(test, example, line, exc_info[0].__name__, _kind(exc_info[0]))


@pytest.mark.parametrize("doc", DOCS, ids=[d["id"] for d in DOCS])
def test_docstring_examples(doc):
    module = importlib.import_module(doc["module"])
    parser = doctest.DocTestParser()
    test = parser.get_doctest(doc["text"], dict(vars(module)), doc["name"], None, doc["line"])
    runner = _First()
    run_examples(test, runner)
    if runner.first is not None:
        pytest.fail("{mark}" + json.dumps(runner.first, ensure_ascii=False), pytrace=False)
"""
)


def runner_candidate(
    docs: list[dict[str, object]], cand_id: str, sides: tuple[str, ...]
) -> Candidate:
    """The pytest candidate running ``docs`` (``id``, ``module``, ``name``, ``line``, ``text``
    each); its timeout grows with their number."""
    source = _RUNNER.format(docs=json.dumps(docs), mark=MARK)
    timeout = min(300.0, 30.0 + 2.0 * len(docs))
    return Candidate(cand_id, "pytest", files={TEST_FILE: source}, sides=sides, timeout_s=timeout)
