"""Class hierarchies inside a module: inherited constructors and the subclasses a receiver or an
argument is drawn among (ast only)."""

from __future__ import annotations

import ast

from bot.engine.change.diff import FileChange
from bot.engine.change.functions import changed_functions
from bot.engine.inputs.constructors import ClassResolver, receiver_spec
from bot.engine.inputs.hierarchy import (
    MAX_SUBCLASSES,
    OBJECT,
    constructor_owner,
    defined_classes,
    module_classes,
    subclasses,
)
from bot.models import ChangedFunction
from rules import load_rules

UNITS = """from external import Remote


class Unit:
    def __init__(self, value=0, exact=None):
        self.value = value
        self.factor = self._factor()

    def _factor(self):
        raise NotImplementedError("abstract")

    def scaled(self):
        return self.value * self.factor

    def name(self):
        return "unit"


class Byte(Unit):
    def _factor(self):
        return 1


class KiB(Byte):
    def _factor(self):
        return 1024


class Bit(Unit):
    def _factor(self):
        return 0.125

    def scaled(self):
        return self.value / 8


class Custom(Unit):
    def __init__(self, label):
        super().__init__(1)


class Tagged(Byte, Remote):
    pass


class Plain:
    pass


class Child(Plain):
    def size(self, n: int) -> int:
        return n
"""


def _classes(src: str = UNITS) -> dict[str, ast.ClassDef]:
    return module_classes(ast.parse(src))


def test_the_constructor_is_found_up_the_in_module_chain() -> None:
    classes = _classes()
    assert constructor_owner(classes["KiB"], classes) is classes["Unit"]
    assert constructor_owner(classes["Custom"], classes) is classes["Custom"]
    assert constructor_owner(classes["Child"], classes) == OBJECT
    # a base from another module: its constructor is not known here
    assert constructor_owner(classes["Tagged"], classes) is None


def test_subclasses_inherit_the_method_unchanged_and_the_constructor() -> None:
    classes = _classes()
    # Bit overrides scaled, Custom has its own constructor, Tagged has a foreign base
    assert subclasses(classes["Unit"], classes, "scaled") == ["Byte", "KiB"]
    # children come before grandchildren
    assert subclasses(classes["Unit"], classes, "name") == ["Byte", "Bit", "KiB"]
    assert subclasses(classes["Unit"], classes) == ["Byte", "Bit", "KiB"]
    assert subclasses(classes["Plain"], classes) == ["Child"]


def test_at_most_a_bounded_number_of_subclasses() -> None:
    many = "class Base:\n    pass\n" + "".join(
        f"class C{i}(Base):\n    pass\n" for i in range(MAX_SUBCLASSES + 5)
    )
    classes = _classes(many)
    assert len(subclasses(classes["Base"], classes)) == MAX_SUBCLASSES


def test_defined_classes_tolerates_broken_source() -> None:
    assert defined_classes(UNITS) >= {"Unit", "Byte", "KiB"}
    assert defined_classes("class (:") == frozenset()


def _method(name: str, src: str = UNITS) -> ChangedFunction:
    base = src
    for old, new in (("self.value * self.factor", "self.value"), ("1024", "1000"), ("2\n", "3\n")):
        base = base.replace(old, new)
    changed, _ = changed_functions(base, src, FileChange("units.py", "units.py", "modified"))
    return next(f for f in changed if f.function == name)


def test_a_receiver_of_an_abstract_base_lists_the_subclasses_both_sides_define() -> None:
    rules = load_rules()
    spec, why = receiver_spec(_method("Unit.scaled"), UNITS, rules=rules)
    assert why is None and spec is not None
    assert spec["class"] == "Unit"
    assert [a["name"] for a in spec["args"]] == ["value", "exact"]
    assert spec["subclasses"] == ["Byte", "KiB"]
    # a subclass the base side does not define is never drawn (base would fail to build it)
    base_without_kib = UNITS.replace("class KiB(Byte):", "class Other(Byte):")
    spec, _ = receiver_spec(
        _method("Unit.scaled"), UNITS, rules=rules, base_classes=defined_classes(base_without_kib)
    )
    assert spec is not None and spec["subclasses"] == ["Byte"]


def test_a_method_of_a_subclass_gets_the_inherited_constructor() -> None:
    spec, why = receiver_spec(_method("KiB._factor"), UNITS, rules=load_rules())
    assert why is None and spec is not None
    assert spec["class"] == "KiB"
    assert [a["name"] for a in spec["args"]] == ["value", "exact"]
    assert "subclasses" not in spec
    refused, reason = receiver_spec(_method("Tagged.scaled", UNITS + _TAGGED), UNITS + _TAGGED,
                                    rules=load_rules())  # fmt: skip
    assert refused is None and reason is not None and "inherits its constructor" in reason


_TAGGED = """

class Tagged2(Byte, Remote):
    def scaled(self):
        return 2
""".replace("Tagged2", "Tagged")


def test_instance_arguments_list_subclasses_only_with_the_base_module() -> None:
    sources = {"units.py": UNITS}
    rules = load_rules()
    plain = ClassResolver("units.py", "units", sources, rules).spec("Unit")
    assert plain is not None and "subclasses" not in plain
    both = ClassResolver("units.py", "units", sources, rules, base_sources=sources).spec("Unit")
    assert both is not None and both["subclasses"] == ["Byte", "Bit", "KiB"]
    assert [a["name"] for a in both["args"]] == ["value", "exact"]


OPERATORS = """class Size:
    def __init__(self, n=0):
        self.n = n

    def __floordiv__(self, other):
        if isinstance(other, int):
            return Size(self.n // other)
        return self.n // other.n

    def scale(self, factor):
        return Size(self.n * factor)
"""


