"""The signature of the function under test, as the differential params describe it.

Turns a dict of argument values into a call-server request and into the human-readable call
of a witness: ``compound(principal=Decimal('1.00'), rate=Decimal('0.5'), periods=1)``.

An instance method has a ``receiver`` (its class and the constructor's arguments): the drawn
values then also hold the constructor's arguments under ``RECEIVER`` (not an identifier, so it
never clashes with a parameter), and the call reads ``Counter(start=0, step=1).nth(n=2)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from . import strategies
from .codec import decode, encode, show

KINDS = (
    "positional_only",
    "positional_or_keyword",
    "keyword_only",
    "var_positional",
    "var_keyword",
)


@dataclass(frozen=True)
class Arg:
    name: str
    kind: str
    strategy: dict[str, Any]
    optional: bool = False  # a constructor's defaulted argument: sometimes left out


RECEIVER = "$receiver"
CLASS = "$class"  # in the receiver's values: which of its subclasses was drawn
FACTORY = "$factory"  # in the receiver's values: the alternative constructor used, if any
STEPS = "$steps"  # in the receiver's values: [(method, its argument values)] called first
MAX_STEPS = 4


def _args(docs: Any) -> tuple[Arg, ...]:
    args = tuple(
        Arg(
            str(a["name"]),
            str(a.get("kind", "positional_or_keyword")),
            a["strategy"],
            bool(a.get("optional", False)),
        )
        for a in docs or []
    )
    for a in args:
        if a.kind not in KINDS:
            raise strategies.SpecError(f"argument {a.name}: unknown kind {a.kind!r}")
    return args


def _split(args: tuple[Arg, ...], values: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    pos: list[Any] = []
    kw: list[tuple[str, Any]] = []
    for a in args:
        if a.name not in values:
            continue
        v = values[a.name]
        if a.kind == "positional_only":
            pos.append(v)
        elif a.kind == "var_positional":
            pos.extend(v)
        elif a.kind == "var_keyword":
            kw.extend((str(k), x) for k, x in dict(v).items())
        else:
            kw.append((a.name, v))
    return pos, kw


def _encoded_call(args: tuple[Arg, ...], values: dict[str, Any]) -> dict[str, Any]:
    pos, kw = _split(args, values)
    return {"pos": [encode(v) for v in pos], "kw": {k: encode(v) for k, v in kw}}


def _text(args: tuple[Arg, ...], values: dict[str, Any]) -> str:
    pos, kw = _split(args, values)
    return ", ".join([show(v) for v in pos] + [f"{k}={show(v)}" for k, v in kw])


@dataclass(frozen=True)
class Receiver:
    """The instance an instance method is called on: ``class_name(**args)``."""

    class_name: str
    args: tuple[Arg, ...]
    # Subclasses (same module, same constructor, the method inherited unchanged) the receiver's
    # class is drawn among, under CLASS in the drawn values: an abstract base is then reached.
    subclasses: tuple[str, ...] = ()
    # Alternative constructors (``from_text``...): (classmethod name, its arguments); the one
    # drawn is under FACTORY in the drawn values, absent when the constructor was used.
    factories: tuple[tuple[str, tuple[Arg, ...]], ...] = ()
    # Methods called on the new instance, in a drawn order, before the method under test
    # (under STEPS in the drawn values): (method name, its arguments).
    steps: tuple[tuple[str, tuple[Arg, ...]], ...] = ()
    # Public properties read after the call and compared with the public attributes.
    properties: tuple[str, ...] = ()

    def steps_of(self, values: dict[str, Any]) -> list[tuple[str, tuple[Arg, ...], dict[str, Any]]]:
        """The drawn steps: (method, its argument specs, its values)."""
        specs = dict(self.steps)
        out = []
        for item in values.get(STEPS) or ():
            name, own = item
            if name in specs and isinstance(own, dict):
                out.append((name, specs[name], own))
        return out

    def steps_text(self, values: dict[str, Any]) -> list[str]:
        """``["__setitem__('a', 1)", ...]``: the drawn steps as calls on the instance."""
        return [f"{name}({_text(args, own)})" for name, args, own in self.steps_of(values)]

    def steps_request(self, values: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"name": n, **_encoded_call(a, own)} for n, a, own in self.steps_of(values)]

    def chosen(self, values: dict[str, Any]) -> str:
        name = values.get(CLASS)
        return name if isinstance(name, str) and name in self.subclasses else self.class_name

    def made_by(self, values: dict[str, Any]) -> tuple[str | None, tuple[Arg, ...]]:
        """(the factory the values were drawn for, or None: the constructor; its arguments)."""
        name = values.get(FACTORY)
        for factory, args in self.factories:
            if factory == name:
                return factory, args
        return None, self.args

    def strategy(self) -> st.SearchStrategy[dict[str, Any]]:
        ways = [(None, self.args), *self.factories]
        options = []
        for name, args in ways:
            own = {a.name: strategies.build(a.strategy) for a in args}
            optional = {a.name for a in args if a.optional}
            required = {k: v for k, v in own.items() if k not in optional}
            if self.subclasses:
                required[CLASS] = st.sampled_from((self.class_name, *self.subclasses))
            if name is not None:
                required[FACTORY] = st.just(name)
            if self.steps:
                one = [
                    st.tuples(
                        st.just(method),
                        st.fixed_dictionaries({a.name: strategies.build(a.strategy) for a in own}),
                    )
                    for method, own in self.steps
                ]
                required[STEPS] = st.lists(st.one_of(*one), max_size=MAX_STEPS)
            options.append(
                st.fixed_dictionaries(
                    required, optional={k: v for k, v in own.items() if k in optional}
                )
            )
        return st.one_of(*options)


@dataclass(frozen=True)
class CallSpec:
    module: str
    base_module: str
    qualname: str
    args: tuple[Arg, ...]
    receiver: Receiver | None = None

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> CallSpec:
        try:
            module = str(params["module"])
            qualname = str(params["qualname"])
            args = _args(params.get("args", []))
            doc = params.get("receiver")
            receiver = None
            if doc is not None:
                kin = tuple(str(n) for n in doc.get("subclasses") or ())
                made = tuple(
                    (str(f["name"]), _args(f.get("args", []))) for f in doc.get("factories") or ()
                )
                steps = tuple(
                    (str(f["name"]), _args(f.get("args", []))) for f in doc.get("steps") or ()
                )
                seen = tuple(str(n) for n in doc.get("properties") or ())
                receiver = Receiver(
                    str(doc["class"]), _args(doc.get("args", [])), kin, made, steps, seen
                )
        except (KeyError, TypeError, AttributeError) as exc:
            raise strategies.SpecError(f"bad differential params: missing {exc}") from exc
        if receiver is not None:
            for name in (receiver.class_name, *receiver.subclasses):
                if not all(p.isidentifier() for p in name.split(".")):
                    raise strategies.SpecError(f"receiver class {name!r} is not a name")
            for name, _args_of in (*receiver.factories, *receiver.steps):
                if not name.isidentifier():
                    raise strategies.SpecError(f"receiver method {name!r} is not a name")
            for name in receiver.properties:
                if not name.isidentifier():
                    raise strategies.SpecError(f"receiver property {name!r} is not a name")
        return cls(module, str(params.get("base_module") or module), qualname, args, receiver)

    def strategy(self) -> st.SearchStrategy[dict[str, Any]]:
        drawn = {a.name: strategies.build(a.strategy) for a in self.args}
        if self.receiver is not None:
            drawn[RECEIVER] = self.receiver.strategy()
        return st.fixed_dictionaries(drawn)

    def method_args(self, values: dict[str, Any]) -> dict[str, Any]:
        """The arguments of the function itself (without the receiver's)."""
        return {k: v for k, v in values.items() if k != RECEIVER}

    def request(self, values: dict[str, Any]) -> dict[str, Any]:
        out = _encoded_call(self.args, values)
        if self.receiver is not None:
            own = values.get(RECEIVER, {})
            factory, args = self.receiver.made_by(own)
            out["receiver"] = _encoded_call(args, own)
            if self.receiver.subclasses:
                out["receiver"]["class"] = self.receiver.chosen(own)
            if factory is not None:
                out["receiver"]["factory"] = factory
            steps = self.receiver.steps_request(own)
            if steps:
                out["receiver"]["steps"] = steps
        return out

    def call_text(self, values: dict[str, Any]) -> str:
        if self.receiver is None:
            return f"{self.qualname}({_text(self.args, values)})"
        steps = self.receiver.steps_text(values.get(RECEIVER, {}))
        if steps:  # statements: obj = Cache(2); obj.__setitem__('a', 1); obj.get('a')
            calls = "; ".join(f"obj.{s}" for s in [*steps, self.method_text(values)])
            return f"obj = {self.receiver_text(values)}; {calls}"
        return f"{self.receiver_text(values)}.{self.method_text(values)}"

    def steps_text(self, values: dict[str, Any]) -> list[str]:
        """The steps made on the receiver before the call (none without a receiver)."""
        if self.receiver is None:
            return []
        return self.receiver.steps_text(values.get(RECEIVER, {}))

    def receiver_text(self, values: dict[str, Any]) -> str:
        """How the receiver is built: ``Counter(start=0)``, ``URL.from_text(text='a')``."""
        if self.receiver is None:
            return ""
        own = values.get(RECEIVER, {})
        factory, args = self.receiver.made_by(own)
        via = f".{factory}" if factory is not None else ""
        return f"{self.receiver.chosen(own)}{via}({_text(args, own)})"

    def method_text(self, values: dict[str, Any]) -> str:
        """The method's call on the receiver: ``nth(n=2)``."""
        return f"{self.qualname.rsplit('.', 1)[-1]}({_text(self.args, values)})"

    def explicit_examples(self, docs: Any) -> list[dict[str, Any]]:
        """``params.examples``: argument dicts (encoded values) tried before generated ones.

        With a receiver, each also gives the constructor's arguments under ``"$receiver"``.
        """
        names = {a.name for a in self.args}
        if self.receiver is not None:
            names.add(RECEIVER)
        out = []
        for doc in docs or []:
            if not isinstance(doc, dict) or set(doc) != names:
                raise strategies.SpecError(f"example must give exactly {sorted(names)}: {doc!r}")
            values = {k: decode(v) for k, v in doc.items() if k != RECEIVER}
            if self.receiver is not None:
                own = doc[RECEIVER]
                _factory, args = self.receiver.made_by(own if isinstance(own, dict) else {})
                wanted = {a.name for a in args} | {CLASS, FACTORY, STEPS}
                needed = {a.name for a in args if not a.optional}
                if not isinstance(own, dict) or not needed <= set(own) <= wanted:
                    raise strategies.SpecError(
                        f"example receiver must give exactly {sorted(wanted)}: {own!r}"
                    )
                values[RECEIVER] = {k: decode(v) for k, v in own.items()}
            out.append(values)
        return out

    def encoded_args(self, values: dict[str, Any]) -> dict[str, Any]:
        return {k: encode(v) for k, v in self.method_args(values).items()}

    def encoded_receiver(self, values: dict[str, Any]) -> dict[str, Any] | None:
        if self.receiver is None:
            return None
        return {k: encode(v) for k, v in values.get(RECEIVER, {}).items()}
