"""Docstring examples (``>>> call`` / expected output) a function's behaviour is documented by
(pure: ``ast`` and the standard library's doctest *parser*, which never runs anything).

A docstring example is the author's own statement of what a call returns. The ones that reach
a function are its own docstring's, those of its class and module when they name it, and those
of the functions in its module that call it (a private helper is documented through the public
function that uses it). ``bot.engine.candidates.doctests`` runs them in the sandbox.
"""

from __future__ import annotations

import ast
import doctest
import functools
import re
from dataclasses import dataclass

from bot.engine.source.astutil import parse_module
from bot.engine.source.callers import entry_points

__all__ = ["Doc", "docs_for", "documented", "examples", "render"]

_PARSER = doctest.DocTestParser()


@dataclass(frozen=True)
class Doc:
    """One docstring holding examples: whose (``""`` for the module's own), where, its text."""

    owner: str  # "format", "Version.bump", "Version" (a class), "" (the module)
    line: int  # 1-based line of the docstring in its file
    text: str  # the docstring as written (raw, as ``__doc__`` holds it)


def examples(text: str) -> list[tuple[str, str]]:
    """The (source, expected output) pairs of a docstring, as doctest parses them; [] when the
    text is not a well-formed doctest (inconsistent indentation, a missing blank after ``>>>``)."""
    try:
        return [(ex.source, ex.want) for ex in _PARSER.get_examples(text)]
    except ValueError:
        return []


def render(pairs: list[tuple[str, str]]) -> str:
    """Examples written back as docstring text (``>>> `` first lines, ``... `` continuations)."""
    out: list[str] = []
    for source, want in pairs:
        lines = source.rstrip("\n").split("\n")
        out.append(">>> " + lines[0])
        out.extend("... " + line for line in lines[1:])
        out.extend(want.rstrip("\n").split("\n") if want.strip() else [])
    return "\n".join(out) + "\n"


def _docstring(node: ast.AST) -> tuple[int, str] | None:
    body = getattr(node, "body", None)
    if not body or not isinstance(body[0], ast.Expr):
        return None
    value = body[0].value
    if isinstance(value, ast.Constant) and isinstance(value.value, str) and ">>>" in value.value:
        return value.lineno, value.value
    return None


@functools.lru_cache(maxsize=16)
def documented(source: str) -> dict[str, Doc]:
    """Every docstring with examples in a module, by owner: the module (``""``), its classes,
    their methods and the module-level functions (not nested definitions). Cached by text:
    every function of a module asks; callers must not change the dict."""
    tree = parse_module(source)
    if tree is None:
        return {}
    found: dict[str, Doc] = {}

    def add(owner: str, node: ast.AST) -> None:
        doc = _docstring(node)
        if doc is not None and examples(doc[1]):
            found[owner] = Doc(owner, doc[0], doc[1])

    add("", tree)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            add(node.name, node)
        elif isinstance(node, ast.ClassDef):
            add(node.name, node)
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    add(f"{node.name}.{item.name}", item)
    return found


def _names(doc: Doc, name: str) -> bool:
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    return any(pattern.search(source) for source, _ in examples(doc.text))


def docs_for(source: str, qualname: str, *, callers: int = 8) -> list[Doc]:
    """The docstrings whose examples reach ``qualname`` in its module (``source``), nearest
    first: its own; its class's and the module's when an example names it (a special method:
    names its class); then those of the functions of the module that call it (directly or
    through a private helper)."""
    docs = documented(source)
    if not docs:
        return []
    short = qualname.rsplit(".", 1)[-1]
    out: list[Doc] = []
    if qualname in docs:
        out.append(docs[qualname])
    cls = qualname.rsplit(".", 1)[0] if "." in qualname else ""
    # A special method (``__init__``, ``__add__``...) is used without its name: through its
    # class's name, or an operator on an instance.
    named = cls.rsplit(".", 1)[-1] if cls and short.startswith("__") else short
    for owner in dict.fromkeys((cls, "")):
        doc = docs.get(owner)
        if doc is not None and doc not in out and _names(doc, named):
            out.append(doc)
    for caller in entry_points(source, qualname, depth=2, limit=callers):
        for owner in caller.via[:-1]:
            doc = docs.get(owner)
            if doc is not None and doc not in out:
                out.append(doc)
    return out
