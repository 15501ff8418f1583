"""Receivers of instance methods: the constructor's arguments as strategy specs (ast only)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine.candidates.differential import drivable
from bot.engine.change.diff import FileChange
from bot.engine.change.functions import changed_functions
from bot.engine.inputs.constructors import receiver_spec
from bot.models import ChangedFunction
from rules import RuleSet, load_rules

BASE = '''from dataclasses import dataclass, field


class Counter:
    """Counts in steps.

    >>> Counter(3, 7).nth(2)
    17
    """

    def __init__(self, start: int, step: int, label="c"):
        self.start = start
        self.step = step

    def nth(self, n: int) -> int:
        return self.start + self.step * n

    @property
    def first(self):
        return self.start

    @classmethod
    def zero(cls, n: int) -> int:
        return n


@dataclass
class Window:
    low: int
    high: int = 10
    seen: list = field(default_factory=list)
    cache: dict = field(init=False)

    def width(self) -> int:
        return self.high - self.low


class Handle:
    def __init__(self, conn: Connection):
        self.conn = conn

    def ping(self) -> int:
        return 1


class Plain:
    def get(self) -> int:
        return 1


class Outer:
    class Inner:
        def get(self) -> int:
            return 1
'''
HEAD = (
    BASE.replace("self.step * n", "self.step * (n - 1)")
    .replace("return self.start\n", "return self.start + 0\n")
    .replace("self.high - self.low", "self.high - self.low - 1")
    .replace("return n\n", "return n + 1\n")
    .replace("return 1\n", "return 2\n")
)
TESTS = """from m import Counter


def test_nth():
    assert Counter(start=10, step=-2).nth(1) == 8
"""


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="module")
def functions() -> dict[str, ChangedFunction]:
    change = FileChange("m.py", "m.py", "modified")
    changed, _ = changed_functions(BASE, HEAD, change)
    return {f.function: f for f in changed}


def _spec(fn: ChangedFunction, rules: RuleSet) -> tuple[dict[str, Any] | None, str | None]:
    sources = {"m.py": HEAD, "tests/test_m.py": TESTS}
    return receiver_spec(fn, HEAD, rules=rules, sources=sources)


def _values(spec: dict[str, Any]) -> list[Any]:
    """The sampled values mixed into a spec."""
    if spec["type"] == "sampled_from":
        return list(spec["values"])
    if spec["type"] == "one_of":
        return [v for option in spec["options"] for v in _values(option)]
    return []


def test_init_parameters_become_the_receiver_args(
    functions: dict[str, ChangedFunction], rules: RuleSet
) -> None:
    fn = functions["Counter.nth"]
    assert drivable(fn) is None
    receiver, why = _spec(fn, rules)
    assert why is None and receiver is not None
    assert receiver["class"] == "Counter"
    args = {a["name"]: a for a in receiver["args"]}
    assert list(args) == ["start", "step", "label"]  # no self
    assert args["start"]["kind"] == "positional_or_keyword"
    # literals harvested for the class: the doctest (positional) and the test (keywords)
    assert {3, 10} <= set(_values(args["start"]["strategy"]))
    assert {7, -2} <= set(_values(args["step"]["strategy"]))
    assert args["label"]["strategy"]["type"] in ("text", "one_of", "sampled_from")


def test_dataclass_fields_become_the_receiver_args(
    functions: dict[str, ChangedFunction], rules: RuleSet
) -> None:
    receiver, why = _spec(functions["Window.width"], rules)
    assert why is None and receiver is not None
    assert [a["name"] for a in receiver["args"]] == ["low", "high", "seen"]  # not init=False


def test_a_class_without_init_takes_no_arguments(
    functions: dict[str, ChangedFunction], rules: RuleSet
) -> None:
    assert _spec(functions["Plain.get"], rules) == ({"class": "Plain", "args": []}, None)


def test_refusals_say_why(functions: dict[str, ChangedFunction], rules: RuleSet) -> None:
    receiver, why = _spec(functions["Handle.ping"], rules)
    assert receiver is None
    assert why is not None and why.startswith("cannot construct Handle: ")
    assert "conn" in why and "Connection" in why
    assert drivable(functions["Counter.first"]) == "property (not a method call)"
    assert drivable(functions["Outer.Inner.get"]) == "instance method of a nested class"


def test_class_methods_need_no_receiver(functions: dict[str, ChangedFunction]) -> None:
    assert drivable(functions["Counter.zero"]) is None


def test_a_class_deriving_from_object_alone_is_built_with_no_arguments() -> None:
    import ast

    from bot.engine.inputs.constructors import constructor_params

    [plain] = ast.parse("class Lexer(object):\n    def tokenize(self, s):\n        return s\n").body
    [other] = ast.parse("class Lexer(Base):\n    pass\n").body
    assert isinstance(plain, ast.ClassDef) and isinstance(other, ast.ClassDef)
    assert constructor_params(plain) == ()
    assert constructor_params(other) is None  # inherited from a class not in this file


def test_a_metaclass_that_does_not_define_call_keeps_the_plain_constructor() -> None:
    import ast

    from bot.engine.inputs.constructors import constructor_params, module_classes

    source = (
        "import abc\n"
        "class Registry(type):\n"
        "    def __init__(cls, name, bases, ns):\n"
        "        cls.table = dict(ns)\n"
        "class Fresh(type):\n"
        "    def __new__(mcs, name, bases, ns):\n"
        "        return Other\n"
        "class Factory(type):\n"
        "    __call__ = lambda cls, *a: 1\n"
        "class Singleton(Factory):\n"
        "    pass\n"
        "class Functions(metaclass=Registry):\n"
        "    def f(self, arg):\n"
        "        return arg\n"
        "class Shape(metaclass=abc.ABCMeta):\n"
        "    pass\n"
    )
    cases = {
        "Registry": (), "abc.ABCMeta": (), "Fresh": None, "Factory": None, "Singleton": None,
        "other.Registry": None, "Elsewhere": None,
    }  # fmt: skip
    for meta, expected in cases.items():
        tree = ast.parse(source + f"class Made(metaclass={meta}):\n    pass\n")
        classes = module_classes(tree)
        assert constructor_params(classes["Made"], classes) == expected, meta
    classes = module_classes(ast.parse(source))
    assert constructor_params(classes["Functions"], classes) == ()
