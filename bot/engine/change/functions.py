"""Which functions a file change touches, from the base and head source (pure, ``ast``).

A function is *changed* when its normalised AST differs between base and head: signature,
decorators and body count; docstrings, comments, formatting and positions do not. Functions
are matched by qualified name (``Class.method``, ``outer.<locals>.inner``) and, for names
defined more than once (property setters, overloads, conditional definitions), by order.

A module-level or class-level binding that changes outside any function (``GRACE_DAYS = 5``
→ ``6``, an import alias, a class attribute) marks the functions that read it as changed too;
their ``constants`` then carry the numeric literals of the old and new binding.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from bot.engine.change.diff import FileChange
from bot.engine.change.equivalence import same_behaviour
from bot.engine.source.astutil import callee_name, is_number
from bot.errors import DeepcheckError
from bot.models import ChangedFunction, ChangeStatus, Param, Skipped

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_NUMBER_CALLS = frozenset({"Decimal"})


class HeadSyntaxError(DeepcheckError):
    """The head version of a file does not compile; ``line`` is where Python says."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line}: {message}")


@dataclass(frozen=True)
class _Def:
    qualname: str
    occurrence: int  # 0 for the first definition of this qualname, 1 for the next, ...
    node: FunctionNode
    start: int  # first decorator line
    end: int
    class_name: str | None  # qualified name of the class the function is defined in
    nested: bool


@dataclass(frozen=True)
class _Side:
    """One parsed side (base or head) of a file."""

    source: str
    lines: list[str]
    defs: list[_Def]
    bindings: dict[tuple[str, str], tuple[ast.stmt, ...]]  # (class qualname or "", name)


def changed_functions(
    base_source: str | None, head_source: str, change: FileChange
) -> tuple[list[ChangedFunction], list[Skipped]]:
    """Changed functions of the head file (by head position) and what was skipped.

    Raises HeadSyntaxError when the head does not compile. A base that is missing or does not
    parse makes every head function ``added``. Functions gone from head are skipped as
    ``deleted``; unchanged functions are simply not reported.
    """
    if change.status == "deleted":
        base = _parse_side(base_source) if base_source is not None else None
        gone = base.defs if base is not None else []
        return [], [Skipped(change.path, "deleted", d.qualname) for d in gone]
    head = _parse_head(head_source, change.path)
    base = None
    if change.status != "added" and base_source is not None:
        base = _parse_side(base_source)

    base_by_key = {(d.qualname, d.occurrence): d for d in base.defs} if base else {}
    head_keys = {(d.qualname, d.occurrence) for d in head.defs}
    dirty = _changed_bindings(base, head) if base is not None else set()

    changed: list[ChangedFunction] = []
    for hd in head.defs:
        bd = base_by_key.get((hd.qualname, hd.occurrence))
        via: set[tuple[str, str]] = set()
        if bd is None:
            status: ChangeStatus = "added"
        elif _normalize(hd.node) != _normalize(bd.node):
            status = "modified"
        else:
            via = _reads(hd, dirty)
            if not via:
                continue
            status = "modified"
        fn = _describe(hd, bd, status, head, base, change, via)
        if bd is not None and not via and not _reads(hd, dirty):
            # Its own text changed, nothing it reads did: renamed locals are provably the same.
            fn = replace(fn, equivalent=same_behaviour(fn.base_source, fn.head_source) or "")
        changed.append(fn)

    skipped = [
        Skipped(change.path, "deleted", bd.qualname)
        for bd in (base.defs if base is not None else [])
        if (bd.qualname, bd.occurrence) not in head_keys
    ]
    return changed, skipped


def unchanged_function(path: str, source: str, qualname: str) -> ChangedFunction | None:
    """An unchanged function of ``source`` described like a changed one (both sides the same
    text, no changed lines): a public entry point through which a changed helper is driven."""
    side = _parse_side(source)
    if side is None:
        return None
    found = next((d for d in side.defs if d.qualname == qualname and not d.nested), None)
    if found is None:
        return None
    change = FileChange(path=path, old_path=path, status="modified")
    return _describe(found, found, "modified", side, side, change, set())


# -- parsing -----------------------------------------------------------------------------------


def _parse_head(source: str, path: str) -> _Side:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(source, filename=path)
            compile(tree, path, "exec", dont_inherit=True)
        except SyntaxError as exc:
            raise HeadSyntaxError(path, exc.lineno or 1, exc.msg) from exc
        except (ValueError, RecursionError, MemoryError) as exc:
            raise HeadSyntaxError(path, 1, str(exc) or type(exc).__name__) from exc
    return _side(source, tree)


