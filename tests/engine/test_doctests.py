"""Docstring examples as checks: which docstrings reach a function (pure), and the runs of them
for a change and for a scan over real git repositories (process backend)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.engine.candidates import generators
from bot.engine.candidates.doctest_runner import MARK
from bot.engine.candidates.doctests import Documented, clean, doctest_evidence, not_a_value
from bot.engine.pipeline import CheckRequest, Deps, check
from bot.engine.scan import ScanRequest, scan
from bot.engine.source.doctests import docs_for, documented, examples, render
from bot.models import ChangedFunction
from rules.loader import load_rules
from sandbox.process_runner import ProcessRunner
from sandbox.results import CandidateResult, Outcome, Status
from tests.fakes.gitrepos import make_repo

WORDS = '''"""Plurals.

>>> pluralize("box")
'boxes'
"""


def _suffix(word):
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return "es"
    return "s"


def pluralize(word):
    """The plural of an English noun.

    >>> pluralize("cat")
    'cats'
    >>> pluralize("church")
    'churches'
    """
    return word + _suffix(word)


def shout(word):
    """Upper case.

    >>> shout("hey")
    'HEY'
    """
    return word.upper()


class Counter:
    """A tally.

    >>> c = Counter()
    >>> c.add(2)
    2
    """

    def __init__(self):
        self.n = 0

    def add(self, k):
        """Add k.

        >>> Counter().add(3)
        3
        """
        self.n += k
        return self.n
'''


def test_documented_finds_module_class_method_and_function_docstrings() -> None:
    docs = documented(WORDS)
    assert sorted(docs) == ["", "Counter", "Counter.add", "pluralize", "shout"]
    assert docs["pluralize"].line == 15
    assert examples(docs["pluralize"].text) == [
        ('pluralize("cat")\n', "'cats'\n"),
        ('pluralize("church")\n', "'churches'\n"),
    ]
    assert documented("def f(:\n") == {}


def test_docs_for_reaches_a_private_helper_through_its_callers() -> None:
    # _suffix has no docstring: pluralize's (its caller) and the module's (it names pluralize)
    assert [d.owner for d in docs_for(WORDS, "_suffix")] == ["pluralize"]
    assert [d.owner for d in docs_for(WORDS, "pluralize")] == ["pluralize", ""]
    assert [d.owner for d in docs_for(WORDS, "Counter.add")] == ["Counter.add", "Counter"]
    assert docs_for(WORDS, "shout") == [documented(WORDS)["shout"]]
    assert docs_for("def f():\n    return 1\n", "f") == []


def test_render_writes_examples_back_as_docstring_text() -> None:
    pairs = [("x = [1,\n     2]\n", ""), ("x\n", "[1, 2]\n")]
    assert render(pairs) == ">>> x = [1,\n...      2]\n>>> x\n[1, 2]\n"
    assert examples(render(pairs)) == pairs


@pytest.mark.parametrize(
    ("want", "got", "prose"),
    [
        ("", "True", True),  # a statement shown without its output
        ("u'caf\u00e9'", "'caf\u00e9'", True),  # a Python 2-era repr
        ("KiB(1024.0)", "1024.0 KiB", True),  # print vs repr: the same words
        ("URIBuilder(scheme='https')", "URIBuilder(scheme=https)", True),
        ('{"on": true, "x": null}', "{'on': True, 'x': None}", True),  # JSON for a dict
        ("{'on': True}", "{'on': False}", False),
        ("{printsql}SELECT x FROM t", "SELECT x FROM t", True),  # a Sphinx output marker
        ("1", "True", True),  # doctest once accepted True for 1
        ("'boxes'", "'boxs'", False),  # a value
        ("42", "41", False),
        ("[1, 2]", "[1, 2, 3]", False),
    ],
)
def test_not_a_value_tells_presentation_from_values(want: str, got: str, prose: bool) -> None:
    assert not_a_value(want, got) is prose


@pytest.fixture
def deps(tmp_path: Path) -> Deps:
    return Deps(
        runner=ProcessRunner(),
        rules=load_rules(),
        cache_dir=tmp_path / "cache",
        generators=generators(["doctests"]),  # only the docstrings: nothing else can find it
    )


def test_a_helper_regression_is_found_by_its_callers_docstring(tmp_path: Path, deps: Deps) -> None:
    head = WORDS.replace('        return "es"', '        return "s"')
    repo = make_repo(tmp_path / "r", {"words.py": WORDS}, {"words.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="standard"), deps)
    [finding] = [f for f in report.findings if f.verified]
    assert (finding.kind, finding.function, finding.sources) == ("defect", "_suffix", ("doctest",))
    assert "docstring example" in finding.title
    assert finding.witness is not None
    assert finding.witness.call in ('pluralize("church")', 'pluralize("box")')
    assert finding.witness.head in ("'churchs'", "'boxs'")
    # the reproducing test is a real doctest run: it fails on head and passes on base
    assert "doctest.DocTestParser()" in finding.witness.test


def test_an_intended_change_with_its_docstring_updated_is_not_a_finding(
    tmp_path: Path, deps: Deps
) -> None:
    head = WORDS.replace("return word.upper()", 'return word.upper() + "!"').replace(
        "    'HEY'\n", "    'HEY!'\n"
    )
    repo = make_repo(tmp_path / "r", {"words.py": WORDS}, {"words.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="standard"), deps)
    assert [f for f in report.findings if f.verified] == []


def test_a_docstring_base_already_fails_is_not_blamed_on_the_change(
    tmp_path: Path, deps: Deps
) -> None:
    stale = WORDS.replace("    'HEY'\n", "    'Hey'\n")  # wrong before the PR
    head = stale.replace("return word.upper()", "return word.upper().strip()")
    repo = make_repo(tmp_path / "r", {"words.py": stale}, {"words.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="standard"), deps)
    assert [f for f in report.findings if f.verified] == []


def _scan_deps(tmp_path: Path) -> Deps:
    return Deps(runner=ProcessRunner(), rules=load_rules(), cache_dir=tmp_path / "cache")


def test_scan_reports_a_function_its_own_example_contradicts(tmp_path: Path) -> None:
    buggy = WORDS.replace("return word.upper()", "return word.lower()")
    repo = make_repo(tmp_path / "r", {"words.py": WORDS}, {"words.py": buggy})
    report = scan(ScanRequest(repo=repo), _scan_deps(tmp_path))
    [finding] = [f for f in report.findings if f.verified]
    assert (finding.function, finding.sources) == ("shout", ("doctest",))
    assert "`'HEY'`" in finding.message and "`'hey'`" in finding.message
    assert {"pluralize", "shout", "Counter.add"} <= {f.function for f in report.changed_functions}


def test_scan_of_a_clean_tree_and_of_prose_examples_is_quiet(tmp_path: Path) -> None:
    # examples nobody runs: an output left out, a Python 2 repr, a name from elsewhere
    prose = WORDS.replace("    'cats'\n", "    u'cats'\n").replace(
        "    >>> shout(\"hey\")\n    'HEY'\n", '    >>> shout("hey") == "HEY"\n'
    )
    prose += '\n\ndef loud(word):\n    """>>> loud(WORD)\n    \'X\'\n    """\n    return word\n'
    for n, tree in enumerate((WORDS, prose)):
        repo = make_repo(tmp_path / f"r{n}", {"words.py": tree}, {"README": "x\n"})
        report = scan(ScanRequest(repo=repo), _scan_deps(tmp_path))
        assert [f for f in report.findings if f.verified] == [], n


