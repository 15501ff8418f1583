"""Witness tests are valid Python that asserts base behaviour (so they fail on head)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from bot.engine.verdict.evidence import Evidence
from bot.engine.verdict.findings import confirmations, confirmed
from bot.engine.verdict.witness import build_test, python_literals
from bot.models import ChangedFunction
from sandbox.results import CandidateResult, Outcome, Status


def make(base_value: object, base_repr: str, call: str = "f(x=1)", module: str = "pkg.mod") -> str:
    return build_test(
        module=module, qualname="f", call=call, base_value=base_value,
        base_repr=base_repr, head_repr="2", finding_id="0123456789abcdef",
    ).source  # fmt: skip


def test_value_is_asserted_with_needed_imports() -> None:
    src = make({"$": "decimal", "v": "1.50"}, "Decimal('1.50')")
    ast.parse(src)
    assert "from decimal import Decimal" in src
    assert "from pkg.mod import f" in src
    assert "assert f(x=1) == Decimal('1.50')" in src


def test_builtin_exception_uses_pytest_raises() -> None:
    src = make({"$": "raised", "type": "ValueError", "module": "builtins"}, "ValueError('x')")
    ast.parse(src)
    assert "with pytest.raises(ValueError):" in src


def test_custom_exception_is_imported_from_its_module() -> None:
    src = make({"$": "raised", "type": "LedgerError", "module": "pkg.errors"}, "LedgerError()")
    assert "from pkg.errors import LedgerError" in src


def test_nan_and_unrepresentable_values() -> None:
    assert "math.isnan(f(x=1))" in make({"$": "float", "v": "nan"}, "nan")
    src = make({"$": "object", "type": "pkg.Obj"}, "<Obj 1>")
    assert "assert repr(f(x=1)) == '<Obj 1>'" in src


def test_bare_float_reprs_become_python() -> None:
    assert python_literals("f(x=nan, y=-inf, name='inf')") == (
        "f(x=float('nan'), y=-float('inf'), name='inf')"
    )


def _result(base: Status, head: Status) -> CandidateResult:
    return CandidateResult("c", "pytest", sides={"base": Outcome(base), "head": Outcome(head)})


def test_confirmed_only_when_base_passes_and_head_fails() -> None:
    assert confirmed(_result(Status.PASSED, Status.FAILED)) is True
    assert confirmed(_result(Status.PASSED, Status.PASSED)) is False
    assert confirmed(_result(Status.FAILED, Status.FAILED)) is False
    assert confirmed(_result(Status.INFRASTRUCTURE, Status.FAILED)) is None
    assert confirmed(None) is None
    assert confirmed(_result(Status.PASSED, Status.FAILED), head_only=True) is True


def test_instance_method_witness_constructs_the_receiver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    test = build_test(
        module="counters",
        qualname="Counter.nth",
        call="Counter(start=0, step=1).nth(n=0)",
        base_value=0,
        base_repr="0",
        head_repr="-1",
        finding_id="0123456789abcdef",
    )
    assert "from counters import Counter" in test.source
    assert "assert Counter(start=0, step=1).nth(n=0) == 0" in test.source
    assert test.name.startswith("test_counter_nth_")
    body = (
        "class Counter:\n"
        "    def __init__(self, start, step):\n"
        "        self.start, self.step = start, step\n\n"
    )
    base = body + "    def nth(self, n):\n        return self.start + self.step * n\n"
    head = body + "    def nth(self, n):\n        return self.start + self.step * (n - 1)\n"
    for side, source in (("base", base), ("head", head)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "counters.py").write_text(source, encoding="utf-8")
    for side, passes in (("base", True), ("head", False)):
        monkeypatch.syspath_prepend(str(tmp_path / side))
        monkeypatch.delitem(sys.modules, "counters", raising=False)
        namespace: dict[str, object] = {}
        exec(compile(test.source, "witness", "exec"), namespace)
        try:
            namespace[test.name]()  # type: ignore[operator]
        except AssertionError:
            assert not passes, side
        else:
            assert passes, side
        monkeypatch.undo()


def test_invariant_test_of_an_instance_method_calls_it_on_the_receiver() -> None:
    fn = ChangedFunction("counters.py", "Counter.nth", 1, 5, "modified", is_method=True)
    ev = Evidence(
        "invariant",
        fn,
        "violation",
        anchor="linear",
        witness={"call": "Counter(start=0, step=1).nth(n=0)", "base": "0", "head": "-1"},
        rule={"id": "linear", "check": "call(n=args['n'] + 1) - result == 1"},
        module="counters",
    )
    [conf] = confirmations([ev])
    ast.parse(conf.test_source)
    assert "from counters import Counter" in conf.test_source
    assert "args = {'n': 0}" in conf.test_source
    assert "return Counter(start=0, step=1).nth(**{**args, **overrides})" in conf.test_source


def test_qualified_exception_type_from_the_codec_is_imported_from_its_module() -> None:
    src = make(
        {"$": "raised", "type": "stdnum.exceptions.InvalidChecksum"}, "Raised(...)",
        module="stdnum.isbn",
    )  # fmt: skip
    assert "from stdnum.exceptions import InvalidChecksum" in src
    assert "with pytest.raises(InvalidChecksum):" in src
    builtin = make({"$": "raised", "type": "ZeroDivisionError"}, "Raised('ZeroDivisionError')")
    assert "with pytest.raises(ZeroDivisionError):" in builtin
    assert "from builtins" not in builtin


def test_exception_of_another_package_is_matched_by_name() -> None:
    # _pydecimal raises classes whose __module__ is "decimal": importing decimal's would differ.
    src = build_test(
        module="pystd._pydecimal", qualname="Decimal.rotate",
        call="Decimal(value='0').rotate(other=29)",
        base_value={"$": "raised", "type": "decimal.InvalidOperation"},
        base_repr="Raised('decimal.InvalidOperation')", head_repr="Decimal('0')",
        finding_id="0123456789abcdef",
    ).source  # fmt: skip
    ast.parse(src)
    assert "from decimal import" not in src  # neither the exception nor a shadowing Decimal
    assert "from pystd._pydecimal import Decimal" in src
    assert "with pytest.raises(Exception) as raised:" in src
    assert "assert type(raised.value).__name__ == 'InvalidOperation'" in src


def test_exception_subclass_on_head_fails_the_test() -> None:
    # stdnum's InvalidLength subclasses InvalidFormat: pytest.raises alone would pass on head.
    src = build_test(
        module="stdnum.isbn", qualname="validate", call="validate(number='12')",
        base_value={"$": "raised", "type": "stdnum.exceptions.InvalidFormat"},
        head_value={"$": "raised", "type": "stdnum.exceptions.InvalidLength"},
        base_repr="Raised(...)", head_repr="Raised(...)", finding_id="0123456789abcdef",
    ).source  # fmt: skip
    assert "with pytest.raises(InvalidFormat) as raised:" in src
    assert "assert type(raised.value) is InvalidFormat" in src


def test_equal_values_of_another_type_are_told_apart() -> None:
    src = build_test(
        module="pkg.mod", qualname="floor", call="floor(x=16)", base_value=16,
        head_value={"$": "float", "v": "16.0"}, base_repr="16", head_repr="16.0",
        finding_id="0123456789abcdef",
    ).source  # fmt: skip
    ast.parse(src)
    assert "    result = floor(x=16)\n    assert result == 16\n" in src
    assert "assert type(result).__name__ == 'int'" in src
    same = build_test(
        module="pkg.mod", qualname="floor", call="floor(x=16)", base_value=16, head_value=17,
        base_repr="16", head_repr="17", finding_id="0123456789abcdef",
    ).source  # fmt: skip
    assert "assert floor(x=16) == 16" in same


def test_object_results_are_asserted_by_type_and_attributes() -> None:
    base = {"$": "object", "type": "pkg.fractions.Fraction",
            "state": {"$": "dict", "v": [["_numerator", 1], ["_denominator", 1],
                                         ["_cache", {"$": "object", "type": "x.Y"}]]}}  # fmt: skip
    src = build_test(
        module="pkg.fractions", qualname="Fraction.limit_denominator",
        call="Fraction(1, 2).limit_denominator(max_denominator=1)", base_value=base,
        head_value={"$": "raised", "type": "builtins.ZeroDivisionError"},
        base_repr="Fraction(_numerator=1, _denominator=1)", head_repr="Raised(...)",
        finding_id="0123456789abcdef",
    ).source  # fmt: skip
    ast.parse(src)
    assert "assert type(result).__name__ == 'Fraction'" in src
    assert "assert result._numerator == 1\n    assert result._denominator == 1\n" in src
    assert "_cache" not in src  # no source for it: not asserted
    assert "repr(" not in src  # the harness's rendering is not the object's repr


def test_generator_results_are_asserted_by_what_they_yield() -> None:
    base = {"$": "iterated", "type": "generator", "v": [1, {"$": "decimal", "v": "2.50"}]}
    src = build_test(
        module="pkg.sched", qualname="schedule", call="schedule(n=2)", base_value=base,
        head_value={"$": "iterated", "type": "generator", "v": [1]},
        base_repr="<generator yielding [1, Decimal('2.50')]>", head_repr="<generator ...>",
        finding_id="0123456789abcdef",
    ).source  # fmt: skip
    ast.parse(src)
    assert "assert list(itertools.islice(schedule(n=2), 1000)) == [1, Decimal('2.50')]" in src
    assert "import itertools" in src
    assert "from decimal import Decimal" in src
    as_list = build_test(
        module="pkg.sched", qualname="schedule", call="schedule(n=2)", base_value=base,
        head_value=[1, {"$": "decimal", "v": "2.50"}], base_repr="<...>", head_repr="[...]",
        finding_id="0123456789abcdef",
    ).source  # fmt: skip
    assert "assert type(result).__name__ == 'generator'" in as_list


def test_witness_tests_stay_valid_python_for_odd_names_and_subclasses() -> None:
    state = {"$": "object", "type": "m.Row",
             "state": {"$": "dict", "v": [["from", 1], ["size", 2]]}}  # fmt: skip
    src = build_test(
        module="pkg.mod", qualname="result", call="result(x=1)", base_value=state,
        head_value=None, base_repr="Row(...)", head_repr="Row(...)",
        finding_id="0123456789abcdef",
    ).source  # fmt: skip
    ast.parse(src)
    assert "outcome = result(x=1)" in src  # never shadows the function under test
    assert ".from" not in src and "assert outcome.size == 2" in src
    # a tuple against a NamedTuple of equal items: no type assertion (a subclass)
    tup = build_test(
        module="pkg.mod", qualname="midpoint", call="midpoint(a=1)",
        base_value={"$": "tuple", "v": [1, 1]}, head_value={"$": "object", "type": "m.Point"},
        base_repr="(1, 1)", head_repr="Point(x=1, y=1)", finding_id="0123456789abcdef",
    ).source  # fmt: skip
    assert "__name__" not in tup and "assert midpoint(a=1) == (1, 1)" in tup


def _state_test(base_value: object, attrs: dict[str, object]) -> str:
    state = {
        "attributes": sorted(attrs),
        "receiver": "Purse(cash=0)",
        "method": "spend(amount=4)",
        "base": attrs,
        "head": {k: None for k in attrs},
    }
    return build_test(
        module="pkg.mod", qualname="Purse.spend", call="Purse(cash=0).spend(amount=4)",
        base_value=base_value, base_repr="None; after the call self.cash == -4",
        head_repr="None; after the call self.cash == -5", finding_id="0123456789abcdef",
        state=state,
    ).source  # fmt: skip


def test_a_state_witness_builds_the_receiver_calls_and_asserts_the_attributes(
    tmp_path: Path,
) -> None:
    src = _state_test(None, {"cash": -4, "seen": {"$": "dict", "v": [["a", 1]]}})
    assert "obj = Purse(cash=0)\n    obj.spend(amount=4)\n" in src
    assert "assert obj.cash == -4" in src and "assert obj.seen == {'a': 1}" in src
    # it runs: passes against base's class, fails against head's
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    body = (
        "class Purse:\n    def __init__(self, cash):\n        self.cash = cash\n"
        "        self.seen = {}\n\n    def spend(self, amount):\n"
        "        self.cash -= amount@\n        self.seen['a'] = 1\n"
    )
    namespace: dict[str, object] = {}
    for extra, passes in (("", True), (" + 1", False)):
        (pkg / "mod.py").write_text(body.replace("@", extra))
        sys.path.insert(0, str(tmp_path))
        try:
            sys.modules.pop("pkg.mod", None)
            sys.modules.pop("pkg", None)
            exec(compile(src, "t.py", "exec"), namespace)
            test = next(v for k, v in namespace.items() if k.startswith("test_"))
            if passes:
                test()  # type: ignore[operator]
            else:
                with pytest.raises(AssertionError):
                    test()  # type: ignore[operator]
        finally:
            sys.path.remove(str(tmp_path))
            sys.modules.pop("pkg.mod", None)
            sys.modules.pop("pkg", None)


def test_a_state_witness_whose_base_raised_suppresses_it_and_needs_a_source() -> None:
    src = _state_test({"$": "raised", "type": "ValueError", "message": ""}, {"cash": -4})
    assert "import contextlib" in src
    assert "with contextlib.suppress(Exception):\n        obj.spend(amount=4)" in src
    # no attribute with a source: the ordinary (result) test, which then does not confirm
    src = _state_test(None, {"cash": {"$": "repr", "type": "x.Y", "v": "<Y>"}})
    assert "obj = " not in src
