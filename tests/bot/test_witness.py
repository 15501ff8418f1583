"""Witness tests are valid Python that asserts base behaviour (so they fail on head)."""

from __future__ import annotations

import ast

from bot.verdict import confirmed
from bot.witness import build_test, python_literals
from sandbox.results import CandidateResult, Outcome, Status


def make(base_value: object, base_repr: str, call: str = "f(x=1)") -> str:
    return build_test(
        module="pkg.mod", qualname="f", call=call, base_value=base_value,
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