def test_a_special_method_is_reached_through_its_class_docstring() -> None:
    money = '''class Money:
    """Cents.

    >>> Money(150) + Money(275)
    Money(425)
    """

    def __init__(self, cents):
        self.cents = cents

    def __add__(self, other):
        return Money(self.cents + other.cents)
'''
    assert [d.owner for d in docs_for(money, "Money.__init__")] == ["Money"]
    assert [d.owner for d in docs_for(money, "Money.__add__")] == ["Money"]


def _result(message: str, *, base: bool = True) -> CandidateResult:
    rec = {"nodeid": "test_deepcheck_doctests.py::test_docstring_examples[d0]"}
    sides = {
        "head": Outcome(Status.FAILED, tests=({**rec, "outcome": "failed", "message": message},))
    }
    if base:
        sides["base"] = Outcome(Status.PASSED, tests=({**rec, "outcome": "passed"},))
    return CandidateResult("doctests-standard", "pytest", sides)


def _item() -> Documented:
    fn = ChangedFunction("words.py", "shout", 25, 31, "modified")
    return Documented(documented(WORDS)["shout"], "words", fn)


def test_only_the_failing_index_and_output_come_from_the_sandbox() -> None:
    report = {"index": 0, "got": "'hey'", "raised": "", "call": "rm(everything)", "want": "None"}
    [ev] = doctest_evidence(_result(MARK + json.dumps(report)), [_item()])
    # the example and its documented output are read from base's docstring, not the report
    assert ev.witness is not None
    assert (ev.witness["call"], ev.witness["base"], ev.witness["head"]) == (
        'shout("hey")',
        "'HEY'",
        "'hey'",
    )
    assert "rm(everything)" not in ev.detail and ev.test_source is not None
    assert ev.witness["test_id"] == "test_docstring_example_of_shout"
    assert f"def {ev.witness['test_id']}():" in ev.test_source
    # a forged or broken report is no evidence (and no crash)
    for bad in (
        '{"index": "x"}',
        '{"index": 7}',
        '{"index": 0',
        "[0]",
        '{"index": 0.0}',
        "[" * 5000,
    ):
        assert doctest_evidence(_result(MARK + bad), [_item()]) == []
    # out of memory is the sandbox's limit, not the function's answer
    oom = {"index": 0, "got": "MemoryError", "raised": "MemoryError", "kind": "resource"}
    assert doctest_evidence(_result(MARK + json.dumps(oom)), [_item()]) == []
    # a change's failure counts only when base passed
    assert doctest_evidence(_result(MARK + json.dumps(report), base=False), [_item()]) == []


