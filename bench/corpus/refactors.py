"""Behaviour-preserving refactors of one function (libcst), equivalent by construction.

- ``rename-locals``: every local variable gets a new name (keywords and attributes untouched);
- ``extract-variable``: ``return <expr>`` becomes ``result = <expr>`` then ``return result``;
- ``invert-branch``: ``if c: A else: B`` becomes ``if not (c): B else: A``;
- ``early-return``: ``if c: …return x else: B`` becomes ``if c: …return x`` followed by ``B``;
- ``comprehension-to-loop``: ``v = [e for t in it if c]`` becomes a loop appending to ``v``.

Each applies at one site (the first that qualifies) so a refactor PR is one idea.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from bench.corpus.mutants import compiles


@dataclass(frozen=True)
class Refactor:
    kind: str
    description: str
    function: cst.FunctionDef


def _names(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class V(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            found.add(n.value)

    node.visit(V())
    return found


def _fresh(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    return name


class _Locals(cst.CSTVisitor):
    def __init__(self) -> None:
        self.assigned: set[str] = set()
        self.declared: set[str] = set()
        self.depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return self.depth == 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.depth -= 1

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._targets(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target)

    def visit_Global(self, node: cst.Global) -> None:
        self.declared |= {n.name.value for n in node.names}

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.declared |= {n.name.value for n in node.names}

    def _targets(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.assigned.add(target.value)
        elif isinstance(target, cst.Tuple | cst.List):
            for el in target.elements:
                self._targets(el.value)


class _Rename(cst.CSTTransformer):
    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.mapping.get(original_node.value)
        return updated_node.with_changes(value=new) if new else updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.Attribute:
        return updated_node.with_changes(attr=original_node.attr)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(keyword=original_node.keyword)


def rename_locals(fn: cst.FunctionDef, taken: set[str]) -> Refactor | None:
    v = _Locals()
    fn.visit(v)
    params = {p.name.value for p in _params(fn)}
    names = sorted(v.assigned - v.declared - params)
    if not names or "locals" in _names(fn.body) or "eval" in _names(fn.body):
        return None
    mapping: dict[str, str] = {}
    for name in names:
        mapping[name] = _fresh(name.strip("_") + "_value" if name.strip("_") else "value", taken)
        taken = taken | {mapping[name]}
    body = fn.body.visit(_Rename(mapping))
    assert isinstance(body, cst.BaseSuite)
    listed = ", ".join(f"`{a}` → `{b}`" for a, b in list(mapping.items())[:4])
    return Refactor("rename-locals", f"rename locals ({listed})", fn.with_changes(body=body))


def _params(fn: cst.FunctionDef) -> list[cst.Param]:
    p = fn.params
    out = [*p.posonly_params, *p.params, *p.kwonly_params]
    for star in (p.star_arg, p.star_kwarg):
        if isinstance(star, cst.Param):
            out.append(star)
    return out


def _blocks(fn: cst.FunctionDef) -> Iterator[cst.IndentedBlock]:
    """Indented blocks of ``fn`` (not of nested functions or classes), outermost first."""
    found: list[cst.IndentedBlock] = []

    class V(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is fn

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
            found.append(node)

    fn.visit(V())
    yield from found


def _replace_in_block(
    fn: cst.FunctionDef,
    block: cst.IndentedBlock,
    index: int,
    new: list[cst.BaseStatement],
) -> cst.FunctionDef:
    body = list(block.body)
    body[index : index + 1] = new
    out = fn.deep_replace(block, block.with_changes(body=body))
    assert isinstance(out, cst.FunctionDef)
    return out


def extract_variable(fn: cst.FunctionDef, taken: set[str]) -> Refactor | None:
    for block in reversed(list(_blocks(fn))):
        for i, stmt in enumerate(block.body):
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                continue
            ret = stmt.body[0]
            if not isinstance(ret, cst.Return) or ret.value is None:
                continue
            if isinstance(ret.value, cst.Name | cst.BaseNumber | cst.BaseString):
                continue
            name = _fresh("result", taken)
            assign = cst.SimpleStatementLine(
                body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=ret.value)],
                leading_lines=stmt.leading_lines,
            )
            new_ret = cst.SimpleStatementLine(body=[cst.Return(value=cst.Name(name))])
            out = _replace_in_block(fn, block, i, [assign, new_ret])
            return Refactor("extract-variable", f"name the returned value `{name}`", out)
    return None


def _plain_else(node: cst.If) -> cst.Else | None:
    return node.orelse if isinstance(node.orelse, cst.Else) else None


def _ends_in_exit(body: cst.BaseSuite) -> bool:
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return False
    last = body.body[-1]
    return isinstance(last, cst.SimpleStatementLine) and isinstance(
        last.body[-1], cst.Return | cst.Raise
    )


def invert_branch(fn: cst.FunctionDef, taken: set[str]) -> Refactor | None:
    for block in _blocks(fn):
        for i, stmt in enumerate(block.body):
            if not isinstance(stmt, cst.If):
                continue
            orelse = _plain_else(stmt)
            if orelse is None:
                continue
            test = stmt.test.with_changes(
                lpar=[cst.LeftParen(), *stmt.test.lpar], rpar=[*stmt.test.rpar, cst.RightParen()]
            )
            new = stmt.with_changes(
                test=cst.UnaryOperation(operator=cst.Not(), expression=test),
                body=orelse.body,
                orelse=cst.Else(body=stmt.body),
            )
            out = _replace_in_block(fn, block, i, [new])
            return Refactor("invert-branch", "invert an if/else with the negated condition", out)
    return None


def early_return(fn: cst.FunctionDef, taken: set[str]) -> Refactor | None:
    for block in _blocks(fn):
        for i, stmt in enumerate(block.body):
            if not isinstance(stmt, cst.If):
                continue
            orelse = _plain_else(stmt)
            if orelse is None or not _ends_in_exit(stmt.body):
                continue
            if not isinstance(orelse.body, cst.IndentedBlock):
                continue
            new_if = stmt.with_changes(orelse=None)
            out = _replace_in_block(fn, block, i, [new_if, *orelse.body.body])
            return Refactor("early-return", "return early instead of `else:`", out)
    return None


def comprehension_to_loop(fn: cst.FunctionDef, taken: set[str]) -> Refactor | None:
    for block in _blocks(fn):
        for i, stmt in enumerate(block.body):
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                continue
            assign = stmt.body[0]
            if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
                continue
            target = assign.targets[0].target
            comp = assign.value
            if not isinstance(target, cst.Name) or not isinstance(comp, cst.ListComp):
                continue
            loop = comp.for_in
            if loop.inner_for_in is not None or loop.asynchronous is not None:
                continue
            # The loop variable leaks out of a for statement: only when nothing else uses it.
            loop_names = _names(loop.target)
            others = _names(fn.body.deep_replace(stmt, cst.SimpleStatementLine([cst.Pass()])))
            if loop_names & others or target.value in _names(comp):
                continue
            append: cst.BaseStatement = cst.SimpleStatementLine(
                body=[
                    cst.Expr(
                        cst.Call(
                            func=cst.Attribute(cst.Name(target.value), cst.Name("append")),
                            args=[cst.Arg(comp.elt)],
                        )
                    )
                ]
            )
            for cond in reversed(loop.ifs):
                append = cst.If(test=cond.test, body=cst.IndentedBlock(body=[append]))
            init = cst.SimpleStatementLine(
                body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(target.value))],
                                 value=cst.List([]))],
                leading_lines=stmt.leading_lines,
            )  # fmt: skip
            new_for = cst.For(target=loop.target, iter=loop.iter, body=cst.IndentedBlock([append]))
            out = _replace_in_block(fn, block, i, [init, new_for])
            return Refactor("comprehension-to-loop", "build the list in a for loop", out)
    return None


REFACTORS = (rename_locals, extract_variable, invert_branch, early_return, comprehension_to_loop)


def refactors(fn: cst.FunctionDef, taken: set[str]) -> Iterator[Refactor]:
    """Every refactor that applies to ``fn``; ``taken`` are names already used in the module."""
    for make in REFACTORS:
        got = make(fn, set(taken))
        if got is not None and not got.function.deep_equals(fn) and compiles(got.function):
            yield got
