"""Hypothesis strategies from the JSON strategy specs of docs/protocol.md (kind differential).

Built in the trusted driver: specs are data from the host, nothing here imports PR code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from . import regexlimits
from .codec import CALLABLES, New, decode


class SpecError(ValueError):
    """A strategy spec this harness cannot build."""


def _opt(spec: dict[str, Any], key: str, conv: Any) -> Any:
    v = spec.get(key)
    return None if v is None else conv(v)


def _decimals(s: dict[str, Any]) -> st.SearchStrategy[Any]:
    return st.decimals(
        min_value=_opt(s, "min", lambda v: Decimal(str(v))),
        max_value=_opt(s, "max", lambda v: Decimal(str(v))),
        places=_opt(s, "places", int),
        allow_nan=bool(s.get("allow_nan", False)),
        allow_infinity=bool(s.get("allow_infinity", False)),
    )


def _floats(s: dict[str, Any]) -> st.SearchStrategy[Any]:
    return st.floats(
        min_value=_opt(s, "min", float),
        max_value=_opt(s, "max", float),
        allow_nan=s.get("allow_nan"),
        allow_infinity=s.get("allow_infinity"),
    )


def _fractions(s: dict[str, Any]) -> st.SearchStrategy[Any]:
    return st.fractions(
        min_value=_opt(s, "min", lambda v: Fraction(str(v))),
        max_value=_opt(s, "max", lambda v: Fraction(str(v))),
        max_denominator=_opt(s, "max_denominator", int),
    )


def _text(s: dict[str, Any]) -> st.SearchStrategy[Any]:
    alphabet = s.get("alphabet")
    return st.text(
        alphabet=st.characters() if alphabet is None else str(alphabet),
        min_size=int(s.get("min_size", 0)),
        max_size=_opt(s, "max_size", int),
    )


def _dates(s: dict[str, Any]) -> st.SearchStrategy[Any]:
    return st.dates(
        min_value=_opt(s, "min", dt.date.fromisoformat) or dt.date.min,
        max_value=_opt(s, "max", dt.date.fromisoformat) or dt.date.max,
    )


# A fixed UTC offset, whole minutes: what ``+02:00`` in a timestamp makes.
_OFFSETS = st.builds(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)), st.integers(-1439, 1439)
)


def _datetimes(s: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Naive datetimes, and (unless ``"naive": true``) aware ones with UTC or a fixed offset:
    code that converts to timestamps or between zones changes behaviour only on those."""
    zones = st.none() if s.get("naive") else st.one_of(st.none(), st.just(dt.UTC), _OFFSETS)
    return st.datetimes(
        min_value=_opt(s, "min", dt.datetime.fromisoformat) or dt.datetime.min,
        max_value=_opt(s, "max", dt.datetime.fromisoformat) or dt.datetime.max,
        timezones=zones,
    )


def _timedeltas(s: dict[str, Any]) -> st.SearchStrategy[Any]:
    lo, hi = s.get("min_days"), s.get("max_days")
    return st.timedeltas(
        min_value=dt.timedelta.min if lo is None else dt.timedelta(days=int(lo)),
        max_value=dt.timedelta.max if hi is None else dt.timedelta(days=int(hi)),
    )


def _instances(s: dict[str, Any]) -> st.SearchStrategy[Any]:
    """``{"type": "instance", "module": ..., "class": ..., "args": [{"name", "kind",
    "strategy", "optional"}], "subclasses": [...]}``: a ``New`` the call server constructs
    (keyword arguments except positional-only ones; ``optional`` ones are sometimes left out),
    of the class or of one of the listed subclasses (built with the same arguments)."""
    module, cls = str(s["module"]), str(s["class"])
    kin = [str(n) for n in s.get("subclasses") or ()]
    for name in (cls, *kin):
        if not all(p.isidentifier() for p in [*module.split("."), *name.split(".")]):
            raise SpecError(f"instance of {module}.{name}: not a name")
    args = [
        (str(a["name"]), str(a.get("kind", "")), build(a["strategy"]), bool(a.get("optional")))
        for a in s["args"]
    ]
    positional = [strat for _n, kind, strat, _o in args if kind == "positional_only"]
    required = {n: strat for n, kind, strat, o in args if kind != "positional_only" and not o}
    optional = {n: strat for n, kind, strat, o in args if kind != "positional_only" and o}

    def make(values: tuple[str, tuple[Any, ...], dict[str, Any]]) -> New:
        name, pos, kw = values
        return New(module, name, tuple(pos), tuple(kw.items()))

    return st.tuples(
        st.sampled_from([cls, *kin]),
        st.tuples(*positional),
        st.fixed_dictionaries(required, optional=optional),
    ).map(make)


def _regex(s: dict[str, Any]) -> st.SearchStrategy[Any]:
    """``{"type": "regex", "pattern": p}``: strings that contain a match of ``p`` (the code's
    own regular expressions: random text almost never matches them)."""
    import re

    pattern = str(s["pattern"])
    refused = regexlimits.refusal(pattern)
    if refused:
        raise ValueError(refused)
    try:
        compiled = re.compile(pattern)
    except re.error as exc:  # a SpecError for the caller, like any bad spec
        raise ValueError(f"pattern does not compile: {exc}") from None
    return st.from_regex(compiled, fullmatch=bool(s.get("fullmatch", False)))


