"""The tagged JSON codec for values crossing processes (never pickle).

JSON scalars stand for themselves except floats (always tagged, so NaN, infinities and -0.0
survive). Everything else is an object with a ``"$"`` tag::

    {"$": "float", "v": "0.1"}            {"$": "decimal", "v": "1.50"}
    {"$": "fraction", "v": "1/3"}         {"$": "complex", "re": "1.0", "im": "-2.0"}
    {"$": "bytes", "v": "<base64>"}       {"$": "tuple" | "set" | "frozenset", "v": [...]}
    {"$": "dict", "v": [[k, v], ...]}     {"$": "date" | "datetime" | "time", "v": "<iso>"}
    {"$": "timedelta", "days": 1, "seconds": 2, "microseconds": 3}
    {"$": "enum", "type": "mod.Color", "name": "RED", "value": ...}
    {"$": "object", "type": "mod.Money", "state": {"$": "dict", ...}}
    {"$": "repr", "type": "mod.Thing", "v": "<repr, addresses scrubbed>"}
    {"$": "raised", "type": "builtins.ValueError", "message": "..."}
    {"$": "iterated", "type": "generator", "v": [...]}   (what an iterator result yielded)
    {"$": "new", "module": "money.core", "class": "Money", "pos": [...], "kw": {...}}
                                          (an argument each call server constructs itself)
    {"$": "cycle"}                        {"$": "truncated", "type": "..."}
    {"$": "builtin", "name": "len"}       (one of the deterministic builtins in CALLABLES)

Lists are JSON arrays. Values the codec cannot rebuild (objects, enums, repr, raised) decode to
the inert stand-ins below: the driver compares and prints them without importing PR code.
"""

from __future__ import annotations

import base64
import builtins
import dataclasses
import datetime as dt
import enum
import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

MAX_DEPTH = 40
MAX_NODES = 50_000
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class CodecError(ValueError):
    """A document that is not a valid encoded value."""


# Builtins a callable parameter is drawn from (``Cache(2, getsizeof=len)``, ``choice=min``):
# deterministic, no side effects, no I/O; by name both ways, never anything else.
CALLABLES = (
    "len", "abs", "str", "repr", "bool", "int", "float", "sorted", "min", "max", "list",
    "tuple", "sum", "ord", "chr", "round",
)  # fmt: skip
_CALLABLE_NAMES = {id(getattr(builtins, n)): n for n in CALLABLES}


def builtin_name(value: Any) -> str | None:
    """The name of ``value`` when it is one of :data:`CALLABLES` itself, else None."""
    name = _CALLABLE_NAMES.get(id(value))
    return name if name is not None and getattr(builtins, name) is value else None


def show(value: Any) -> str:
    """``repr``, except a builtin callable reads as its name (``getsizeof=len``)."""
    name = builtin_name(value)
    return name if name is not None else repr(value)


def _builtin(name: Any) -> Any:
    if name not in CALLABLES:
        raise ValueError(f"not an allowed builtin: {str(name)[:40]!r}")
    return getattr(builtins, name)


@dataclasses.dataclass(frozen=True)
class Raised:
    """A call that raised: equal to another Raised of the same exception type."""

    type: str
    message: str = ""

    def __repr__(self) -> str:  # the message stays in the encoded value, not in the witness
        return f"Raised({self.type.removeprefix('builtins.')!r})"


@dataclasses.dataclass(frozen=True)
class Iterated:
    """What an iterator result (a generator) yielded, drained by the call server."""

    type: str
    items: list[Any]

    def __repr__(self) -> str:
        return f"<{self.type.rsplit('.', 1)[-1]} yielding {self.items!r}>"


@dataclasses.dataclass(frozen=True)
class New:
    """An argument of a class of the code under test: ``module.cls(*pos, **kw)``, built by
    each side's call server from its own module (the driver never imports it)."""

    module: str
    cls: str
    pos: tuple[Any, ...] = ()
    kw: tuple[tuple[str, Any], ...] = ()

    def __repr__(self) -> str:
        inner = [show(v) for v in self.pos] + [f"{k}={show(v)}" for k, v in self.kw]
        return f"{self.cls}({', '.join(inner)})"


