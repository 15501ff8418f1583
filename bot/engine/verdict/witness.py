"""Ready-to-paste pytest tests that reproduce a witness: pass on base, fail on head.

Pure text work on values the harness already rendered (``call``, ``base``, ``head`` reprs and
the tagged base value of docs/protocol.md). Nothing here imports or runs the code under test;
the pipeline runs the produced test in the sandbox to confirm it.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Tags whose repr() is a Python expression that evaluates to an equal value.
_EVALUABLE = {
    "int",
    "str",
    "bool",
    "none",
    "decimal",
    "fraction",
    "date",
    "datetime",
    "time",
    "timedelta",
    "bytes",
    "tuple",
    "list",
    "dict",
    "set",
    "frozenset",
    "complex",
}
_RAISED = {"raised", "exception"}
_IMPORTS = (
    ("Decimal(", "from decimal import Decimal"),
    ("Fraction(", "from fractions import Fraction"),
    ("datetime.", "import datetime"),
    ("math.", "import math"),
    ("OrderedDict(", "from collections import OrderedDict"),
)
_BARE_FLOATS = re.compile(r"(?<![\w'\".])(-?)(nan|inf)(?![\w'\"])")


@dataclass(frozen=True)
class WitnessTest:
    name: str
    source: str


def _tag(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("$", "object"))
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "object"


def _evaluable(value: Any) -> bool:
    tag = _tag(value)
    if tag in ("list", "tuple", "set", "frozenset"):
        return all(_evaluable(v) for v in value.get("v", value.get("items", [])))
    if tag == "float":
        raw = value.get("v") if isinstance(value, dict) else value
        return str(raw) not in ("nan", "inf", "-inf")
    return tag in _EVALUABLE


_TYPE_NAMES = {"int": "int", "float": "float", "str": "str", "bool": "bool", "decimal": "Decimal",
               "fraction": "Fraction", "date": "date", "datetime": "datetime", "list": "list",
               "tuple": "tuple", "timedelta": "timedelta", "none": "NoneType"}  # fmt: skip


def _type_name(value: Any) -> str | None:
    """The class name of a tagged value (``pkg.Money`` -> ``Money``), when known."""
    if isinstance(value, list):
        return "list"
    tag = _tag(value)
    if tag in ("object", "repr") and isinstance(value, dict) and value.get("type"):
        return str(value["type"]).rsplit(".", 1)[-1]
    return _TYPE_NAMES.get(tag)


def _source(value: Any, depth: int = 0) -> str | None:
    """Python source that evaluates to a tagged value, or None."""
    if value is None or isinstance(value, bool | int | str):
        return repr(value)
    if depth > 3:
        return None
    if isinstance(value, list):
        items = [_source(v, depth + 1) for v in value]
        return None if None in items else "[" + ", ".join(str(i) for i in items) + "]"
    tag, raw = _tag(value), value.get("v") if isinstance(value, dict) else None
    if tag == "dict" and isinstance(raw, list):
        pairs = [(_source(k, depth + 1), _source(v, depth + 1)) for k, v in raw]
        if any(k is None or v is None for k, v in pairs):
            return None
        return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
    if tag in ("set", "frozenset") and isinstance(raw, list):
        items = [_source(v, depth + 1) for v in raw]
        if None in items:
            return None
        inner = ", ".join(str(i) for i in items)
        return f"{tag}({{{inner}}})" if items else f"{tag}()"
    if tag == "float" and str(raw) not in ("nan", "inf", "-inf"):
        return str(raw)
    if tag == "object" and value.get("type") == "collections.OrderedDict":
        items_src = _source(value.get("state"), depth + 1)  # a dict: its items in order
        return f"OrderedDict({items_src})" if items_src is not None else None
    if tag == "decimal":
        return f"Decimal({raw!r})"
    if tag == "fraction":
        return f"Fraction({raw!r})"
    if tag in ("date", "datetime"):
        return f"datetime.{tag}.fromisoformat({raw!r})"
    if tag == "tuple" and isinstance(raw, list):
        items = [_source(v, depth + 1) for v in raw]
        if None in items:
            return None
        return "(" + ", ".join(str(i) for i in items) + ("," if len(items) == 1 else "") + ")"
    return None


_NUMBERS = {"int", "float", "Decimal", "Fraction"}
_MAX_YIELDED = 1000  # as many items as the harness drains from a generator


def _object_asserts(call: str, value: dict[str, Any], local: str) -> list[str] | None:
    """``local = call`` then its type and each attribute of its state that has a source."""
    if not isinstance(value, dict):
        return None
    name = _type_name(value)
    state = value.get("state")
    if not name or not isinstance(state, dict) or state.get("$") != "dict":
        return None
    lines = [f"    {local} = {call}", f"    assert type({local}).__name__ == {name!r}"]
    for key, item in state.get("v", []):
        text = _source(item)
        if (
            isinstance(key, str)
            and key.isidentifier()
            and not keyword.iskeyword(key)
            and text is not None
        ):
            lines.append(f"    assert {local}.{key} == {text}")
    return lines


def _is_nan(value: Any) -> bool:
    raw = value.get("v") if isinstance(value, dict) else value
    return _tag(value) == "float" and str(raw).lower() == "nan"


def _exception_type(value: dict[str, Any]) -> tuple[str, str]:
    """(type name, defining module) of a raised value."""
    qualified = str(value.get("type", "Exception"))
    module, _, name = qualified.rpartition(".")
    # The harness codec sends "pkg.mod.Name" (builtins bare); older answers a "module" key.
    return name, str(value.get("module") or module or "builtins")


def _same_package(exc_module: str, module: str) -> bool:
    if not exc_module or exc_module.startswith("<"):
        return False
    return exc_module.split(".", 1)[0] == module.split(".", 1)[0]


def python_literals(expr: str) -> str:
    """Make bare ``nan``/``inf`` from float reprs valid Python."""
    return _BARE_FLOATS.sub(lambda m: f"{m.group(1)}float('{m.group(2)}')", expr)


def _identifier(text: str) -> str:
    ident = re.sub(r"\W+", "_", text).strip("_").lower() or "function"
    return f"_{ident}" if keyword.iskeyword(ident) or ident[0].isdigit() else ident


def _state_body(state: dict[str, Any], base_value: Any, local: str) -> tuple[list[str], bool]:
    """(lines, needs ``contextlib``): build the receiver, call the method (base's exception,
    if it raised, suppressed), then assert each differing attribute that has a source."""
    receiver, method = str(state.get("receiver", "")), str(state.get("method", ""))
    base = state.get("base")
    base = base if isinstance(base, dict) else {}
    asserts = []
    for key in state.get("attributes") or ():
        text = _source(base.get(key)) if isinstance(key, str) else None
        if key.isidentifier() and not keyword.iskeyword(key) and text is not None:
            asserts.append(f"    assert {local}.{key} == {text}")
    if not receiver or not method or not asserts:
        return [], False
    raised = _tag(base_value) in _RAISED
    call = f"{local}.{python_literals(method)}"
    lines = _prelude_lines(receiver, state.get("steps"), local)
    lines += ["    with contextlib.suppress(Exception):", f"        {call}"] if raised else [
        f"    {call}"]  # fmt: skip
    return [*lines, *asserts], raised or bool(state.get("steps"))


def _prelude_lines(receiver: str, steps: Any, local: str) -> list[str]:
    """Build the receiver, then make each step on it (the harness ignores a step's exception,
    so does the test)."""
    lines = [f"    {local} = {python_literals(receiver)}"]
    for step in steps if isinstance(steps, list) else ():
        lines += [
            "    with contextlib.suppress(Exception):",
            f"        {local}.{python_literals(str(step))}",
        ]
    return lines


def build_test(
    *,
    module: str,
    qualname: str,
    call: str,
    base_value: Any,
    base_repr: str,
    head_repr: str,
    finding_id: str,
    origin: str = "differential",
    head_value: Any = None,
    constructs: Sequence[Sequence[str]] = (),
    state: dict[str, Any] | None = None,
    prelude: dict[str, Any] | None = None,
) -> WitnessTest:
    """A pytest test asserting base's behaviour, so it fails on head.

    ``head_value`` (tagged) sharpens the assertion where ``==`` would not tell the sides
    apart: an exception type exactly (``InvalidLength`` subclasses ``InvalidFormat``), the
    type of an equal value (``16`` against ``16.0``). ``constructs`` are ``(module, class)``
    pairs the call constructs (arguments of the repository's own classes). ``state`` (the
    harness's witness ``state``: equal results, receivers left different) asserts base's
    values of the differing attributes after the call instead. ``prelude`` (the witness's
    ``prelude``: steps made on the receiver first) builds the receiver, makes the steps, and
    calls the method on it.
    """
    top = qualname.split(".", 1)[0]
    call = python_literals(call)
    name = f"test_{_identifier(qualname)}_keeps_base_behaviour_{finding_id[:8]}"
    comment = f"    # deepcheck ({origin}): base gave {base_repr}, head gives {head_repr}.\n"
    imports = {f"from {module} import {top}"}
    local = "result" if top != "result" else "outcome"  # never the name under test
    for made_module, made_class in (tuple(pair) for pair in constructs if len(pair) == 2):
        if made_class != top and re.search(rf"\b{re.escape(made_class)}\(", call):
            imports.add(f"from {made_module} import {made_class}")
    body: list[str]
    pre: list[str] = []
    state_body, suppress = _state_body(state, base_value, "obj") if state else ([], False)
    if prelude and not state_body and prelude.get("receiver") and prelude.get("method"):
        pre = _prelude_lines(str(prelude["receiver"]), prelude.get("steps"), "obj")
        call = f"obj.{python_literals(str(prelude['method']))}"
        if len(pre) > 1:
            imports.add("import contextlib")
    if state_body:
        body = state_body
        if suppress:
            imports.add("import contextlib")
    elif _tag(base_value) in _RAISED:
        exc, exc_module = _exception_type(base_value)
        imports.add("import pytest")
        exact = _tag(head_value) in _RAISED  # head raised too: a subclass must not pass
        if (exc_module == "builtins" and hasattr(builtins, exc)) or (
            _same_package(exc_module, module) and exc.isidentifier()
        ):
            # A builtin, or an exception of the code under test's own package: by name. One
            # from elsewhere may be a look-alike (``_pydecimal`` raises classes whose
            # ``__module__`` is ``decimal``), so it is matched by name instead.
            if exc_module != "builtins":
                imports.add(f"from {exc_module} import {exc}")
            body = [
                f"    with pytest.raises({exc}){' as raised' if exact else ''}:",
                f"        {call}",
            ]
            if exact:
                body.append(f"    assert type(raised.value) is {exc}")
        else:
            body = [
                "    with pytest.raises(Exception) as raised:",
                f"        {call}",
                f"    assert type(raised.value).__name__ == {exc!r}",
            ]
    elif _is_nan(base_value):
        imports.add("import math")
        body = [f"    assert math.isnan({call})"]
    elif _evaluable(base_value):
        expected = python_literals(base_repr)
        kind, other = _type_name(base_value), _type_name(head_value)
        if head_value is not None and kind != other and {kind, other} <= _NUMBERS:
            # 16 against 16.0: equal, but a number of another type (not a subclass, which
            # the comparison would not have reported)
            body = [f"    {local} = {call}", f"    assert {local} == {expected}",
                    f"    assert type({local}).__name__ == {kind!r}"]  # fmt: skip
        else:
            body = [f"    assert {call} == {expected}"]
    elif _tag(base_value) == "object" and (asserts := _object_asserts(call, base_value, local)):
        body = asserts
    elif _tag(base_value) == "iterated" and (items := _source(base_value.get("v"))) is not None:
        # a generator: what it yields, as far as the harness drained it
        imports.add("import itertools")
        drained = f"list(itertools.islice({{}}, {_MAX_YIELDED}))"
        body = [f"    assert {drained.format(call)} == {items}"]
        if _tag(head_value) != "iterated":
            kind = str(base_value.get("type", "")).rsplit(".", 1)[-1]
            body = [f"    {local} = {call}", f"    assert type({local}).__name__ == {kind!r}",
                    f"    assert {drained.format(local)} == {items}"]  # fmt: skip
    else:
        body = [f"    assert repr({call}) == {base_repr!r}"]
    text = "\n".join([comment.rstrip("\n"), *pre, *body])
    for needle, line in _IMPORTS:
        if needle in text and not line.endswith(f" import {top}"):
            imports.add(line)  # never shadow the name under test (Decimal of _pydecimal)
    header = "\n".join(sorted(imports, key=lambda s: (not s.startswith("import"), s)))
    source = f"{header}\n\n\ndef {name}():\n{text}\n"
    return WitnessTest(name=name, source=source)
