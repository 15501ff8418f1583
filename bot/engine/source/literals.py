"""Literal inputs found in the repository itself (pure, ``ast``).

* :func:`harvest_literals`: the literal arguments the repository's own call sites (tests
  first) pass to a function, per parameter: realistic examples for the strategies.
* :func:`sibling_literals`: what the same module's other functions are passed for a parameter
  of the same name (``validate(number)`` learns from ``compact('1-85798-218-5')``).
* :func:`constants_near`: the module-level (and own-class) numeric constants a changed
  function reads, so a diff touching ``<= GRACE_DAYS`` with ``GRACE_DAYS = 5`` tries 4, 5, 6.

Only *safe* literals are returned, as normalised source text: numbers (negative included),
strings, bytes, ``True``/``False``/``None``, tuples and lists of those, and calls of
:data:`LITERAL_NAMES` (``Decimal('0.01')``, ``date(2024, 2, 29)``) written by their bare name.
Evaluating one needs nothing but those names in scope.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from pathlib import PurePosixPath

from bot.engine.source.astutil import POSITIONAL_KINDS, callee_name, is_number, parse_module
from bot.models import ChangedFunction, Param

LITERAL_NAMES = frozenset({"Decimal", "Fraction", "date", "datetime", "time", "timedelta"})
NUMERIC_NAMES = frozenset({"Decimal", "Fraction", "timedelta"})
MAX_PER_PARAM = 20
MAX_TEXT = 200  # characters of one literal's source text
MAX_ITEMS = 20  # elements of one tuple or list
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod)


def harvest_literals(
    sources: Mapping[str, str],
    function_name: str,
    params: Sequence[Param],
    *,
    cap: int = MAX_PER_PARAM,
    prefer: str | None = None,
) -> dict[str, list[str]]:
    """Literal arguments of calls to ``function_name`` across ``sources`` (path → text).

    Calls match by bare name (``compound(...)``) or attribute (``ledger.compound(...)``) on the
    last part of a qualified name. Positional arguments map to parameters by index (skipping
    an implicit ``self``/``cls``), keywords by name. Test files are read first; each list is
    deduplicated, in discovery order, and holds at most ``cap`` items. Parameters with nothing
    found are absent. ``prefer`` (the function's own file, with its doctests) is read first:
    a common name (``validate``) is called with other modules' values elsewhere.
    """
    name = function_name.rsplit(".", 1)[-1]
    found: dict[str, list[str]] = {}
    for path in sorted(sources, key=lambda p: (p != prefer, not is_test_path(p), p)):
        text = sources[path]
        if name not in text:
            continue
        trees = [parse_module(text), *(parse_module(example) for example in doctest_examples(text))]
        for tree in trees:
            if tree is None:
                continue
            for call in _calls(tree, name):
                for param, value in _bind(call, params):
                    bucket = found.setdefault(param, [])
                    if value not in bucket and len(bucket) < cap:
                        bucket.append(value)
    return found


def sibling_literals(
    function: ChangedFunction,
    module_source: str,
    sources: Mapping[str, str],
    *,
    cap: int = MAX_PER_PARAM,
) -> dict[str, list[str]]:
    """Literals the same module's other top-level functions are passed for parameters named
    like ``function``'s, from the module itself and the test files that name it."""
    from bot.engine.change.functions import (
        function_params,  # here: bot.engine.change.functions is the heavier module
    )

    tree = parse_module(module_source)
    wanted = {p.name for p in function.params} - {"self", "cls"}
    own = function.function.rsplit(".", 1)[-1]
    if tree is None or not wanted:
        return {}
    stem = PurePosixPath(function.path).stem
    near = {function.path: module_source}
    near.update({p: t for p, t in sources.items() if is_test_path(p) and stem in t})
    found: dict[str, list[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name == own:
            continue
        params = function_params(node.args)
        if not wanted & {p.name for p in params}:
            continue
        for param, values in harvest_literals(near, node.name, params, cap=cap).items():
            if param in wanted:
                bucket = found.setdefault(param, [])
                bucket += [v for v in values if v not in bucket][: cap - len(bucket)]
    return found


_DOCTEST_LINE = re.compile(r"^\s*(>>>|\.\.\.) ?(.*)$")


def doctest_examples(source: str) -> list[str]:
    """The statements of doctest examples (``>>> call(...)`` with ``...`` continuations) found
    anywhere in ``source`` — docstrings are tests too, and often hold valid inputs."""
    examples: list[str] = []
    current: list[str] = []
    for line in source.splitlines():
        match = _DOCTEST_LINE.match(line)
        if match is None or (match.group(1) == "..." and not current):
            if current:
                examples.append("\n".join(current))
                current = []
            continue
        if match.group(1) == ">>>" and current:
            examples.append("\n".join(current))
            current = []
        current.append(match.group(2))
    if current:
        examples.append("\n".join(current))
    return examples


def constants_near(function: ChangedFunction, module_source: str) -> dict[str, str]:
    """Numeric constants the function reads: ``{"GRACE_DAYS": "5", "Ledger.LIMIT": "10"}``.

    Module-level names read by the function, and (for a method) attributes of its own class
    read as ``self.X``, ``cls.X`` or ``Class.X``, whose value is a numeric literal or simple
    arithmetic of them (``60 * 60``, ``Decimal('0.05')``, ``timedelta(days=5)``). Names
    imported from other modules are not followed.
    """
    tree = parse_module(module_source)
    if tree is None:
        return {}
    module_constants = numeric_assignments(tree.body)
    class_constants: dict[str, str] = {}
    owners = {"self", "cls"}
    if function.class_name:
        body = _class_body(tree, function.class_name)
        class_constants = numeric_assignments(body) if body is not None else {}
        owners.add(function.class_name.rsplit(".", 1)[-1])
    node = _function_node(tree, function)
    if node is None:
        return {}
    refs: list[tuple[int, int, str, str]] = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in module_constants:
            refs.append((sub.lineno, sub.col_offset, sub.id, module_constants[sub.id]))
        elif (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Name)
            and sub.value.id in owners
            and sub.attr in class_constants
        ):
            key = f"{function.class_name}.{sub.attr}"
            refs.append((sub.lineno, sub.col_offset, key, class_constants[sub.attr]))
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        refs.extend(_local_values(node, set(function.changed_lines)))
    return {key: value for _line, _col, key, value in sorted(refs)}


def _local_values(
    node: ast.FunctionDef | ast.AsyncFunctionDef, changed: set[int]
) -> list[tuple[int, int, str, str]]:
    """Numbers that reach a changed line through a local name: ``base = 1024 if binary else
    1000`` then a changed ``if n < base:`` gives 1024 and 1000; the same for a parameter's
    numeric default (``limit=10``). Keys are ``name#i``: a local may take several values."""
    if not changed:
        return []
    read = {
        sub.id
        for sub in ast.walk(node)
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.lineno in changed
    }
    out: list[tuple[int, int, str, str]] = []
    sources: list[tuple[str, ast.expr]] = []
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    for arg, default in zip(
        positional[len(positional) - len(args.defaults) :], args.defaults, strict=True
    ):
        sources.append((arg.arg, default))
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if kw_default is not None:
            sources.append((arg.arg, kw_default))
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assign | ast.AnnAssign) and sub.value is not None:
            targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
            sources.extend((t.id, sub.value) for t in targets if isinstance(t, ast.Name))
    for name, value in sources:
        if name not in read:
            continue
        options = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
        for i, option in enumerate(options):
            text = _numeric(option)
            if text is not None:
                out.append((value.lineno, value.col_offset + i, f"{name}#{len(out)}", text))
    return out


def is_test_path(path: str) -> bool:
    pure = PurePosixPath(path)
    return (
        any(part in ("test", "tests", "testing") for part in pure.parts[:-1])
        or pure.name.startswith("test_")
        or pure.name.endswith("_test.py")
        or pure.name == "conftest.py"
    )


def safe_literal(node: ast.AST, depth: int = 0) -> str | None:
    """Normalised source text of ``node`` when it is a safe literal, else None."""
    text: str | None = None
    if isinstance(node, ast.Constant):
        if node.value is Ellipsis:
            return None
        text = ast.unparse(node)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        if is_number(node.operand):
            text = ast.unparse(node)
    elif isinstance(node, ast.Call):
        text = _safe_call(node, LITERAL_NAMES)
    elif isinstance(node, ast.Tuple | ast.List) and depth < 2 and len(node.elts) <= MAX_ITEMS:
        items = [safe_literal(elt, depth + 1) for elt in node.elts]
        if all(item is not None for item in items):
            inner = ", ".join(item for item in items if item is not None)
            if isinstance(node, ast.List):
                text = f"[{inner}]"
            else:
                text = f"({inner},)" if len(items) == 1 else f"({inner})"
    return text if text is not None and len(text) <= MAX_TEXT else None


def _safe_call(call: ast.Call, allowed: frozenset[str]) -> str | None:
    callee = callee_name(call)
    if callee not in allowed:
        return None
    args = [_scalar(arg) for arg in call.args]
    kwargs = [(kw.arg, _scalar(kw.value)) for kw in call.keywords]
    if any(a is None for a in args) or any(k is None or v is None for k, v in kwargs):
        return None
    rendered = [a for a in args if a is not None] + [f"{k}={v}" for k, v in kwargs]
    return f"{callee}({', '.join(rendered)})"


def _scalar(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
        return ast.unparse(node)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and is_number(node.operand):
        return ast.unparse(node)
    return None


def _numeric(node: ast.AST, depth: int = 0) -> str | None:
    """Source text of a numeric literal, a numeric call, or arithmetic of those."""
    if is_number(node):
        return ast.unparse(node)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd) and depth < 3:
        inner = _numeric(node.operand, depth + 1)
        if inner is not None:
            return ast.unparse(ast.UnaryOp(node.op, _expr(inner)))
    elif isinstance(node, ast.Call):
        return _safe_call(node, NUMERIC_NAMES)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, _ARITHMETIC) and depth < 3:
        left, right = _numeric(node.left, depth + 1), _numeric(node.right, depth + 1)
        if left is not None and right is not None:
            return ast.unparse(ast.BinOp(_expr(left), node.op, _expr(right)))
    return None


