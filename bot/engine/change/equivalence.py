"""Changes that provably cannot alter what a call returns: the same code up to renamed locals.

A changed function whose base and head definitions are the same syntax tree once the function's
own local variables are renamed in order of first appearance (comments and formatting never
reach the tree), and once a docstring without a doctest is dropped, returns, raises and
mutates the same on every call: no check needs to run, and none is spent on it. The proof is
conservative; anything it cannot see through makes it answer ``None`` (the function is
checked as usual):

- only plain variables bound in the function's own body are renamed: parameters keep their
  names (a keyword argument is part of the interface), and so do names declared ``global`` /
  ``nonlocal``, names the function only reads (globals, builtins), and names bound by
  ``import``, ``except … as`` or a ``match`` capture (their binding site is not a variable);
- decorators, defaults and annotations, evaluated outside the body, are compared as written;
- a function defining a nested function, lambda or class, binding ``__class__`` / ``super`` or
  a private ``__name`` (mangled in a class), or naming introspection (``locals``, ``vars``,
  ``dir``, ``eval``, ``exec``, frames, ``f_locals``, ``co_varnames``, ``__doc__``,
  ``__code__``, also when imported under another name) is not compared;
- a docstring holding a doctest (``>>>``) is compared as written; a method's source is parsed
  where it stands (its indentation kept, so string literals are compared exactly).

What the proof does not cover, and a reviewer should know: the names of locals stay visible
to whoever inspects frames, code objects or tracebacks from outside or through computed strings
(a debugger, a callee reading its caller's frame, ``builtins.__dict__['loc' + 'als']``), error
messages name them (``UnboundLocalError``), and line numbers (in tracebacks, and so in which
warnings the ``warnings`` module de-duplicates), the source text and ``__doc__`` change with
the edit. None of these is what a call returns or changes.

Pure: source text in, a reason or ``None`` out.
"""

from __future__ import annotations

import ast

__all__ = ["same_behaviour"]

_INTROSPECTION = frozenset(
    {"locals", "vars", "dir", "eval", "exec", "globals", "_getframe", "currentframe", "stack"}
    | {"__doc__", "__code__", "f_locals", "f_back", "tb_frame", "gi_frame", "cr_frame"}
    | {"co_varnames", "getframeinfo", "getouterframes", "getdoc", "getsource"}
)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def same_behaviour(base_source: str, head_source: str) -> str | None:
    """Why base and head behave the same, or None when that cannot be shown this way."""
    if not base_source.strip() or not head_source.strip():
        return None
    base, head = _definition(base_source), _definition(head_source)
    if base is None or head is None:
        return None
    base_dump, base_locals = base
    head_dump, head_locals = head
    if base_dump != head_dump:
        return None
    if base_locals != head_locals:
        return "the same code up to renamed local variables (and docstring or formatting)"
    return "only the docstring, comments or formatting changed"


def _parse(source: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The one function ``source`` defines, parsed where it stands: an indented method is read
    as the body of a block, so no string literal loses its margin."""
    indented = source[:1].isspace()
    try:
        tree = ast.parse(("if 1:\n" if indented else "") + source)
    except (SyntaxError, ValueError):
        return None
    body = tree.body
    if indented:
        if len(body) != 1 or not isinstance(body[0], ast.If):
            return None
        body = body[0].body
    if len(body) != 1 or not isinstance(body[0], ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    return body[0]


def _definition(source: str) -> tuple[str, tuple[str, ...]] | None:
    """The canonical dump of the one function defined in ``source`` and its renamed locals in
    order of first appearance; None when the proof cannot handle it."""
    fn = _parse(source)
    if fn is None:
        return None
    for node in ast.walk(fn):
        if node is not fn and isinstance(node, _SCOPES):
            return None
        if isinstance(node, ast.Name) and node.id in _INTROSPECTION:
            return None
        if isinstance(node, ast.Attribute) and node.attr in _INTROSPECTION:
            return None
        if isinstance(node, ast.alias) and node.name.rsplit(".", 1)[-1] in _INTROSPECTION:
            return None
    first = fn.body[0]
    value = first.value if isinstance(first, ast.Expr) else None
    docstring = value.value if isinstance(value, ast.Constant) else None
    if isinstance(docstring, str) and ">>>" not in docstring:  # a doctest is compared as written
        fn.body = fn.body[1:] or [ast.Pass()]
    names = _renamable(fn)
    if names is None:
        return None
    order: dict[str, str] = {}
    for stmt in fn.body:  # the body only: decorators, defaults, annotations stay as written
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and node.id in names:
                if node.id not in order:
                    order[node.id] = f"<local {len(order)}>"  # no identifier can collide
                node.id = order[node.id]
    return ast.dump(fn, annotate_fields=True, include_attributes=False), tuple(order)


def _renamable(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str] | None:
    """Plain variables bound in the function's own scope (not only inside a comprehension,
    whose variables may shadow a global read elsewhere), minus parameters, declared names and
    names also bound another way; None when a bound name is one the proof must not touch."""
    params = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)}
    params |= {a.arg for a in (fn.args.vararg, fn.args.kwarg) if a is not None}
    declared: set[str] = set()
    bound: set[str] = set()
    other: set[str] = set()  # bound by import, except-as or a match capture
    todo: list[ast.AST] = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, _COMPREHENSIONS):
            continue
        if isinstance(node, ast.Global | ast.Nonlocal):
            declared.update(node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.alias):
            other.add(node.asname or node.name.split(".", 1)[0])
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            other.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            other.add(node.rest)
        todo.extend(ast.iter_child_nodes(node))
    names = bound | other | declared
    if any(
        n in ("__class__", "super") or (n.startswith("__") and not n.endswith("__")) for n in names
    ):
        return None
    return bound - params - declared - other