def test_output_from_the_code_is_shown_escaped() -> None:
    assert clean("ok\x1b]0;pwned\x07\x00\ud800\n\tx") == "ok\\x1b]0;pwned\\x07\\x00\\ud800\n\tx"
    got = {"index": 0, "got": "\x1b[31m`hey`\ud800", "raised": ""}
    [ev] = doctest_evidence(_result(MARK + json.dumps(got)), [_item()])
    assert "\x1b" not in ev.detail and "\ud800" not in ev.detail
    ev.detail.encode("utf-8")  # printable in every format
    assert "``" not in ev.detail.replace("`'HEY'`", "")  # no backtick from the code survives


STATEFUL = '''ITEMS = []


def add(name):
    """Add a name; its index.

    >>> add("a")
    0
    """
    ITEMS.append(name)
    return len(ITEMS) - 1


def names():
    """The names so far.

    >>> names()
    ['a']
    """
    return list(ITEMS)


class Span(tuple):
    pass


def span(a, b):
    """The span.

    >>> span(1, 3)
    (1, 3)
    """
    return (a, b)


def counts(text):
    """Letter counts.

    >>> counts("aab")
    {'a': 2, 'b': 1}
    """
    out = {}
    for ch in text:
        out[ch] = out.get(ch, 0) + 1
    return out
'''