def _expr(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


def numeric_assignments(body: Sequence[ast.stmt]) -> dict[str, str]:
    out: dict[str, str] = {}
    for stmt in body:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            target, value = stmt.target, stmt.value
        if not isinstance(target, ast.Name) or value is None:
            continue
        text = _numeric(value)
        if text is not None:
            out[target.id] = text
        else:
            out.pop(target.id, None)  # rebound to something that is not a number
    return out


def _class_body(tree: ast.Module, qualname: str) -> list[ast.stmt] | None:
    body: list[ast.stmt] = tree.body
    for part in qualname.split("."):
        cls = next((s for s in body if isinstance(s, ast.ClassDef) and s.name == part), None)
        if cls is None:
            return None
        body = cls.body
    return body


def _function_node(tree: ast.Module, function: ChangedFunction) -> ast.AST | None:
    name = function.function.rsplit(".", 1)[-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])
            if start == function.start_line:
                return node
    return parse_module(textwrap.dedent(function.head_source)) if function.head_source else None


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    """Calls of ``name`` in source order."""
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and callee_name(n) == name]
    return sorted(calls, key=lambda call: (call.lineno, call.col_offset))


def _bind(call: ast.Call, params: Sequence[Param]) -> Iterator[tuple[str, str]]:
    positional = [p for p in params if p.kind in POSITIONAL_KINDS]
    implicit = bool(positional) and positional[0].name in ("self", "cls")
    explicit_self = (
        isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id[:1].isupper()
        and not call.func.value.id.isupper()  # Ledger.post(ledger, …), not LEDGER.post(…)
        and bool(positional)
        and positional[0].name == "self"
    )
    offset = 1 if implicit and isinstance(call.func, ast.Attribute) and not explicit_self else 0
    var_positional = next((p for p in params if p.kind == "var_positional"), None)
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            break
        slot = index + offset
        param = positional[slot] if slot < len(positional) else var_positional
        if param is None or (implicit and param is positional[0]):
            continue
        value = safe_literal(arg)
        if value is not None:
            yield param.name, value
    by_name = {p.name: p for p in params if p.kind in ("positional_or_keyword", "keyword_only")}
    for kw in call.keywords:
        if kw.arg is None or kw.arg not in by_name:
            continue
        value = safe_literal(kw.value)
        if value is not None:
            yield kw.arg, value
