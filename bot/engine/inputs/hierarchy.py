"""Class hierarchies inside one module, read from the AST: who constructs, who inherits.

Real code puts its behaviour in a base class and its units in subclasses: ``class
Bitmath`` whose ``_setup`` raises ``NotImplementedError`` and ``class Byte(Bitmath)``, ``class
KiB(Byte)``... The base cannot be constructed at all, and the subclasses have no ``__init__`` of
their own. Two answers help the differential driver reach such code:

- :func:`constructor_owner`: the class whose ``__init__``/``__new__`` a class actually uses (the
  class itself, or the first base in the module's method resolution order that defines one);
- :func:`subclasses`: the module's classes that inherit a method unchanged and are constructed
  with the same arguments, so a receiver (or an argument) can be drawn from any of them.

Only names bound at module level in the same file are followed; a base from elsewhere (other than
``object``) makes the answer "unknown", never a guess. Pure: ASTs in, names out.
"""

from __future__ import annotations

import ast

MAX_SUBCLASSES = 16
_PLAIN = {"object"}


def module_classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    """The module-level classes by name (the last definition wins, as at run time)."""
    return {s.name: s for s in tree.body if isinstance(s, ast.ClassDef)}


def defined_classes(source: str) -> frozenset[str]:
    """The names of the module-level classes ``source`` defines (none when it does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    return frozenset(module_classes(tree))


def _base_names(cls: ast.ClassDef) -> list[str] | None:
    """The bases as plain names (``Generic[T]`` counts as ``Generic``), or None for one that is
    not a simple name (``mod.Base``, a call)."""
    out = []
    for b in cls.bases:
        node = b.value if isinstance(b, ast.Subscript) else b
        if not isinstance(node, ast.Name):
            return None
        out.append(node.id)
    return out


def _defines(cls: ast.ClassDef, name: str) -> bool:
    """Whether the class body binds ``name`` (a ``def`` or an assignment)."""
    for s in cls.body:
        if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef) and s.name == name:
            return True
        if isinstance(s, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in s.targets
        ):
            return True
    return False


def _linear(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> list[ast.ClassDef] | None:
    """``cls`` and its in-module bases, depth first, left to right (the MRO for the
    single-inheritance chains this is used on), or None when a base is from elsewhere."""
    out: list[ast.ClassDef] = []
    stack = [cls]
    while stack:
        current = stack.pop(0)
        if any(c is current for c in out):
            continue
        if len(out) > 32:
            return None
        out.append(current)
        names = _base_names(current)
        if names is None or current.keywords:
            return None
        for n in names:
            if n in _PLAIN or n in {"Generic", "ABC"}:
                continue
            if n not in classes:
                return None
            stack.append(classes[n])
    return out


def _generated_init(cls: ast.ClassDef) -> bool:
    """A ``@dataclass`` or a ``NamedTuple``: the constructor is made from the fields."""
    decorators = [d.func if isinstance(d, ast.Call) else d for d in cls.decorator_list]
    names = [ast.unparse(d).rsplit(".", 1)[-1] for d in decorators]
    return "dataclass" in names or any(
        isinstance(b, ast.Name) and b.id == "NamedTuple" for b in cls.bases
    )


OBJECT = "object"


def constructor_owner(
    cls: ast.ClassDef, classes: dict[str, ast.ClassDef]
) -> ast.ClassDef | str | None:
    """The class whose ``__init__`` (else ``__new__``, or generated fields) constructs ``cls``:
    ``cls`` itself when it has one, else the first in-module base that does; :data:`OBJECT`
    when no class of the chain has one; None when that is not known here."""
    if _generated_init(cls) or _defines(cls, "__init__") or _defines(cls, "__new__"):
        return cls
    chain = _linear(cls, classes)
    if chain is None:
        return None
    for c in chain:
        if _generated_init(c) or _defines(c, "__init__") or _defines(c, "__new__"):
            return c
    return OBJECT


def _reaches_unchanged(
    cls: ast.ClassDef, root: ast.ClassDef, method: str, classes: dict[str, ast.ClassDef]
) -> bool:
    """Whether ``cls`` resolves ``method`` to ``root``'s (nothing between overrides it)."""
    chain = _linear(cls, classes)
    if chain is None:
        return False
    for c in chain:
        if c is root:
            return True
        if _defines(c, method):
            return False
    return False


def subclasses(
    root: ast.ClassDef, classes: dict[str, ast.ClassDef], method: str | None = None
) -> list[str]:
    """The module's subclasses of ``root`` that are constructed like it (the same constructor
    owner) and, when ``method`` is given, call ``root``'s ``method`` unchanged; in definition
    order, nearest first (children before grandchildren), at most :data:`MAX_SUBCLASSES`."""
    owner = constructor_owner(root, classes)
    if owner is None:
        return []
    found = []
    for order, (name, cls) in enumerate(classes.items()):
        chain = _linear(cls, classes)
        if cls is root or chain is None or not any(c is root for c in chain[1:]):
            continue
        if constructor_owner(cls, classes) is not owner:
            continue
        if method is not None and not _reaches_unchanged(cls, root, method, classes):
            continue
        depth = next(i for i, c in enumerate(chain) if c is root)
        found.append((depth, order, name))
    return [name for _d, _o, name in sorted(found)[:MAX_SUBCLASSES]]


__all__ = [
    "MAX_SUBCLASSES",
    "OBJECT",
    "constructor_owner",
    "defined_classes",
    "module_classes",
    "subclasses",
]
