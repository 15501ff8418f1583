"""The sandbox side of docstring examples: a pytest file (text, never run here) that runs each
docstring with ``doctest`` and reports its first failing example.

Each docstring is one test (ids ``d0``, ``d1``...). An example passes when doctest's text
comparison does (``ELLIPSIS``, ``NORMALIZE_WHITESPACE``, ``IGNORE_EXCEPTION_DETAIL``) or when
what it printed and what it documents evaluate to the same value of a compatible type (a
namedtuple for its tuple, a dict in another order; two ``Decimal``s must also print the same).
A failure is reported after ``MARK`` as JSON with only what the sandbox knows: the example's
index, what it gave (capped), the exception it raised and whether that is a set-up error
(an import, a name, the file system or a stream: ``OSError``) or a resource error
(``MemoryError``). The example and its documented output are read back from the docstring
by the host, never from this report.
"""

from __future__ import annotations

import json

from sandbox.workspace import Candidate

__all__ = ["MARK", "TEST_FILE", "runner_candidate"]

TEST_FILE = "test_deepcheck_doctests.py"
MARK = "DEEPCHECK-DOCTEST "

_RUNNER = '''"""deepcheck: docstring examples run as written (doctest)."""
import builtins
import decimal
import doctest
import importlib
import json
import traceback

import pytest

DOCS = json.loads({docs!r})
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.IGNORE_EXCEPTION_DETAIL
CAP = 300
SETUP = (ImportError, NameError, OSError)
TRACEBACK = "Traceback (most recent call last):"


def _cap(text):
    return text if len(text) <= CAP else text[: CAP - 3] + "..."


def _setup(name):
    cls = getattr(builtins, name, None)
    return isinstance(cls, type) and issubclass(cls, SETUP)


def _same_value(a, b):
    if not (isinstance(a, type(b)) or isinstance(b, type(a))):
        return False
    if isinstance(a, decimal.Decimal) and str(a) != str(b):
        return False
    try:
        return bool(a == b)
    except Exception:
        return False


class _Checker(doctest.OutputChecker):
    def __init__(self, globs):
        self.globs = globs

    def check_output(self, want, got, optionflags):
        if super().check_output(want, got, optionflags):
            return True
        if not want.strip() or not got.strip() or TRACEBACK in got:
            return False
        try:
            return _same_value(eval(want, dict(self.globs)), eval(got, dict(self.globs)))
        except BaseException:
            return False


class _First(doctest.DocTestRunner):
    def __init__(self, globs):
        super().__init__(checker=_Checker(globs), optionflags=FLAGS, verbose=False)
        self.first = None

    def _keep(self, test, example, got, raised, setup, resource=False):
        if self.first is None:
            self.first = {{
                "index": test.examples.index(example),
                "got": _cap(got.rstrip()),
                "raised": raised,
                "setup": bool(setup),
                "resource": bool(resource),
            }}

    def report_failure(self, out, test, example, got):
        raised = ""
        at = got.find(TRACEBACK)
        if at >= 0:  # an exception other than the documented one, after what was printed
            last = got.rstrip().splitlines()[-1]
            raised = last.split(":", 1)[0].rsplit(".", 1)[-1].strip()
            got = got[:at] + last
        self._keep(test, example, got, raised, _setup(raised), raised == "MemoryError")

    def report_unexpected_exception(self, out, test, example, exc_info):
        exc = exc_info[1]
        line = traceback.format_exception_only(exc_info[0], exc)[-1].strip()
        resource = isinstance(exc, MemoryError)
        self._keep(test, example, line, exc_info[0].__name__, isinstance(exc, SETUP), resource)


@pytest.mark.parametrize("doc", DOCS, ids=[d["id"] for d in DOCS])
def test_docstring_examples(doc):
    module = importlib.import_module(doc["module"])
    globs = dict(vars(module))
    parser = doctest.DocTestParser()
    test = parser.get_doctest(doc["text"], globs, doc["name"], None, doc["line"])
    runner = _First(globs)
    runner.run(test, out=lambda _text: None)
    if runner.first is not None:
        pytest.fail("{mark}" + json.dumps(runner.first, ensure_ascii=False), pytrace=False)
'''


def runner_candidate(
    docs: list[dict[str, object]], cand_id: str, sides: tuple[str, ...]
) -> Candidate:
    """The pytest candidate running ``docs`` (``id``, ``module``, ``name``, ``line``, ``text``
    each); its timeout grows with their number."""
    source = _RUNNER.format(docs=json.dumps(docs), mark=MARK)
    timeout = min(300.0, 30.0 + 2.0 * len(docs))
    return Candidate(cand_id, "pytest", files={TEST_FILE: source}, sides=sides, timeout_s=timeout)
