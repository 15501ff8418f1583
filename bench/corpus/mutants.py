"""Bug-introducing mutation operators over one function (libcst), one site per mutant.

Operators (the names are the manifest's ``operator``):

- ``off-by-one``: an integer literal ``n`` becomes ``n + 1`` or ``n - 1``;
- ``boundary``: ``<`` ↔ ``<=``, ``>`` ↔ ``>=``;
- ``operator``: ``+`` ↔ ``-``, ``*`` ↔ ``//``, ``//`` → ``/``, ``%`` → ``//``, ``and`` ↔ ``or``;
- ``constant``: a float literal ``c`` becomes ``c * 2`` (or ``1.0`` for ``0.0``);
- ``min-max``: ``min(...)`` ↔ ``max(...)``, ``floor`` ↔ ``ceil``;
- ``rounding``: a ``ROUND_*`` mode is swapped for its neighbour, ``round(x)`` becomes
  ``int(x)``, a ``rounding=`` argument is dropped;
- ``special-case``: an ``if`` without ``else`` whose body only returns or raises is removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import libcst as cst

ROUNDING_SWAP = {
    "ROUND_HALF_EVEN": "ROUND_HALF_UP",
    "ROUND_HALF_UP": "ROUND_HALF_DOWN",
    "ROUND_HALF_DOWN": "ROUND_HALF_EVEN",
    "ROUND_FLOOR": "ROUND_DOWN",
    "ROUND_CEILING": "ROUND_UP",
    "ROUND_DOWN": "ROUND_FLOOR",
    "ROUND_UP": "ROUND_CEILING",
    "ROUND_05UP": "ROUND_UP",
}
NAME_SWAP = {"min": "max", "max": "min", "floor": "ceil", "ceil": "floor"}
BINOP_SWAP: dict[type[cst.BaseBinaryOp], Callable[[], cst.BaseBinaryOp]] = {
    cst.Add: cst.Subtract,
    cst.Subtract: cst.Add,
    cst.Multiply: cst.FloorDivide,
    cst.FloorDivide: cst.Divide,
    cst.Modulo: cst.FloorDivide,
}
AUG_SWAP: dict[type[cst.BaseAugOp], Callable[[], cst.BaseAugOp]] = {
    cst.AddAssign: cst.SubtractAssign,
    cst.SubtractAssign: cst.AddAssign,
    cst.MultiplyAssign: cst.FloorDivideAssign,
}
CMP_SWAP: dict[type[cst.BaseCompOp], Callable[[], cst.BaseCompOp]] = {
    cst.LessThan: cst.LessThanEqual,
    cst.LessThanEqual: cst.LessThan,
    cst.GreaterThan: cst.GreaterThanEqual,
    cst.GreaterThanEqual: cst.GreaterThan,
}


@dataclass(frozen=True)
class Mutant:
    operator: str
    description: str  # "`<=` → `<` on line 3 of the function"
    function: cst.FunctionDef


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node).strip()


class _Sites(cst.CSTTransformer):
    """Counts mutation sites; with ``target`` set, rewrites only that site."""

    def __init__(self, target: int | None = None) -> None:
        self.target = target
        self.count = 0
        self.found: list[tuple[str, str]] = []  # (operator, description) per site
        self.in_docstring = False

    def _site(self, operator: str, before: str, after: str) -> bool:
        index = self.count
        self.count += 1
        self.found.append((operator, f"`{before}` → `{after}`"))
        return index == self.target

    def leave_Integer(
        self, original_node: cst.Integer, updated_node: cst.Integer
    ) -> cst.BaseExpression:
        value = original_node.evaluated_value
        if not isinstance(value, int) or value > 10_000:
            return updated_node
        for new in (value + 1, value - 1):
            if new < 0:
                continue
            if self._site("off-by-one", str(value), str(new)):
                return cst.Integer(str(new))
        return updated_node

    def leave_Float(self, original_node: cst.Float, updated_node: cst.Float) -> cst.BaseExpression:
        value = float(original_node.evaluated_value)
        new = repr(value * 2) if value else "1.0"
        if self._site("constant", original_node.value, new):
            return cst.Float(new)
        return updated_node

    def leave_BinaryOperation(
        self, original_node: cst.BinaryOperation, updated_node: cst.BinaryOperation
    ) -> cst.BaseExpression:
        make = BINOP_SWAP.get(type(original_node.operator))
        if make is None or isinstance(original_node.left, cst.SimpleString):
            return updated_node
        new = make()
        if self._site("operator", _code(original_node.operator), _code(new)):
            return updated_node.with_changes(operator=new)
        return updated_node

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        make = AUG_SWAP.get(type(original_node.operator))
        if make is None:
            return updated_node
        new = make()
        if self._site("operator", _code(original_node.operator), _code(new)):
            return updated_node.with_changes(operator=new)
        return updated_node

    def leave_BooleanOperation(
        self, original_node: cst.BooleanOperation, updated_node: cst.BooleanOperation
    ) -> cst.BaseExpression:
        is_and = isinstance(original_node.operator, cst.And)
        new: cst.BaseBooleanOp = cst.Or() if is_and else cst.And()
        if self._site("operator", "and" if is_and else "or", "or" if is_and else "and"):
            return updated_node.with_changes(operator=new)
        return updated_node

    def leave_ComparisonTarget(
        self, original_node: cst.ComparisonTarget, updated_node: cst.ComparisonTarget
    ) -> cst.ComparisonTarget:
        make = CMP_SWAP.get(type(original_node.operator))
        if make is None:
            return updated_node
        new = make()
        if self._site("boundary", _code(original_node.operator), _code(new)):
            return updated_node.with_changes(operator=new)
        return updated_node

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        name = original_node.value
        if name in ROUNDING_SWAP and self._site("rounding", name, ROUNDING_SWAP[name]):
            return cst.Name(ROUNDING_SWAP[name])
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        name = func.value if isinstance(func, cst.Name) else None
        if isinstance(func, cst.Attribute):
            name = func.attr.value
        if name in NAME_SWAP:
            new = NAME_SWAP[name]
            if self._site("min-max", f"{name}(…)", f"{new}(…)"):
                new_func = (
                    cst.Name(new)
                    if isinstance(updated_node.func, cst.Name)
                    else updated_node.func.with_changes(attr=cst.Name(new))  # type: ignore[union-attr]
                )
                return updated_node.with_changes(func=new_func)
        one_arg = len(original_node.args) == 1
        one_arg_round = name == "round" and isinstance(func, cst.Name) and one_arg
        if one_arg_round and self._site("rounding", "round(…)", "int(…)"):
            return updated_node.with_changes(func=cst.Name("int"))
        for i, arg in enumerate(original_node.args):
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword == "rounding" and self._site("rounding", "rounding=…", "(default rounding)"):
                args = [a for j, a in enumerate(updated_node.args) if j != i]
                if args:
                    args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                return updated_node.with_changes(args=args)
        return updated_node

    def leave_If(
        self, original_node: cst.If, updated_node: cst.If
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        if original_node.orelse is not None:
            return updated_node
        if not isinstance(original_node.body, cst.IndentedBlock):
            return updated_node
        body = original_node.body.body
        if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine):
            return updated_node
        small = body[0].body
        if len(small) != 1 or not isinstance(small[0], cst.Return | cst.Raise):
            return updated_node
        test = _code(original_node.test)
        if len(test) > 40:
            test = test[:37] + "..."
        what = "return" if isinstance(small[0], cst.Return) else "raise"
        if self._site("special-case", f"if {test}: {what} …", "(removed)"):
            return cst.RemoveFromParent()
        return updated_node

    def visit_SimpleString(self, node: cst.SimpleString) -> bool:
        return False


def compiles(fn: cst.FunctionDef) -> bool:
    """Whether the rewritten function renders to valid Python (parsed, never executed)."""
    try:
        compile(cst.Module(body=[fn]).code, "<mutant>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, cst.CSTValidationError):
        return False
    return True


def mutants(fn: cst.FunctionDef) -> Iterator[Mutant]:
    """Every single-site mutant of ``fn`` (decorators and default values left alone)."""
    counter = _Sites()
    fn.body.visit(counter)
    for index, (operator, description) in enumerate(counter.found):
        rewriter = _Sites(target=index)
        body = fn.body.visit(rewriter)
        if not isinstance(body, cst.BaseSuite) or body.deep_equals(fn.body):
            continue
        new = fn.with_changes(body=body)
        if not compiles(new):
            continue
        yield Mutant(operator, description, new)
