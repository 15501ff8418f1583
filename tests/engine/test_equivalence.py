"""Changes that provably cannot alter behaviour (renamed locals, docstrings, formatting)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from bot.engine.change.diff import parse_diff
from bot.engine.change.equivalence import same_behaviour
from bot.engine.change.functions import changed_functions
from bot.engine.pipeline import CheckRequest, Deps, check
from bot.models import ChangedFunction
from rules.loader import load_rules
from sandbox.process_runner import ProcessRunner
from tests.fakes.gitrepos import make_repo

BASE = '''def interest(principal, rate, periods):
    """Simple interest."""
    earned = principal * rate * periods
    total = earned + principal
    return total.quantize(CENT)
'''
RENAMED = '''def interest(principal, rate, periods):
    """Simple interest, not compounded."""
    gain = principal * rate * periods  # a comment
    balance = gain + principal
    return balance.quantize(
        CENT
    )
'''


def test_renamed_locals_docstring_and_formatting_behave_the_same() -> None:
    assert same_behaviour(BASE, RENAMED) == (
        "the same code up to renamed local variables (and docstring or formatting)"
    )
    doc_only = BASE.replace("Simple interest.", "Interest without compounding.")
    assert same_behaviour(BASE, doc_only) == "only the docstring, comments or formatting changed"
    # Two locals that swap names consistently are still the same function.
    swapped_base = "def f(x):\n    a = x + 1\n    b = x * 2\n    return a - b\n"
    swapped_head = "def f(x):\n    b = x + 1\n    a = x * 2\n    return b - a\n"
    assert same_behaviour(swapped_base, swapped_head) is not None
    # A method (indented, as it is cut out of its class) compares too, a comment at column 0
    # inside it included.
    method = "    def m(self, n):\n# note\n        out = n + self.k\n        return out\n"
    assert same_behaviour(method, method.replace("out", "res")) is not None


@pytest.mark.parametrize(
    ("base", "head"),
    [
        pytest.param(BASE, BASE.replace("earned + principal", "earned - principal"), id="operator"),
        pytest.param(
            "def f(x):\n    a = x + 1\n    b = x * 2\n    return a - b\n",
            "def f(x):\n    b = x + 1\n    a = x * 2\n    return a - b\n",
            id="roles-swapped",
        ),
        pytest.param("def f(a):\n    return a\n", "def f(b):\n    return b\n", id="parameter"),
        pytest.param(
            "def f(a):\n    t = a\n    return t + total\n",
            "def f(a):\n    total = a\n    return total + total\n",
            id="local-renamed-onto-a-global",
        ),
        pytest.param(
            "def f(xs):\n    return [x for x in xs] + [x]\n",
            "def f(xs):\n    return [y for y in xs] + [y]\n",
            id="comprehension-variable-and-global",
        ),
        pytest.param(
            "def f(a):\n    global t\n    t = a\n    return t\n",
            "def f(a):\n    global u\n    u = a\n    return u\n",
            id="global-declared",
        ),
        pytest.param(
            "def f(a):\n    t = a\n    return locals()\n",
            "def f(a):\n    u = a\n    return locals()\n",
            id="locals",
        ),
        pytest.param(
            "def f(a):\n    t = a\n    return f.__doc__\n",
            "def f(a):\n    u = a\n    return f.__doc__\n",
            id="own-docstring-read",
        ),
        pytest.param(
            "def f(a):\n    def g():\n        t = 1\n        return t\n    return g() + a\n",
            "def f(a):\n    def g():\n        u = 1\n        return u\n    return g() + a\n",
            id="nested-function",
        ),
        pytest.param(
            "@cache\ndef f(a):\n    return a\n", "def f(a):\n    return a\n", id="decorator"
        ),
        pytest.param("def f(a=1):\n    return a\n", "def f(a=2):\n    return a\n", id="default"),
        pytest.param(
            "def f():\n    import os as p, sys as q\n    return p.__name__\n",
            "def f():\n    import os as p, sys as q\n    return q.__name__\n",
            id="import-aliases-swapped",
        ),
        pytest.param(
            "def f():\n    err = None\n    try:\n        1 / 0\n"
            "    except Exception as err:\n        pass\n    return err\n",
            "def f():\n    out = None\n    try:\n        1 / 0\n"
            "    except Exception as err:\n        pass\n    return out\n",
            id="except-as-deletes-its-name",
        ),
        pytest.param(
            "def f(v):\n    a = 0\n    b = 0\n    match v:\n        case a:\n"
            "            return b\n",
            "def f(v):\n    b = 0\n    a = 0\n    match v:\n        case a:\n"
            "            return a\n",
            id="match-capture",
        ),
        pytest.param(
            "def f(arg=x):\n    x = 0\n    return arg\n",
            "def f(arg=y):\n    y = 0\n    return arg\n",
            id="default-names-a-global",
        ),
        pytest.param(
            "@deco\ndef f():\n    deco = 1\n    return deco\n",
            "@other\ndef f():\n    other = 1\n    return other\n",
            id="decorator-names-a-global",
        ),
        pytest.param(
            "def f(a: T) -> T:\n    T = 1\n    return T\n",
            "def f(a: U) -> U:\n    U = 1\n    return U\n",
            id="annotations-name-globals",
        ),
        pytest.param(
            "    def m(self):\n        __class__ = 1\n        return super().__repr__()\n",
            "    def m(self):\n        tmp = 1\n        return super().__repr__()\n",
            id="class-cell",
        ),
        pytest.param(
            "    def m(self):\n        __x = 1\n        _C__x = 2\n        return __x\n",
            "    def m(self):\n        a = 1\n        b = 2\n        return a\n",
            id="private-name-mangling",
        ),
        pytest.param(
            'def f():\n    return """x\n    y"""\n',
            '    def f():\n        return """x\n        y"""\n',  # moved into a block
            id="string-literal-margin",
        ),
        pytest.param(
            'def f(a):\n    """>>> f(1)\n    1\n    """\n    return a\n',
            'def f(a):\n    """>>> f(1)\n    2\n    """\n    return a\n',
            id="doctest",
        ),
        pytest.param(
            "def f(a):\n    from inspect import currentframe as cf\n    t = a\n"
            "    return cf().f_locals\n",
            "def f(a):\n    from inspect import currentframe as cf\n    u = a\n"
            "    return cf().f_locals\n",
            id="introspection-imported-under-another-name",
        ),
        pytest.param("", "def f(a):\n    return a\n", id="added"),
        pytest.param("def f(a):\n    return a\n", "def f(a:\n", id="syntax-error"),
    ],
)
def test_changes_the_proof_cannot_see_through_are_checked(base: str, head: str) -> None:
    assert same_behaviour(base, head) is None


def test_check_spends_nothing_on_a_renamed_function(tmp_path: Path) -> None:
    prelude = "from decimal import Decimal\n\nCENT = Decimal('0.01')\n\n\n"
    repo = make_repo(
        tmp_path / "repo",
        {"calc.py": prelude + BASE},
        {"calc.py": prelude + RENAMED},
        title="Tidy interest",
    )
    deps = Deps(runner=ProcessRunner(), rules=load_rules(), cache_dir=tmp_path / "cache")
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="auto"), deps)
    assert [f.function for f in report.changed_functions] == ["interest"]
    assert report.spent.sandbox_runs == 0  # nothing to run: no candidate, no confirmation
    assert not report.findings and not report.unchecked  # no noise; it counts as checked
    assert any("interest: the same code up to renamed local variables" in n for n in report.notes)


def test_a_renamed_function_that_reads_a_changed_binding_is_not_proven_same() -> None:
    base = "GRACE = 5\n\n\ndef late(days):\n    limit = GRACE\n    return days > limit\n"
    renamed = base.replace("limit", "bound")
    found = _changed(base, renamed)
    assert found["late"].equivalent.startswith("the same code up to renamed local variables")
    # The same rename while GRACE changes: the function reads a changed binding.
    found = _changed(base, renamed.replace("GRACE = 5", "GRACE = 6"))
    assert found["late"].equivalent == ""
    # Unchanged itself but reading the changed binding: changed, never "the same".
    found = _changed(base, base.replace("GRACE = 5", "GRACE = 6"))
    assert found["late"].equivalent == ""


def _changed(base: str, head: str) -> dict[str, ChangedFunction]:
    diff = difflib.unified_diff(base.splitlines(True), head.splitlines(True), "a/m", "b/m")
    [change] = parse_diff("".join(diff))
    found, _skipped = changed_functions(base, head, change)
    return {f.function: f for f in found}


def test_check_runs_a_renamed_function_whose_constant_changed(tmp_path: Path) -> None:
    base = (
        "GRACE = 5\n\n\ndef late(days: int) -> bool:\n    limit = GRACE\n    return days > limit\n"
    )
    head = base.replace("limit", "bound").replace("GRACE = 5", "GRACE = 6")
    repo = make_repo(tmp_path / "repo", {"fees.py": base}, {"fees.py": head}, title="Tidy")
    deps = Deps(runner=ProcessRunner(), rules=load_rules(), cache_dir=tmp_path / "cache")
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="quick"), deps)
    assert [(f.kind, f.function) for f in report.findings if f.verified] == [
        ("behavior-change", "late")
    ]