def _parse_side(source: str) -> _Side | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    return _side(source, tree)


def _side(source: str, tree: ast.Module) -> _Side:
    lines = [m.group(0) for m in _LINE.finditer(source)]
    bindings: dict[tuple[str, str], tuple[ast.stmt, ...]] = {}
    _collect_bindings(tree.body, "", bindings)
    return _Side(source, lines, _collect_defs(tree), bindings)


def _collect_defs(tree: ast.Module) -> list[_Def]:
    defs: list[_Def] = []
    seen: Counter[str] = Counter()

    def visit(node: ast.AST, prefix: str, nested: bool, class_name: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                qualname = prefix + child.name
                start = min([d.lineno for d in child.decorator_list] + [child.lineno])
                end = child.end_lineno or child.lineno
                defs.append(_Def(qualname, seen[qualname], child, start, end, class_name, nested))
                seen[qualname] += 1
                visit(child, qualname + ".<locals>.", True, None)
            elif isinstance(child, ast.ClassDef):
                qualname = prefix + child.name
                visit(child, qualname + ".", nested, qualname)
            else:
                visit(child, prefix, nested, class_name)

    visit(tree, "", False, None)
    return sorted(defs, key=lambda d: (d.start, d.node.col_offset))


def _collect_bindings(
    body: Iterable[ast.stmt], scope: str, out: dict[tuple[str, str], tuple[ast.stmt, ...]]
) -> None:
    """Names bound outside functions (module or class body), with the statements binding them."""
    for stmt in body:
        if isinstance(stmt, ast.ClassDef):
            inner = f"{scope}.{stmt.name}" if scope else stmt.name
            _collect_bindings(stmt.body, inner, out)
            continue
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        bound: list[tuple[str, ast.stmt]] = []
        if isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                bound += [(n.id, stmt) for n in ast.walk(target) if isinstance(n, ast.Name)]
        elif isinstance(stmt, ast.Import | ast.ImportFrom):
            # one statement per alias: adding a name to an import leaves the others unchanged
            for alias in stmt.names:
                single: ast.stmt = (
                    ast.ImportFrom(stmt.module, [alias], stmt.level)
                    if isinstance(stmt, ast.ImportFrom)
                    else ast.Import([alias])
                )
                bound.append(((alias.asname or alias.name).split(".")[0], single))
        for name, binding in bound:
            out[(scope, name)] = (*out.get((scope, name), ()), binding)
        for field in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(stmt, field, None)
            if isinstance(block, list):
                flat = [s.body if isinstance(s, ast.ExceptHandler) else [s] for s in block]
                _collect_bindings([s for part in flat for s in part], scope, out)


def _changed_bindings(base: _Side, head: _Side) -> set[tuple[str, str]]:
    """(class qualname or "", name) of the bindings whose statements differ."""
    dirty: set[tuple[str, str]] = set()
    for key in base.bindings.keys() | head.bindings.keys():
        old = base.bindings.get(key, ())
        new = head.bindings.get(key, ())
        if [_normalize(s) for s in old] != [_normalize(s) for s in new]:
            dirty.add(key)
    return dirty


def _reads(fn: _Def, dirty: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The dirty bindings ``fn`` reads: module names, or attributes of its own class."""
    if not dirty:
        return set()
    found: set[tuple[str, str]] = set()
    owners = {"self", "cls"}
    if fn.class_name:
        owners.add(fn.class_name.rsplit(".", 1)[-1])
    for node in ast.walk(fn.node):
        if isinstance(node, ast.Name) and ("", node.id) in dirty:
            found.add(("", node.id))
        elif (
            fn.class_name
            and isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in owners
            and (fn.class_name, node.attr) in dirty
        ):
            found.add((fn.class_name, node.attr))
    return found


# -- comparison --------------------------------------------------------------------------------


def _normalize(node: ast.AST) -> object:
    """A comparable value for ``node``: no positions, no docstrings, exact constant types."""
    if isinstance(node, ast.Constant):
        return ("Constant", type(node.value).__name__, repr(node.value))
    fields: list[tuple[str, object]] = []
    for name, value in ast.iter_fields(node):
        if name == "type_comment":
            continue
        if name == "body" and isinstance(node, _SCOPES) and _docstring_node(node) is not None:
            value = value[1:]
        if isinstance(value, list):
            fields.append((name, tuple(_normalize_item(v) for v in value)))
        else:
            fields.append((name, _normalize_item(value)))
    return (type(node).__name__, tuple(fields))


def _normalize_item(value: object) -> object:
    return _normalize(value) if isinstance(value, ast.AST) else value


def _docstring_node(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> ast.AST | None:
    first = node.body[0] if node.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first
    return None


# -- description -------------------------------------------------------------------------------


def _describe(
    hd: _Def,
    bd: _Def | None,
    status: ChangeStatus,
    head: _Side,
    base: _Side | None,
    change: FileChange,
    via: set[tuple[str, str]],
) -> ChangedFunction:
    node = hd.node
    changed_lines = tuple(n for n in change.added_lines if hd.start <= n <= hd.end)
    constants = list(_numbers(node, head.source, set(changed_lines)))
    if bd is not None and base is not None:
        removed = {n for n in change.removed_lines if bd.start <= n <= bd.end}
        constants += _numbers(bd.node, base.source, removed)
    for key in sorted(via):
        for side in (head, base) if base is not None else (head,):
            for stmt in side.bindings.get(key, ()):
                constants += _numbers(stmt, side.source, None)
    matched = bd is not None and status == "modified"
    return ChangedFunction(
        path=change.path,
        function=hd.qualname,
        start_line=hd.start,
        end_line=hd.end,
        status=status,
        params=_params(node.args),
        returns=ast.unparse(node.returns) if node.returns else None,
        docstring=ast.get_docstring(node),
        base_path=change.old_path if matched else None,
        base_start_line=bd.start if matched and bd else None,
        base_end_line=bd.end if matched and bd else None,
        changed_lines=changed_lines,
        constants=tuple(dict.fromkeys(constants)),
        is_method=hd.class_name is not None,
        class_name=hd.class_name,
        decorators=tuple(ast.unparse(d) for d in node.decorator_list),
        is_async=isinstance(node, ast.AsyncFunctionDef),
        nested=hd.nested,
        head_source="".join(head.lines[hd.start - 1 : hd.end]),
        base_source="".join(base.lines[bd.start - 1 : bd.end]) if matched and bd and base else "",
    )


def function_params(args: ast.arguments) -> tuple[Param, ...]:
    """The parameters of a ``def`` (``self`` included), as ChangedFunction.params holds them."""
    return _params(args)


def _params(args: ast.arguments) -> tuple[Param, ...]:
    params: list[Param] = []
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    for i, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        kind = "positional_only" if i < len(args.posonlyargs) else "positional_or_keyword"
        params.append(_param(arg, default, kind))
    if args.vararg:
        params.append(_param(args.vararg, None, "var_positional"))
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(_param(arg, kw_default, "keyword_only"))
    if args.kwarg:
        params.append(_param(args.kwarg, None, "var_keyword"))
    return tuple(params)


def _param(arg: ast.arg, default: ast.expr | None, kind: str) -> Param:
    return Param(
        name=arg.arg,
        annotation=ast.unparse(arg.annotation) if arg.annotation else None,
        default=ast.unparse(default) if default is not None else None,
        kind=kind,  # type: ignore[arg-type]
    )


def _numbers(node: ast.AST, source: str, lines: set[int] | None) -> Iterator[str]:
    """Numeric literals under ``node`` starting on ``lines`` (all when None), as source text.

    ``-5`` stays negative, ``Decimal('0.005')`` gives ``0.005``; booleans are not numbers.
    """
    consumed: set[int] = set()
    found: list[tuple[int, int, str]] = []
    for sub in ast.walk(node):
        line = getattr(sub, "lineno", None)
        if id(sub) in consumed or line is None or (lines is not None and line not in lines):
            continue
        text: str | None = None
        if isinstance(sub, ast.UnaryOp) and isinstance(sub.op, ast.USub | ast.UAdd):
            if is_number(sub.operand):
                consumed.add(id(sub.operand))
                text = ast.get_source_segment(source, sub) or ast.unparse(sub)
        elif is_number(sub):
            text = ast.get_source_segment(source, sub) or ast.unparse(sub)
        elif isinstance(sub, ast.Call) and callee_name(sub) in _NUMBER_CALLS and len(sub.args) == 1:
            arg = sub.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                consumed.add(id(arg))
                text = _decimal_text(arg.value)
        if text is not None:
            found.append((line, getattr(sub, "col_offset", 0), text))
    for _line, _col, text in sorted(found):
        yield text


def _decimal_text(value: str) -> str | None:
    text = value.strip()
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return text if number.is_finite() else None
