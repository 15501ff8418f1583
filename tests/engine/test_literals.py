"""bot.engine.source.literals: literal arguments from call sites, and constants a function reads."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal
from fractions import Fraction

from bot.engine.source.literals import LITERAL_NAMES, constants_near, harvest_literals, is_test_path
from bot.models import ChangedFunction, Param

COMPOUND = (
    Param("principal", "Decimal"),
    Param("rate", "Decimal"),
    Param("periods", "int", "1"),
    Param("extra", kind="var_positional"),
    Param("mode", kind="keyword_only"),
)

SOURCES = {
    "ledger/report.py": textwrap.dedent(
        """
        import decimal
        from ledger.interest import compound

        def run(p, r):
            compound(decimal.Decimal("9.99"), r, periods=12)
            compound(p, r, 3, 4, 5, mode="simple", unknown=1)
            return compound(*p)
        """
    ),
    "tests/test_interest.py": textwrap.dedent(
        """
        from decimal import Decimal
        from ledger import interest

        def test_one():
            assert interest.compound(Decimal("1.00"), Decimal("0.5"), 1) == Decimal("1.50")
            assert interest.compound(Decimal("1.00"), -0.5, periods=0)
            interest.compound(principal=100, rate=0.05, periods=(1, 2), mode=None)
            interest.compound(f"{x}", rate=x + 1, periods=len(y))
        """
    ),
    "tests/test_broken.py": "def test(:\n    compound(1, 2)\n",
    "unrelated.py": "x = 1\n",
}

NAMESPACE = {
    "Decimal": Decimal,
    "Fraction": Fraction,
    "date": datetime.date,
    "datetime": datetime.datetime,
    "time": datetime.time,
    "timedelta": datetime.timedelta,
}


def test_harvest_maps_positional_and_keyword_arguments_tests_first() -> None:
    assert harvest_literals(SOURCES, "compound", COMPOUND) == {
        "principal": ["Decimal('1.00')", "100", "Decimal('9.99')"],
        "rate": ["Decimal('0.5')", "-0.5", "0.05"],
        "periods": ["1", "0", "(1, 2)", "12", "3"],
        "extra": ["4", "5"],
        "mode": ["None", "'simple'"],
    }


def test_harvested_literals_evaluate_with_only_the_literal_names() -> None:
    assert set(NAMESPACE) == LITERAL_NAMES
    sources = {
        "t.py": "f(date(2024, 2, 29), timedelta(days=-3), [Fraction('1/3'), b'x', 1e400, 2j])\n"
    }
    found = harvest_literals(sources, "f", [Param("a"), Param("b"), Param("c")])
    assert found == {
        "a": ["date(2024, 2, 29)"],
        "b": ["timedelta(days=-3)"],
        "c": ["[Fraction('1/3'), b'x', 1e309, 2j]"],
    }
    for values in found.values():
        for value in values:
            eval(value, {"__builtins__": {}}, NAMESPACE)


def test_unsafe_arguments_are_left_out() -> None:
    source = "f(open('x'), Decimal(y), lambda: 1, {'a': 1}, ..., -x, (1, g()))\n"
    found = harvest_literals({"m.py": source}, "f", [Param(f"p{i}") for i in range(7)])
    assert found == {}


def test_methods_skip_the_implicit_self() -> None:
    params = (Param("self"), Param("amount"))
    sources = {
        "a.py": "ledger.post(5)\nLedger.post(ledger, 6)\nLEDGER.post(7)\npost(8)\n",
    }
    assert harvest_literals(sources, "Ledger.post", params) == {"amount": ["5", "6", "7"]}


def test_cap_and_deduplication() -> None:
    sources = {"m.py": "".join(f"f({i % 30})\nf('{i % 30}')\n" for i in range(100))}
    found = harvest_literals(sources, "f", [Param("x")], cap=5)
    assert found == {"x": ["0", "'0'", "1", "'1'", "2"]}


def test_is_test_path() -> None:
    assert is_test_path("tests/unit/x.py") and is_test_path("pkg/test_x.py")
    assert is_test_path("pkg/x_test.py") and is_test_path("conftest.py")
    assert not is_test_path("pkg/contest.py") and not is_test_path("tests.py")


MODULE = textwrap.dedent(
    """
    from datetime import timedelta
    from decimal import Decimal
    from ledger.config import IMPORTED

    GRACE_DAYS = 5
    HOUR: int = 60 * 60
    NEG = -(1 + 2)
    RATE = decimal.Decimal("0.05")
    WINDOW = timedelta(days=3)
    NAME = "grace"
    LATER = 1
    LATER = compute()
    UNUSED = 7

    class Ledger:
        LIMIT = 10

        @staticmethod
        def late(days, now):
            if days <= GRACE_DAYS and days < Ledger.LIMIT + HOUR:
                return NEG, RATE, WINDOW, NAME, LATER, IMPORTED
            return days

    def free(x):
        return x > GRACE_DAYS
    """
)


def test_constants_near_a_method() -> None:
    late = ChangedFunction(
        path="m.py",
        function="Ledger.late",
        start_line=19,
        end_line=23,
        status="modified",
        is_method=True,
        class_name="Ledger",
    )
    assert constants_near(late, MODULE) == {
        "GRACE_DAYS": "5",
        "Ledger.LIMIT": "10",
        "HOUR": "60 * 60",
        "NEG": "-(1 + 2)",
        "RATE": "Decimal('0.05')",
        "WINDOW": "timedelta(days=3)",
    }


def test_constants_near_falls_back_to_the_function_source() -> None:
    free = ChangedFunction(
        path="m.py",
        function="free",
        start_line=999,
        end_line=1000,
        status="modified",
        head_source="    def free(x):\n        return x > GRACE_DAYS\n",
    )
    assert constants_near(free, MODULE) == {"GRACE_DAYS": "5"}
    assert constants_near(free, "def broken(:\n") == {}


def test_doctest_examples_are_call_sites_too() -> None:
    from bot.engine.source.literals import doctest_examples

    source = '''
def validate(number):
    """Check it.

    >>> validate('978-9024538270')
    '9789024538270'
    >>> validate(
    ...     '1234')
    Traceback (most recent call last):
    """
'''
    assert doctest_examples(source) == ["validate('978-9024538270')", "validate(\n    '1234')"]
    found = harvest_literals({"isbn.py": source}, "validate", (Param("number"),))
    assert found == {"number": ["'978-9024538270'", "'1234'"]}


ISBN = '''
def compact(number):
    """
    >>> compact('1-85798-218-5')
    """
    return number


def validate(number, convert=False):
    """
    >>> validate('978-9024538270')
    """
    return compact(number)


def format(number, separator='-'):
    return number
'''


def test_own_file_first_then_siblings_with_the_same_parameter() -> None:
    from bot.engine.source.literals import sibling_literals

    sources = {
        "stdnum/isbn.py": ISBN,
        "stdnum/aaa.py": "def validate(number):\n    '''\n    >>> validate('AAA')\n    '''\n",
        "tests/test_isbn.py": "from stdnum import isbn\nisbn.format('9780471117094')\n",
        "tests/test_other.py": "format('not-this-module')\n",
    }
    params = (Param("number"), Param("convert", default="False"))
    own = harvest_literals(sources, "validate", params, prefer="stdnum/isbn.py")
    assert own["number"][0] == "'978-9024538270'"  # the module's own doctest before aaa.py's
    fn = ChangedFunction("stdnum/isbn.py", "validate", 9, 13, "modified", params=params)
    siblings = sibling_literals(fn, ISBN, sources)
    # compact's doctest and a test naming the module; not a test of another module
    assert siblings == {"number": ["'1-85798-218-5'", "'9780471117094'"]}


def test_numbers_reaching_a_changed_line_through_locals_and_defaults() -> None:
    """``base = 1024 if binary else 1000`` then a changed ``<= base``: the witness is ``base``."""
    from bot.engine.source.literals import constants_near
    from bot.models import ChangedFunction

    src = (
        "def naturalsize(value, binary=False, limit=10, unit=3):\n"
        "    base = 1024 if binary else 1000\n"
        "    other = 7\n"
        "    if abs(value) <= base:\n"
        "        return 'bytes'\n"
        "    if abs(value) > limit:\n"
        "        return 'big'\n"
        "    return str(other + unit)\n"
    )
    fn = ChangedFunction("m.py", "naturalsize", 1, 8, "modified", changed_lines=(4, 6))
    found = constants_near(fn, src)
    assert sorted(found.values()) == ["10", "1000", "1024"]  # not 7 or 3: they reach no change
    unchanged = ChangedFunction("m.py", "naturalsize", 1, 8, "modified")
    assert constants_near(unchanged, src) == {}