@dataclasses.dataclass(frozen=True)
class Opaque:
    """An object from the code under test, known only by type and state (or repr)."""

    type: str
    state: Any = None
    text: str | None = None  # the scrubbed repr when the state could not be encoded

    def __repr__(self) -> str:
        if self.text is not None:
            return self.text
        name = self.type.rsplit(".", 1)[-1]
        if isinstance(self.state, dict):
            if all(isinstance(k, str) and k.isidentifier() for k in self.state):
                inner = ", ".join(f"{k}={v!r}" for k, v in self.state.items())
                return f"{name}({inner})"
            return f"{name}({self.state!r})"  # OrderedDict({'A': None, 0: None})
        return f"{name}({self.state!r})"


@dataclasses.dataclass(frozen=True)
class EnumMember:
    type: str
    name: str
    value: Any = None

    def __repr__(self) -> str:
        return f"{self.type.rsplit('.', 1)[-1]}.{self.name}"


def type_name(obj: Any) -> str:
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def encode(value: Any) -> Any:
    return _Encoder().enc(value, 0)


class _Encoder:
    def __init__(self) -> None:
        self.nodes = 0
        self.stack: set[int] = set()

    def enc(self, v: Any, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            return {"$": "truncated", "type": type_name(v)}
        if v is None or type(v) in (bool, int, str):
            return v
        name = builtin_name(v)
        if name is not None:
            return {"$": "builtin", "name": name}
        t = type(v)
        if t is float:
            return {"$": "float", "v": repr(v)}
        if t is Decimal:
            return {"$": "decimal", "v": str(v)}
        if t is Fraction:
            return {"$": "fraction", "v": str(v)}
        if t is complex:
            return {"$": "complex", "re": repr(v.real), "im": repr(v.imag)}
        if t in (bytes, bytearray):
            return {"$": "bytes", "v": base64.b64encode(bytes(v)).decode()}
        if t is dt.datetime:
            return {"$": "datetime", "v": v.isoformat()}
        if t is dt.date:
            return {"$": "date", "v": v.isoformat()}
        if t is dt.time:
            return {"$": "time", "v": v.isoformat()}
        if t is dt.timedelta:
            return {
                "$": "timedelta",
                "days": v.days,
                "seconds": v.seconds,
                "microseconds": v.microseconds,
            }
        if isinstance(v, (Raised, Opaque, EnumMember, Iterated, New)):
            return _encode_standin(self, v, depth)
        if isinstance(v, enum.Enum):
            return {
                "$": "enum",
                "type": type_name(v),
                "name": v.name,
                "value": self.enc(v.value, depth + 1),
            }
        if id(v) in self.stack:
            return {"$": "cycle"}
        self.stack.add(id(v))
        try:
            return self._container(v, t, depth)
        finally:
            self.stack.discard(id(v))

    def _container(self, v: Any, t: type, depth: int) -> Any:
        d = depth + 1
        if t is list:
            return [self.enc(x, d) for x in v]
        if t is tuple:
            return {"$": "tuple", "v": [self.enc(x, d) for x in v]}
        if t in (set, frozenset):
            items = sorted((self.enc(x, d) for x in v), key=_sort_key)
            return {"$": t.__name__, "v": items}
        if t is dict:
            return {"$": "dict", "v": [[self.enc(k, d), self.enc(x, d)] for k, x in v.items()]}
        return self._object(v, depth)

    def _object(self, v: Any, depth: int) -> Any:
        state: dict[str, Any] | None = None
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            state = {f.name: getattr(v, f.name) for f in dataclasses.fields(v)}
        elif isinstance(v, tuple) and hasattr(v, "_fields"):  # namedtuple
            state = dict(zip(v._fields, v, strict=False))
        elif isinstance(v, (int, float, str, bytes, list, dict, tuple, set, frozenset, Decimal)):
            # A subclass of a builtin: keep the builtin value as its state.
            base = next(b for b in type(v).__mro__ if b.__module__ == "builtins" or b is Decimal)
            return {"$": "object", "type": type_name(v), "state": self.enc(base(v), depth + 1)}
        elif hasattr(v, "__dict__") and isinstance(vars(v), dict):
            state = dict(vars(v))
        elif hasattr(type(v), "__slots__"):
            slots = [s for c in type(v).__mro__ for s in getattr(c, "__slots__", ())]
            state = {s: getattr(v, s) for s in slots if isinstance(s, str) and hasattr(v, s)}
        if state is not None and not callable(v):
            return {
                "$": "object",
                "type": type_name(v),
                "state": self.enc({str(k): x for k, x in state.items()}, depth + 1),
            }
        return {"$": "repr", "type": type_name(v), "v": safe_repr(v)}


def _encode_standin(encoder: _Encoder, v: Any, depth: int) -> Any:
    if isinstance(v, New):
        return {
            "$": "new",
            "module": v.module,
            "class": v.cls,
            "pos": [encoder.enc(x, depth + 1) for x in v.pos],
            "kw": {k: encoder.enc(x, depth + 1) for k, x in v.kw},
        }
    if isinstance(v, Iterated):
        return {"$": "iterated", "type": v.type, "v": [encoder.enc(x, depth + 1) for x in v.items]}
    if isinstance(v, Raised):
        return {"$": "raised", "type": v.type, "message": v.message}
    if isinstance(v, EnumMember):
        return {
            "$": "enum",
            "type": v.type,
            "name": v.name,
            "value": encoder.enc(v.value, depth + 1),
        }
    if v.text is not None:
        return {"$": "repr", "type": v.type, "v": v.text}
    return {"$": "object", "type": v.type, "state": encoder.enc(v.state, depth + 1)}


def safe_repr(v: Any, limit: int = 2000) -> str:
    try:
        text = repr(v)
    except Exception as exc:  # a broken __repr__ in the code under test is still a value
        text = f"<{type_name(v)} with failing repr: {type(exc).__name__}>"
    text = _ADDRESS.sub("", text)
    return text if len(text) <= limit else text[:limit] + "…"


def _sort_key(doc: Any) -> str:
    import json

    return json.dumps(doc, sort_keys=True)


def decode(doc: Any) -> Any:
    if doc is None or type(doc) in (bool, int, str):
        return doc
    if type(doc) is list:
        return [decode(x) for x in doc]
    if type(doc) is not dict:
        raise CodecError(f"not an encoded value: {type(doc).__name__}")
    tag = doc.get("$")
    try:
        return _DECODERS[tag](doc)
    except KeyError as exc:
        raise CodecError(f"bad encoded value {str(doc)[:100]}: {exc}") from exc
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise CodecError(f"bad encoded value {str(doc)[:100]}: {exc}") from exc


def _dict(doc: dict[str, Any]) -> dict[Any, Any]:
    return {_hashable(decode(k)): decode(v) for k, v in doc["v"]}


def _hashable(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    return v


_DECODERS: dict[Any, Any] = {
    "float": lambda d: float(d["v"]),
    "builtin": lambda d: _builtin(d["name"]),
    "decimal": lambda d: Decimal(d["v"]),
    "fraction": lambda d: Fraction(d["v"]),
    "complex": lambda d: complex(float(d["re"]), float(d["im"])),
    "bytes": lambda d: base64.b64decode(d["v"], validate=True),
    "tuple": lambda d: tuple(decode(x) for x in d["v"]),
    "set": lambda d: {_hashable(decode(x)) for x in d["v"]},
    "frozenset": lambda d: frozenset(_hashable(decode(x)) for x in d["v"]),
    "dict": _dict,
    "date": lambda d: dt.date.fromisoformat(d["v"]),
    "datetime": lambda d: dt.datetime.fromisoformat(d["v"]),
    "time": lambda d: dt.time.fromisoformat(d["v"]),
    "timedelta": lambda d: dt.timedelta(
        days=d["days"], seconds=d["seconds"], microseconds=d["microseconds"]
    ),
    "enum": lambda d: EnumMember(str(d["type"]), str(d["name"]), decode(d.get("value"))),
    "object": lambda d: Opaque(str(d["type"]), decode(d.get("state"))),
    "repr": lambda d: Opaque(str(d["type"]), None, str(d["v"])),
    "raised": lambda d: Raised(str(d["type"]), str(d.get("message", ""))),
    "iterated": lambda d: Iterated(str(d["type"]), [decode(x) for x in d["v"]]),
    "new": lambda d: New(
        str(d["module"]),
        str(d["class"]),
        tuple(decode(x) for x in d.get("pos", [])),
        tuple((str(k), decode(x)) for k, x in dict(d.get("kw", {})).items()),
    ),
    "cycle": lambda d: Opaque("cycle", None, "<cycle>"),
    "truncated": lambda d: Opaque(str(d["type"]), None, f"<{d['type']} too deep/large>"),
}


def is_nan(v: Any) -> bool:
    if isinstance(v, float):
        return math.isnan(v)
    if isinstance(v, Decimal):
        return v.is_nan()
    return False