def _splice(s: dict[str, Any]) -> st.SearchStrategy[Any]:
    """``{"type": "splice", "pieces": [...], "max_pieces": 6}``: the code's own characters and
    substrings (``'#'``, ``'&#x'``, separators, quotes) joined with a little random text, or
    a few digits (``'1' '.' '5' '%'``: the numbers text is read as need them)."""
    pieces = [str(p) for p in s["pieces"]]
    if not pieces:
        raise ValueError("no pieces")
    size = int(s.get("filler", 3))
    if size < 0:
        raise ValueError("negative filler")
    filler = st.text(max_size=size)
    if size:
        filler = st.one_of(filler, st.text(alphabet="0123456789", min_size=1, max_size=size))
    part = st.one_of(st.sampled_from(pieces), filler)
    return st.lists(part, min_size=1, max_size=int(s.get("max_pieces", 6))).map("".join)


_MUTATIONS = ("insert", "replace", "delete", "repeat", "case")


def _mutate(s: dict[str, Any]) -> st.SearchStrategy[Any]:
    """``{"type": "mutate", "seeds": [...], "pieces": [...]}``: a known-good string (a literal
    from the repository's docs and tests) with one to three small edits: a chunk (a piece,
    digits or a character) inserted or put in place of a character, a span deleted, repeated
    or its case flipped. Well-formed input just off the examples: where parsers' edge cases
    live (``'12:00:00Z'`` -> ``'12:00:00.5Z'``)."""
    seeds = [str(x) for x in s["seeds"]]
    if not seeds:
        raise ValueError("no seeds")
    chunk = st.one_of(
        st.sampled_from([str(p) for p in s.get("pieces") or ()] or seeds),
        st.text(alphabet="0123456789", min_size=1, max_size=3),
        st.characters(),
    )

    @st.composite
    def edited(draw: Any) -> str:
        text = draw(st.sampled_from(seeds))
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(text)))
            end = min(len(text), at + draw(st.integers(1, 4)))
            edit = draw(st.sampled_from(_MUTATIONS)) if text else "insert"
            if edit == "insert":
                text = text[:at] + draw(chunk) + text[at:]
            elif edit == "replace":
                text = text[:at] + draw(chunk) + text[at + 1 :]
            elif edit == "delete":
                text = text[:at] + text[end:]
            elif edit == "repeat":
                text = text[:end] + text[at:end] + text[end:]
            else:
                text = text[:at] + text[at:end].swapcase() + text[end:]
        return text

    return edited()


_BUILDERS: dict[str, Any] = {
    "integers": lambda s: st.integers(_opt(s, "min", int), _opt(s, "max", int)),
    "decimals": _decimals,
    "floats": _floats,
    "fractions": _fractions,
    "text": _text,
    "booleans": lambda s: st.booleans(),
    "none": lambda s: st.none(),
    "dates": _dates,
    "datetimes": _datetimes,
    "timedeltas": _timedeltas,
    "lists": lambda s: st.lists(
        build(s["elements"]), min_size=int(s.get("min_size", 0)), max_size=_opt(s, "max_size", int)
    ),
    "tuples": lambda s: st.tuples(*(build(e) for e in s["elements"])),
    "dicts": lambda s: st.dictionaries(
        build(s["keys"]),
        build(s["values"]),
        min_size=int(s.get("min_size", 0)),
        max_size=_opt(s, "max_size", int),
    ),
    "one_of": lambda s: st.one_of(*(build(o) for o in s["options"])),
    "sampled_from": lambda s: st.sampled_from([decode(v) for v in s["values"]]),
    "just": lambda s: st.just(decode(s["value"])),
    "instance": _instances,
    "callable": lambda s: st.sampled_from(
        [decode({"$": "builtin", "name": str(n)}) for n in s.get("names") or CALLABLES]
    ),
    "regex": _regex,
    "splice": _splice,
    "mutate": _mutate,
}


def build(spec: Any) -> st.SearchStrategy[Any]:
    if not isinstance(spec, dict) or "type" not in spec:
        raise SpecError(f"strategy spec must be an object with a type: {spec!r}")
    builder = _BUILDERS.get(spec["type"])
    if builder is None:
        raise SpecError(f"unknown strategy type {spec['type']!r}; known: {sorted(_BUILDERS)}")
    try:
        return builder(spec)  # type: ignore[no-any-return]
    except SpecError:
        raise  # an option's own error, said once (not wrapped in every enclosing spec)
    except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
        shown = repr(spec)
        shown = shown if len(shown) <= 160 else f"{shown[:160]}..."
        raise SpecError(f"bad {spec['type']} spec {shown}: {exc}") from exc


def known_types() -> list[str]:
    return sorted(_BUILDERS)