def test_the_other_operand_of_an_operator_may_be_an_instance_of_the_class() -> None:
    from bot.engine.inputs.strategies import args_for

    base = OPERATORS.replace("self.n // other.n", "self.n / other.n").replace(
        "* factor", "+ factor"
    )
    changed, _ = changed_functions(base, OPERATORS, FileChange("size.py", "size.py", "modified"))
    by_name = {f.function: f for f in changed}
    classes = ClassResolver("size.py", "size", {"size.py": OPERATORS}, load_rules())
    args, why = args_for(
        by_name["Size.__floordiv__"], rules=load_rules(), module_source=OPERATORS, classes=classes
    )
    assert why == []
    options = args[0]["strategy"]["options"]
    assert options[0]["type"] == "instance" and options[0]["class"] == "Size"
    # an ordinary parameter of an ordinary method is not given the class
    args, _ = args_for(
        by_name["Size.scale"], rules=load_rules(), module_source=OPERATORS, classes=classes
    )
    assert "instance" not in str(args)


def test_callable_parameters_get_builtin_callables() -> None:
    from bot.engine.inputs.strategies import CALLABLE, explain_strategy
    from bot.models import Param

    def spec(name: str, annotation: str | None = None, default: str | None = None) -> object:
        param = Param(
            name=name, annotation=annotation, default=default, kind="positional_or_keyword"
        )
        return explain_strategy(param, roles=load_rules())

    assert spec("parse_float", "Callable[[str], Any]") == CALLABLE
    assert spec("hook", "Callable") == CALLABLE
    assert spec("getsizeof", None, "None") == {
        "type": "one_of",
        "options": [{"type": "none"}, CALLABLE],
    }
    assert spec("choice", None, "random.choice") == CALLABLE
    assert "callable" not in str(spec("angle", None, "math.pi"))  # a value, not a function
    assert "callable" not in str(spec("count", None, "None"))
    assert "callable" not in str(spec("key"))


def test_aliases_imported_under_type_checking_are_resolved() -> None:
    from bot.engine.inputs.strategies import args_for
    from bot.engine.source.imports import ImportMap

    types = "from typing import Any, Callable\nParseFloat = Callable[[str], Any]\nPos = int\n"
    parser = (
        "TYPE_CHECKING = False\nif TYPE_CHECKING:\n    from ._types import ParseFloat, Pos\n\n\n"
        "def parse(src: str, pos: Pos, parse_float: ParseFloat):\n"
        "    return parse_float(src[pos:])\n"
    )
    sources = {"pkg/__init__.py": "", "pkg/_types.py": types, "pkg/_parser.py": parser}
    base = parser.replace("src[pos:]", "src[pos + 1:]")
    change = FileChange("pkg/_parser.py", "pkg/_parser.py", "modified")
    (fn,), _ = changed_functions(base, parser, change)
    imports = ImportMap("pkg/_parser.py", "pkg._parser", sources, None)
    args, why = args_for(fn, rules=load_rules(), module_source=parser, imports=imports)
    assert why == []
    kinds = {a["name"]: a["strategy"] for a in args}
    assert kinds["parse_float"] == {"type": "callable"}
    assert "integers" in str(kinds["pos"])


def test_an_instance_of_the_methods_own_class_and_the_receiver_draw_from_a_shared_pool() -> None:
    from bot.engine.inputs.peers import pool_instances, pooled_args, takes_peer
    from bot.engine.inputs.strategies import args_for

    changed, _ = changed_functions(
        OPERATORS.replace("self.n // other.n", "self.n / other.n"),
        OPERATORS,
        FileChange("size.py", "size.py", "modified"),
    )
    [floordiv] = [f for f in changed if f.function == "Size.__floordiv__"]
    classes = ClassResolver("size.py", "size", {"size.py": OPERATORS}, load_rules())
    args, _ = args_for(floordiv, rules=load_rules(), module_source=OPERATORS, classes=classes)
    assert takes_peer(args, "Size")
    peer = args[0]["strategy"]["options"][0]
    [n] = peer["args"]
    assert n["strategy"]["options"][0] == {"type": "sampled_from", "values": [0, 1, 2]}
    # pooling leaves other classes and argument kinds without a pool alone
    other = {
        "type": "instance",
        "class": "Other",
        "args": [{"name": "x", "strategy": {"type": "none"}}],
    }
    assert pool_instances(other, "Size") == (other, False)
    assert pooled_args([{"name": "x", "strategy": {"type": "none"}}]) == [
        {"name": "x", "strategy": {"type": "none"}}
    ]


FACTORY = '''class Span:
    """A range of ints.

    >>> Span.parse("2-7").width()
    5
    """

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    @classmethod
    def parse(cls, text):
        lo, _, hi = text.partition("-")
        return cls(int(lo), int(hi))

    @classmethod
    def _cached(cls, text):
        return cls(0, 0)

    @classmethod
    def unit(cls):
        return cls(0, 1)

    def width(self):
        return self.hi - self.lo
'''


def test_a_receiver_lists_the_class_factories_with_the_values_their_calls_pass() -> None:
    base = FACTORY.replace("return self.hi - self.lo", "return self.lo - self.hi")
    changed, _ = changed_functions(base, FACTORY, FileChange("span.py", "span.py", "modified"))
    [width] = [f for f in changed if f.function == "Span.width"]
    spec, why = receiver_spec(width, FACTORY, rules=load_rules(), sources={"span.py": FACTORY})
    assert why is None and spec is not None
    # parse (a from_/parse-style classmethod); not _cached (private), not unit (no arguments)
    [parse] = spec["factories"]
    assert parse["name"] == "parse"
    [text] = parse["args"]
    assert text["strategy"]["options"][0] == {"type": "sampled_from", "values": ["2-7"]}
