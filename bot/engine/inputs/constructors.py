"""Constructing the repository's own classes: receivers of methods, arguments of functions.

**Receivers.** The receiver of an instance method: how the differential driver constructs its
instance.

From the head source (``ast``, nothing imported) of the module-level class that defines the
method: the parameters of its ``__init__`` (else ``__new__``; else a ``@dataclass``'s
annotated fields), turned into strategy specs by ``bot.engine.inputs.strategies.args_for`` with
literals
harvested from the calls of the class (tests, doctests, call sites). The answer is the
``receiver`` param of a differential candidate (docs/protocol.md)::

    {"class": "Counter", "args": [{"name": "start", "kind": "...", "strategy": {...}}]}

**Instances.** Arguments of the repository's own classes: ``def __sub__(self, other: "Money")``.

A parameter hinted with a class the repository defines (in the function's module, or imported
into it from another module of the repository) gets an ``instance`` strategy: the class's
module and name and strategies for its constructor's arguments (``__init__``, ``__new__``, a
``@dataclass``'s or ``NamedTuple``'s fields), read from the source like a receiver's
(bot/engine/inputs/constructors.py), with literals from the calls of the class. Each side's call
server builds
the instance from its own module. Nesting (an ``Invoice`` of ``LineItem``s) is followed two
classes deep; enums and classes that inherit their constructor from elsewhere are not built.

    {"type": "instance", "module": "money.core", "class": "Money", "args": [...]}

Pure: source text in, specs out; nothing is imported.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from bot.engine.change.functions import function_params
from bot.engine.inputs.factories import factories
from bot.engine.inputs.hierarchy import OBJECT, constructor_owner, module_classes, subclasses
from bot.engine.inputs.steps import observed_properties, step_methods
from bot.engine.inputs.strategies import args_for
from bot.engine.invariants import callable_params
from bot.engine.source.astutil import POSITIONAL_KINDS, parse_module
from bot.engine.source.imports import ImportMap
from bot.engine.source.literals import harvest_literals
from bot.models import ChangedFunction, Param
from rules.ruleset import RuleSet

_OWNER = ("staticmethod", "classmethod")
_ATTRIBUTES = ("property", "setter", "getter", "deleter", "cached_property")


def is_instance_method(fn: ChangedFunction) -> bool:
    return fn.is_method and not any(d.endswith(_OWNER) for d in fn.decorators)


def receiver_refusal(fn: ChangedFunction) -> str | None:
    """Why an instance method cannot get a receiver, judged on ``fn`` alone (None: maybe can)."""
    if fn.class_name is None or "." in fn.class_name:
        return "instance method of a nested class"
    if any(d.split("(")[0].endswith(_ATTRIBUTES) for d in fn.decorators):
        return "property (not a method call)"
    return None


def _classes(module_src: str) -> dict[str, ast.ClassDef]:
    tree = parse_module(module_src)
    return module_classes(tree) if tree is not None else {}


def _method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    found = [s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == name]
    return found[-1] if found else None


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return ast.unparse(target).rsplit(".", 1)[-1]


def _is_dataclass(cls: ast.ClassDef) -> bool:
    return any(_decorator_name(d) == "dataclass" for d in cls.decorator_list)


def _field_param(stmt: ast.AnnAssign) -> Param | None:
    """The ``__init__`` parameter a dataclass field makes (None: ClassVar or ``init=False``)."""
    assert isinstance(stmt.target, ast.Name)
    annotation = ast.unparse(stmt.annotation)
    if annotation.split("[")[0].rsplit(".", 1)[-1] == "ClassVar":
        return None
    default: str | None = None
    if stmt.value is not None:
        default = ast.unparse(stmt.value)
        value = stmt.value
        if isinstance(value, ast.Call) and _decorator_name(value) == "field":
            keywords = {k.arg: k.value for k in value.keywords if k.arg}
            init = keywords.get("init")
            if isinstance(init, ast.Constant) and init.value is False:
                return None
            if "default" in keywords:
                default = ast.unparse(keywords["default"])
            elif "default_factory" not in keywords:
                default = None
    if annotation.split("[")[0].rsplit(".", 1)[-1] == "InitVar":
        inner = stmt.annotation
        annotation = ast.unparse(inner.slice) if isinstance(inner, ast.Subscript) else ""
    return Param(
        name=stmt.target.id,
        annotation=annotation or None,
        default=default,
        kind="positional_or_keyword",
    )


def _dataclass_params(cls: ast.ClassDef) -> list[Param]:
    params = []
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            param = _field_param(stmt)
            if param is not None:
                params.append(param)
    return params


def constructor_params(
    cls: ast.ClassDef, classes: dict[str, ast.ClassDef] | None = None
) -> tuple[Param, ...] | None:
    """What a caller passes to construct ``cls`` (no ``self``/``cls``), or None when unknown.
    With the module's ``classes``, a constructor inherited from a class of the same module
    counts (``class KiB(Byte)`` is built with ``Bitmath.__init__``'s parameters)."""
    made = _constructor_of(cls, classes)
    if isinstance(made, str):
        return None
    params, bound = made
    return params[1:] if bound and params and params[0].kind in POSITIONAL_KINDS else params


def _is_namedtuple(cls: ast.ClassDef) -> bool:
    return [_decorator_name(b) for b in cls.bases] == ["NamedTuple"] and not cls.keywords


def constructor_node(cls: ast.ClassDef) -> ast.FunctionDef | None:
    """The class's own ``__init__``, else its ``__new__``."""
    return _method(cls, "__init__") or _method(cls, "__new__")


def constructor_source(cls: ast.ClassDef, classes: dict[str, ast.ClassDef] | None = None) -> str:
    node = constructor_node(_owner(cls, classes))
    return source_of(node) if node is not None else ""


def _owner(cls: ast.ClassDef, classes: dict[str, ast.ClassDef] | None) -> ast.ClassDef:
    """The class whose constructor builds ``cls`` (``cls`` when not known in this module)."""
    owner = constructor_owner(cls, classes) if classes else None
    return owner if isinstance(owner, ast.ClassDef) else cls


def source_of(node: ast.AST) -> str:
    """``ast.unparse``, or "" for a tree too deep to print (what the body says is then lost)."""
    try:
        return ast.unparse(node)
    except RecursionError:
        return ""


_CONSTRUCTION = frozenset({"__call__", "__new__"})


def _plain_metaclass(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> bool:
    """No class keywords, or only ``metaclass=`` ``ABCMeta`` or a class of this module, named
    bare, deriving from ``type`` or ``ABCMeta`` alone and defining (by ``def`` or assignment)
    neither ``__call__`` nor ``__new__``: calling the class is still calling its ``__init__``.
    A registry whose ``__init__`` records the class's functions (jmespath's) passes; a
    singleton (``__call__``) or a ``__new__`` that may return another class does not."""
    for keyword in cls.keywords:
        if keyword.arg != "metaclass":
            return False
        value = keyword.value
        if isinstance(value, ast.Attribute) and value.attr == "ABCMeta":
            continue
        if not isinstance(value, ast.Name):
            return False  # other.Meta: not this module's class of that name
        if value.id == "ABCMeta":
            continue
        meta = classes.get(value.id)
        if meta is None or meta.keywords:
            return False
        if not meta.bases or any(_decorator_name(b) not in ("type", "ABCMeta") for b in meta.bases):
            return False
        if _defined_names(meta) & _CONSTRUCTION:
            return False
    return True


def _defined_names(cls: ast.ClassDef) -> set[str]:
    names: set[str] = set()
    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.add(stmt.target.id)
    return names


def _constructor_of(
    cls: ast.ClassDef, classes: dict[str, ast.ClassDef] | None = None
) -> tuple[tuple[Param, ...], bool] | str:
    """(parameters, whether the first is the bound class/instance), or why there are none."""
    if classes and constructor_node(cls) is None:
        owner = constructor_owner(cls, classes)
        if owner == OBJECT:
            return (), False
        if isinstance(owner, ast.ClassDef) and owner is not cls:
            return _constructor_of(owner)
    node = constructor_node(cls)
    if node is not None:
        return function_params(node.args), True
    if _is_dataclass(cls) or _is_namedtuple(cls):
        if cls.bases and not _is_namedtuple(cls):
            return f"dataclass {cls.name} inherits fields from its bases"
        return tuple(_dataclass_params(cls)), False
    plain = all(_decorator_name(b) == "object" for b in cls.bases)
    if (cls.bases and not plain) or not _plain_metaclass(cls, classes or {}):
        return f"{cls.name} inherits its constructor (not in this file)"
    return (), False


def _constructor(
    fn: ChangedFunction, cls: ast.ClassDef, classes: dict[str, ast.ClassDef]
) -> ChangedFunction | str:
    """A stand-in ChangedFunction for the constructor (for ``args_for``), or why there is none."""
    made = _constructor_of(cls, classes)
    if isinstance(made, str):
        return made
    params, bound = made
    owner = _owner(cls, classes)
    node = constructor_node(owner)
    return dataclasses.replace(
        fn,
        function=f"{owner.name}.{node.name}" if node else cls.name,
        params=params,
        decorators=tuple(ast.unparse(d) for d in node.decorator_list) if node else (),
        is_method=bound,
        head_source=constructor_source(owner),
        base_source="",
    )


def receiver_spec(
    fn: ChangedFunction,
    module_src: str,
    *,
    rules: RuleSet,
    sources: Mapping[str, str] | None = None,
    constants: Sequence[str] = (),
    classes: ClassResolver | None = None,
    base_classes: Collection[str] | None = None,
) -> tuple[dict[str, Any] | None, str | None]:
    """``({"class": ..., "args": [...]}, None)``, or ``(None, why not)`` for an instance method.

    ``sources`` are the files to harvest the class's call literals from; ``constants`` add
    boundaries (the method's changed-line constants are used as well). The module's subclasses
    that inherit the method unchanged and are built with the same arguments are listed under
    ``"subclasses"`` (only those ``base_classes`` names, when given: the classes the base
    side's module defines too), and the driver draws the receiver's class among them.
    """
    refusal = receiver_refusal(fn)
    if refusal:
        return None, refusal
    assert fn.class_name is not None
    in_module = _classes(module_src)
    cls = in_module.get(fn.class_name)
    if cls is None:
        return None, f"class {fn.class_name} is not defined at module level"
    ctor = _constructor(fn, cls, in_module)
    if isinstance(ctor, str):
        return None, ctor
    own = callable_params(ctor)  # literals bind by position from the first explicit argument
    literals = harvest_literals(sources or {}, cls.name, own) if own else {}
    args, why_not = args_for(
        ctor, rules=rules, literals=literals, constants=constants, module_source=module_src,
        classes=classes, imports=classes.imports if classes is not None else None,
        optional_defaults=True,
    )  # fmt: skip
    if why_not:
        return None, f"cannot construct {cls.name}: " + "; ".join(why_not)
    spec: dict[str, Any] = {"class": cls.name, "args": args}
    made = factories(fn, cls, sources or {}, rules, module_src, classes, constants)
    if made:  # URL.from_text('http://a.com/b?q=1'): real instances come from these
        spec["factories"] = made
    method = fn.function.rsplit(".", 1)[-1]
    kin = [
        n for n in subclasses(cls, in_module, method) if base_classes is None or n in base_classes
    ]
    if kin:  # drawn from too: an abstract base, or behaviour that depends on the subclass
        spec["subclasses"] = kin
    steps = step_methods(
        cls, in_module, path=fn.path, module_source=module_src, rules=rules,
        constants=list(constants), class_specs=classes,
        imports=classes.imports if classes is not None else None,
    )  # fmt: skip
    if steps:  # calls made on the receiver first: a cache that is full, an order that matters
        spec["steps"] = steps
    seen = observed_properties(cls, in_module)
    if seen:  # read after the call: what callers see of the state
        spec["properties"] = seen
    return spec, None


MAX_DEPTH = 2


class ClassResolver:
    """Instance specs for class names as seen from one module of the repository."""

    def __init__(
        self,
        path: str,
        module: str,
        sources: Mapping[str, str],
        rules: RuleSet,
        *,
        depth: int = 0,
        index: Mapping[str, str] | None = None,
        base_sources: Mapping[str, str] | None = None,
    ) -> None:
        self.path, self.module, self.sources, self.rules, self.depth = (
            path, module, sources, rules, depth,
        )  # fmt: skip
        # head path -> the base side's text of that module: subclasses are drawn only from
        # classes both sides define (none for a module not given)
        self.base_sources = base_sources or {}
        self.imports = ImportMap(path, module, sources, index)
        self._cache: dict[str, dict[str, Any] | None] = {}

    def spec(self, name: str) -> dict[str, Any] | None:
        """The ``instance`` spec for ``name`` (``Money`` or ``models.Money``), or None."""
        if self.depth >= MAX_DEPTH:
            return None
        if name not in self._cache:
            self._cache[name] = None  # a class that needs itself is not built
            self._cache[name] = self._build(name.rsplit(".", 1)[-1])
        return self._cache[name]

    # -- finding the class -----------------------------------------------------------------

    def _find(self, name: str) -> tuple[str, str, ast.ClassDef] | None:
        """(module, path, class) of ``name`` as this module sees it."""
        tree = parse_module(self.sources.get(self.path, ""))
        if tree is None:
            return None
        own = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
        if own is not None:
            return self.module, self.path, own
        origin = self.imports.origin(name)
        found = parse_module(self.sources.get(origin.path, "")) if origin is not None else None
        if origin is None or found is None:
            return None
        cls = next(
            (n for n in found.body if isinstance(n, ast.ClassDef) and n.name == origin.name), None
        )
        return (origin.module, origin.path, cls) if cls is not None else None

    # -- building the spec -----------------------------------------------------------------

    def _build(self, name: str) -> dict[str, Any] | None:
        found = self._find(name)
        if found is None:
            return None
        module, path, cls = found
        classes = _classes(self.sources.get(path, ""))
        cls = classes.get(cls.name, cls)  # the same tree's node (the hierarchy compares nodes)
        params = constructor_params(cls, classes)
        if params is None:
            return None
        stand_in = ChangedFunction(
            path, cls.name, cls.lineno, cls.end_lineno or cls.lineno, "modified",
            params=params, head_source=constructor_source(cls, classes),
        )  # fmt: skip
        literals = harvest_literals(self.sources, cls.name, params, prefer=path)
        nested = ClassResolver(
            path, module, self.sources, self.rules, depth=self.depth + 1,
            index=self.imports.index, base_sources=self.base_sources,
        )  # fmt: skip
        args, why_not = args_for(
            stand_in,
            rules=self.rules,
            literals=literals,
            module_source=self.sources.get(path, ""),
            classes=nested,
            imports=nested.imports,
            optional_defaults=True,
        )
        if why_not:
            return None
        spec: dict[str, Any] = {"type": "instance", "module": module, "class": cls.name}
        spec["args"] = args
        base = self.base_sources.get(path)
        if base is not None:
            both = set(_classes(base))
            kin = [n for n in subclasses(cls, classes) if n in both]
            if kin:
                spec["subclasses"] = kin
        return spec


__all__ = [
    "ClassResolver",
    "constructor_node",
    "constructor_params",
    "constructor_source",
    "is_instance_method",
    "receiver_refusal",
    "receiver_spec",
    "source_of",
]