def test_state_left_by_other_docstrings_and_reprinted_values_are_not_defects(
    tmp_path: Path, deps: Deps
) -> None:
    head = (
        STATEFUL.replace("return len(ITEMS) - 1", "return len(ITEMS)")  # a real regression
        .replace("return list(ITEMS)", "return [n for n in ITEMS]")  # a refactor
        .replace("return (a, b)", "return Span((a, b))")  # the same value, printed otherwise
        .replace(
            "    out = {}\n    for ch in text:\n        out[ch] = out.get(ch, 0) + 1\n",
            "    out = {ch: text.count(ch) for ch in sorted(set(text), reverse=True)}\n",
        )
    )
    repo = make_repo(tmp_path / "r", {"items.py": STATEFUL}, {"items.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="standard"), deps)
    assert [(f.function, f.kind) for f in report.findings if f.verified] == [("add", "defect")]


def test_an_example_the_change_added_does_not_hide_the_ones_it_kept(
    tmp_path: Path, deps: Deps
) -> None:
    head = WORDS.replace('        return "es"', '        return "s"').replace(
        "    'churches'\n", "    'churches'\n    >>> pluralize('dog')\n    'dogs'\n"
    )
    repo = make_repo(tmp_path / "r", {"words.py": WORDS}, {"words.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="standard"), deps)
    assert [f.function for f in report.findings if f.verified] == ["_suffix"]


COUNTS = '''"""Tallies.

>>> tally("aab")
{'b': 1, 'a': 2}
"""


def tally(text):
    """Counts by letter (base prints them in another order than documented).

    >>> tally("abb")
    {'b': 2, 'a': 1}
    """
    out = {}
    for ch in text:
        out[ch] = out.get(ch, 0) + 1
    return out


def positive(n):
    """1 for a positive number.

    >>> positive(5)
    1
    """
    return 1 if n > 0 else 0


def first(items):
    """The first item.

    >>> first([3, 4])
    3
    """
    return items[0]
'''


ADDED = "    >>> first([])\n    Traceback (most recent call last):\n    IndexError: list index\n"


def test_values_are_compared_strictly_and_confirmed_with_the_same_checker(
    tmp_path: Path, deps: Deps
) -> None:
    head = (
        COUNTS.replace("out[ch] = out.get(ch, 0) + 1", "out[ch] = 1")  # breaks the count
        .replace("return 1 if n > 0 else 0", "return n > 0")  # True is not the documented 1
        .replace("    >>> first([3, 4])\n", ADDED + "    >>> first([3, 4])\n")  # added first
        .replace("return items[0]", "return items[-1]")
    )
    repo = make_repo(tmp_path / "r", {"tally.py": COUNTS}, {"tally.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="standard"), deps)
    found = {f.function for f in report.findings if f.verified and f.kind == "defect"}
    assert found == {"tally", "positive", "first"}


def test_a_module_docstring_failure_is_blamed_on_the_function_it_calls(
    tmp_path: Path, deps: Deps
) -> None:
    base = '''"""Loud and quiet.

>>> shout("a")
'A'
>>> whisper("B")
'b'
"""


def shout(word):
    return word.upper()


def whisper(word):
    return word.lower()
'''
    head = base.replace("return word.upper()", "return str.upper(word)").replace(
        "return word.lower()", "return word"
    )
    repo = make_repo(tmp_path / "r", {"loud.py": base}, {"loud.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main", tier="standard"), deps)
    assert [f.function for f in report.findings if f.verified] == ["whisper"]


def test_scan_ignores_examples_that_are_not_python_or_need_the_environment(
    tmp_path: Path,
) -> None:
    tree = {
        "prose.py": '''def pull(name):
    """Pull an image.

    >>> client.pull name
    ok
    """
    return name
''',
        "env.py": '''class DaemonError(Exception):
    pass


def connect():
    """Connect to the daemon.

    >>> connect()
    'connected'
    """
    raise DaemonError("no daemon")


def head(items):
    """The first.

    >>> head([1])
    1
    """
    return items[0]
''',
    }
    repo = make_repo(tmp_path / "r", tree, {"README": "x\n"})
    report = scan(ScanRequest(repo=repo), _scan_deps(tmp_path))
    assert [f for f in report.findings if f.verified] == []
    broken = {**tree, "env.py": tree["env.py"].replace("items[0]", "items[1]")}
    repo = make_repo(tmp_path / "r2", broken, {"README": "x\n"})
    report = scan(ScanRequest(repo=repo), _scan_deps(tmp_path))
    assert [f.function for f in report.findings if f.verified] == ["head"]  # an IndexError
