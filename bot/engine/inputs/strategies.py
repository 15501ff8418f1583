"""Input strategies for the differential driver, as protocol.md strategy specs (plain dicts).

A parameter's values come from, in order of authority: its type hint (``Decimal``,
``list[int]``, ``Optional[date]``...), the role its name has in the rules (``amount``,
``rate``, ``days``... with their ranges), its default value's literal, and otherwise a mix of
small ints and Decimals. A role shapes a hint of its own type (or any number, for a numeric
hint: ``rate: float`` gives floats 0..1); a hint of another kind wins outright. Values worth
trying on purpose are mixed in as ``one_of([sampled_from(values), base])``: the role's
boundaries, literals harvested from the repository's call sites, and c-1, c, c+1 (and c±0.01
for Decimal and float parameters) for every numeric constant c on the changed lines.

Values are encoded with the tags of the harness codec (``{"$": "decimal", "v": "1.50"}``).

Longer than ~400 lines: one recursive spec builder with its leaves (roles, literals, boundaries,
usage); type hints (``hints``) and class construction (``constructors``) already live beside it.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any, Protocol

from bot.engine.change.functions import function_params
from bot.engine.inputs.hints import Aliases, Hint, NoStrategy, fits, parse_hint, type_aliases
from bot.engine.inputs.peers import pool_instances
from bot.engine.invariants import callable_params
from bot.engine.source.fragments import CASE_FOLD, Fragments
from bot.engine.source.imports import ImportMap
from bot.engine.source.usage import Usage, function_def, infer_usage
from bot.models import ChangedFunction, Param
from rules.ruleset import RuleSet
from rules.schema import RoleSpec
from rules.values import NUMERIC, convert, encode, family_of, parse_literal, parse_value

__all__ = ["NoStrategy", "args_for", "encode", "explain_strategy", "parse_literal", "strategy_for"]

Spec = dict[str, Any]
MAX_VALUES = 40
_DEFAULTS: dict[str, Spec] = {
    "int": {"type": "integers", "min": -10_000, "max": 10_000},
    "float": {
        "type": "floats",
        "min": -1e6,
        "max": 1e6,
        "allow_nan": False,
        "allow_infinity": False,
    },
    "decimal": {"type": "decimals", "min": "-1000000", "max": "1000000", "places": 2},
    "fraction": {"type": "fractions", "min": "-1000", "max": "1000", "max_denominator": 100},
    "str": {"type": "text", "min_size": 0, "max_size": 20},
    "bool": {"type": "booleans"},
    "none": {"type": "none"},
    "date": {"type": "dates", "min": "2000-01-01", "max": "2100-12-31"},
    "datetime": {"type": "datetimes", "min": "2000-01-01T00:00:00", "max": "2100-12-31T23:59:59"},
    "timedelta": {"type": "timedeltas", "min_days": -400, "max_days": 400},
}


# Values where money and calendar code turns, tried for any parameter of the family that has
# no role boundaries of its own: half cents (rounding modes differ only there), month ends,
# leap days, the turn of the year.
_EDGES: dict[str, tuple[Any, ...]] = {
    "decimal": tuple(Decimal(v) for v in ("0.005", "0.015", "0.125", "1.005", "2.675", "-0.005")),
    "float": (0.005, 0.015, 0.125, 1.005, 2.675, 0.1, 0.3),
    "date": tuple(
        dt.date.fromisoformat(v)
        for v in (
            "2024-02-29",
            "2023-02-28",
            "2024-01-31",
            "2023-12-31",
            "2024-03-01",
            "2024-12-31",
            "2100-02-28",
            "2000-02-29",
        )
    ),
}
_EDGES["datetime"] = tuple(dt.datetime.combine(d, dt.time(23, 59, 59)) for d in _EDGES["date"])


class ClassSpecs(Protocol):
    """Instance specs for the repository's own classes (``constructors.ClassResolver``)."""

    imports: ImportMap

    def spec(self, name: str) -> Spec | None: ...


# -- building specs --------------------------------------------------------------------------


def _role_spec(role: RoleSpec, family: str) -> Spec | None:
    if role.values and role.type == family:
        return {
            "type": "sampled_from",
            "values": [encode(parse_value(role.type, v)) for v in role.values],
        }
    if role.min is None or role.max is None:
        return None
    lo = convert(parse_value(role.type, role.min), family)
    hi = convert(parse_value(role.type, role.max), family)
    if lo is None or hi is None:
        return None
    spec = dict(_DEFAULTS[family])
    if family == "int":
        spec.update(min=int(lo), max=int(hi))
    elif family == "float":
        spec.update(min=float(lo), max=float(hi))
    elif family in ("decimal", "fraction"):
        spec.update(min=str(lo), max=str(hi))
        if family == "decimal":
            spec["places"] = role.places if role.places is not None else 2
    elif family in ("date", "datetime"):
        spec.update(min=lo.isoformat(), max=hi.isoformat())
    else:
        return None
    return spec


def _around(constant: Decimal, family: str) -> list[Any]:
    """c-1, c, c+1 (and c±0.01 for Decimal and float) in the parameter's family."""
    steps = [Decimal(-1), Decimal(0), Decimal(1)]
    if family in ("decimal", "float"):
        steps[1:1] = [Decimal("-0.01")]
        steps.append(Decimal("0.01"))
    out = []
    for step in steps:
        value = convert(constant + step, family)
        if value is not None:
            out.append(value)
    return out


def _in_range(value: Any, spec: Spec) -> bool:
    """Whether a numeric value lies inside the spec's min/max (when it declares them)."""
    try:
        number = Decimal(str(value))
        low, high = spec.get("min"), spec.get("max")
        if low is not None and number < Decimal(str(low)):
            return False
        return not (high is not None and number > Decimal(str(high)))
    except (ArithmeticError, ValueError, TypeError):
        return True


def _leaf(
    family: str, role: RoleSpec | None, literals: list[Any], constants: list[Decimal]
) -> Spec:
    base = _role_spec(role, family) if role is not None else None
    base = base or dict(_DEFAULTS[family])
    values: list[Any] = []
    if role is not None:
        values += [convert(parse_value(role.type, b), family) for b in role.boundaries]
    if family in NUMERIC:
        for c in constants:
            # Boundaries stay inside a role's domain: a non-negative amount never gets -1
            # just because the changed line compares with 0.
            values += [v for v in _around(c, family) if role is None or _in_range(v, base)]
    values += [v for v in literals if fits(v, ("scalar", family))]
    if role is None or not role.boundaries:
        values += [v for v in _EDGES.get(family, ()) if _in_range(v, base)]
    return _mix(base, values)


def _mix(base: Spec, values: list[Any]) -> Spec:
    encoded: list[Any] = []
    for value in values:
        if value is None and base["type"] != "none":
            continue
        item = encode(value)
        if item not in encoded and len(encoded) < MAX_VALUES:
            encoded.append(item)
    if not encoded:
        return base
    if base["type"] == "sampled_from":
        merged = base["values"] + [v for v in encoded if v not in base["values"]]
        return {"type": "sampled_from", "values": merged}
    return {"type": "one_of", "options": [{"type": "sampled_from", "values": encoded}, base]}


def _spec(
    hint: Hint,
    role: RoleSpec | None,
    literals: list[Any],
    constants: list[Decimal],
    classes: ClassSpecs | None = None,
) -> Spec:
    kind = hint[0]
    if hint == ("scalar", "none"):
        return {"type": "none"}
    if kind == "class":
        made = classes.spec(hint[1]) if classes is not None else None
        if made is None:
            raise NoStrategy(f"no strategy for the type {hint[1]!r}")
        return dict(made)
    if kind == "scalar":
        return _leaf(hint[1], role, literals, constants)
    if kind == "any":  # ``Any``/``object``: anything, bools and None included
        return {"type": "one_of", "options": [_unknown(role, literals, constants), *_ANYTHING]}
    if kind == "callable":
        return dict(CALLABLE)
    if kind == "literal":
        return {"type": "sampled_from", "values": [encode(v) for v in hint[1]]}
    if kind == "union":
        options, missing = [], None
        for h in hint[1]:
            try:
                options.append(_spec(h, role, literals, constants, classes))
            except NoStrategy as exc:
                if h[0] != "class":
                    raise
                missing = exc  # Money | None without Money: only None would be left
        if missing is not None and all(o["type"] == "none" for o in options):
            raise missing
        return {"type": "one_of", "options": options}
    whole = [v for v in literals if fits(v, hint)]
    if kind == "list":
        base = {
            "type": "lists",
            "elements": _spec(hint[1], role, literals, constants, classes),
            "min_size": 0,
            "max_size": 10,
        }
    elif kind == "vartuple":
        element = _spec(hint[1], role, literals, constants, classes)
        base = {
            "type": "one_of",
            "options": [{"type": "tuples", "elements": [element] * size} for size in range(5)],
        }
    elif kind == "tuple":
        base = {
            "type": "tuples",
            "elements": [_spec(h, role, literals, constants, classes) for h in hint[1]],
        }
    else:
        base = {
            "type": "dicts",
            "keys": _spec(hint[1], None, [], []),
            "values": _spec(hint[2], role, literals, constants, classes),
            "max_size": 5,
        }
    return _mix(base, whole)


def _unknown(role: RoleSpec | None, literals: list[Any], constants: list[Decimal]) -> Spec:
    """No hint and no default: the role's own type, else a mix of small ints and Decimals."""
    if role is not None:
        return _leaf(role.type, role, literals, constants)
    texts = [v for v in literals if family_of(v) == "str"]
    if texts and len(texts) >= len(literals) / 2:
        return _text(texts)
    small = {"type": "integers", "min": -1000, "max": 1000}
    cents = {"type": "decimals", "min": "-1000", "max": "1000", "places": 2}
    extras = [v for v in literals if family_of(v) in NUMERIC | {"str", "bool"}]
    extras += [v for c in constants for v in _around(c, _number_family(c))]
    return _mix({"type": "one_of", "options": [small, cents]}, extras)


def _number_family(constant: Decimal) -> str:
    """An integral constant is tried as ints (1999 -> 1998, 1999, 2000), others as Decimals."""
    return "int" if constant == constant.to_integral_value() else "decimal"


def _text(texts: list[Any]) -> Spec:
    """Strings from the characters the known ones use (digits and separators for identifiers
    and check digits), up to a little longer than the longest, mixed with those strings."""
    if not texts:
        return dict(_DEFAULTS["str"])
    alphabet = "".join(sorted({ch for t in texts for ch in t})) or None
    longest = max(len(t) for t in texts)
    spec: Spec = {"type": "text", "min_size": 0, "max_size": max(longest + 2, 4)}
    if alphabet:
        spec["alphabet"] = alphabet
    return _mix(spec, texts)


_LIST_ELEMENTS = ("int", "float", "fraction", "decimal")


def _inferred(
    family: str, role: RoleSpec | None, literals: list[Any], constants: list[Decimal]
) -> Spec:
    """The spec for a family read from the body (bot/engine/source/usage.py), hedged with
    ``_unknown``."""
    if family == "list":
        if role is not None:
            elements = [_leaf(role.type, role, literals, constants)]
        else:
            elements = [_leaf(f, None, literals, constants) for f in _LIST_ELEMENTS]
        options = [
            {"type": "lists", "elements": e, "min_size": 0, "max_size": 10} for e in elements
        ]
        whole = [v for v in literals if isinstance(v, list | tuple)]
        return _mix({"type": "one_of", "options": options}, whole)
    if family == "dict":  # keyed by other parameters: keys shared with them (args_for)
        values = _unknown(role, literals, constants)
        return {"type": "dicts", "keys": dict(_DEFAULTS["str"]), "values": values, "max_size": 5}
    if family not in _DEFAULTS:
        return _unknown(role, literals, constants)
    if role is not None and (role.type == family or {role.type, family} <= NUMERIC):
        return _leaf(family, role, literals, constants)  # the role's range, in this family
    if family == "str":
        inferred = _text([v for v in literals if family_of(v) == "str"])
    else:
        inferred = _leaf(family, None, literals, constants)
    # A reading of the body can be wrong: a quarter of the draws stay with the old guess.
    hedge = _unknown(role, literals, constants)
    return {"type": "one_of", "options": [inferred, inferred, inferred, hedge]}


def _with_usage(spec: Spec, hint: Hint, usage: Usage | None) -> Spec:
    """A hinted spec with what the body compares the parameter (or its items) with."""
    if usage is None:
        return spec
    if hint[0] == "scalar":
        return _bounded(spec, hint[1], usage)
    if hint[0] == "list":
        family = hint[1][1] if hint[1][0] == "scalar" else None
        if usage.element_bounds:
            items = Usage(bounds=usage.element_bounds)

            def bound_items(lists: Spec) -> Spec:
                return {**lists, "elements": _bounded(lists["elements"], family, items)}

            spec = _map_type(spec, "lists", bound_items)
        if usage.totals:
            spec = _mix(spec, _partitions(usage.totals, family))
    return spec


_SHAPES = ("1", "0.5 0.5", "0.25 0.75", "0.2 0.3 0.5", "0.1 0.2 0.3 0.4", "0 1")


def _partitions(totals: Sequence[str], family: str | None) -> list[Any]:
    """Lists that add up to each total: what ``if sum(parts) != 100: raise`` lets through."""
    out: list[Any] = []
    for total in _constants(totals):
        kind = family if family in NUMERIC else _number_family(total)
        for shape in _SHAPES:
            try:
                parts = [convert(total * Decimal(share), kind) for share in shape.split()]
            except ArithmeticError:
                continue
            if None not in parts and parts not in out:
                out.append(parts)
        with contextlib.suppress(ArithmeticError):  # a total too large to split in cents
            third = convert((total / 3).quantize(Decimal("0.01")), kind)
            if third is not None:  # thirds that do not divide evenly: the last part differs
                rest = convert(total - 2 * Decimal(str(third)), kind)
                if rest is not None and [third, third, rest] not in out:
                    out.append([third, third, rest])
    return out


def _map_type(spec: Spec, kind: str, change: Any) -> Spec:
    """``spec`` with ``change`` applied to every nested spec of type ``kind``."""
    if spec.get("type") == kind:
        return dict(change(spec))
    if spec.get("type") == "one_of":
        return {**spec, "options": [_map_type(o, kind, change) for o in spec["options"]]}
    return spec


def _bounded(spec: Spec, family: str | None, usage: Usage | None) -> Spec:
    """``spec`` with c-1, c, c+1 of every number the body compares the parameter with, and
    the strings it compares it with. Unlike changed-line constants these are not clipped to a
    role's range: the function's own guard says what lies outside is handled."""
    if usage is None or not (usage.bounds or usage.choices):
        return spec
    values: list[Any] = []
    for c in _constants(usage.bounds):
        values += _around(c, family if family in NUMERIC else _number_family(c))
    if family in (None, "str"):
        for text in usage.choices:
            try:
                values.append(parse_literal(text))
            except ValueError:
                continue
    return _mix(spec, values)


def _constants(texts: Sequence[str]) -> list[Decimal]:
    out: list[Decimal] = []
    for text in texts:
        try:
            value = parse_literal(text)
        except ValueError:
            continue
        if isinstance(value, int | float | Decimal | Fraction) and not isinstance(value, bool):
            number = (
                Decimal(str(float(value))) if isinstance(value, Fraction) else Decimal(str(value))
            )
            if number.is_finite() and number not in out:
                out.append(number)
    return out


def explain_strategy(
    param: Param,
    *,
    roles: RuleSet | Sequence[RoleSpec] = (),
    literals: Sequence[str] = (),
    boundaries: Sequence[str] = (),
    usage: Usage | None = None,
    classes: ClassSpecs | None = None,
    aliases: Aliases | None = None,
) -> Spec:
    """The strategy spec for ``param``; raises ``NoStrategy`` (with the reason) when there is none.

    An annotation is read with the module's own type aliases (``aliases``, see
    ``hints.type_aliases``); a required parameter whose annotation still names no type a
    strategy exists for (a class that cannot be constructed, a ``Protocol``) falls back to what
    the body says about it and the literals callers and tests pass, as an unannotated one does.

    ``literals`` are source texts harvested for this parameter; ``boundaries`` are the numeric
    constants (source text) of the changed lines; ``usage`` is what the function's body says
    about an unannotated parameter (bot/engine/source/usage.py); ``classes`` (a
    ``bot.engine.inputs.constructors.ClassResolver``) builds parameters hinted with the
    repository's classes.
    """
    if param.kind in ("var_positional", "var_keyword"):
        raise NoStrategy(f"{param.name}: *args/**kwargs are not generated")
    role = _find_role(param.name, roles)
    values = []
    for text in literals:
        try:
            values.append(parse_literal(text))
        except ValueError:
            continue
    constants = _constants(boundaries)
    if param.annotation:
        with_default = list(values)
        if param.default is not None:  # the default is a value worth trying too
            with contextlib.suppress(ValueError):
                with_default.append(parse_literal(param.default))
        try:
            hint = parse_hint(param.annotation, aliases)
            return _with_usage(_spec(hint, role, with_default, constants, classes), hint, usage)
        except NoStrategy:
            if param.default is not None or (usage is None and not values):
                raise  # callers may leave it at its default; or nothing else to go on
    inferred = usage.family if usage is not None else None
    default_text = param.default
    if usage is not None and usage.default is not None:
        default_text = usage.default  # a module constant: method=EASTER_WESTERN -> 3
    if default_text is not None:
        try:
            default = parse_literal(default_text)
        except ValueError:
            default = ...
        family = family_of(default)
        if family == "none":
            inner = (
                _inferred(inferred, role, values, constants)
                if inferred
                else dict(CALLABLE)
                if _callable_like(param)
                else _unknown(role, values, constants)
            )
            return {
                "type": "one_of",
                "options": [{"type": "none"}, _bounded(inner, inferred, usage)],
            }
        if family is not None and family in _DEFAULTS:
            return _bounded(_leaf(family, role, [default, *values], constants), family, usage)
    if not inferred and _callable_like(param):  # choice=random.choice, parse_float=float
        return dict(CALLABLE)
    if inferred == "list":
        return _with_usage(_inferred(inferred, role, values, constants), ("list", ("any",)), usage)
    if inferred:
        return _bounded(_inferred(inferred, role, values, constants), inferred, usage)
    family = role.type if role is not None else None
    return _bounded(_unknown(role, values, constants), family, usage)


# What an ``Any`` parameter is also drawn from (``is_timestamp(True)``: a bool is an int).
_ANYTHING: tuple[Spec, ...] = (
    {"type": "booleans"},
    {"type": "none"},
    {"type": "text", "min_size": 0, "max_size": 8},
    {"type": "floats", "min": -1e6, "max": 1e6, "allow_nan": False, "allow_infinity": False},
)
CALLABLE: Spec = {"type": "callable"}  # deterministic builtins: len, min, str... (the codec's)
_CALLABLE_NAME = re.compile(
    r"(func|fn|factory|callback|hook|sizeof|timer|choice|predicate|converter)$|^(parse|on)_"
)
# ``choice=random.choice``, ``timer=time.monotonic``: modules whose lowercase names are
# functions (``math.pi``, ``sys.maxsize``, ``os.sep`` are values, so not any dotted name)
_DOTTED_CALLABLE = re.compile(r"(random|time|operator|json|copy|functools)(\.[a-z_][a-z0-9_]*)+")


def _callable_like(param: Param) -> bool:
    """An unannotated parameter that takes a function: by its name (``getsizeof``,
    ``key_func``, ``parse_float``) or a default that names one (``choice=random.choice``)."""
    if _CALLABLE_NAME.search(param.name.lower()):
        return True
    default = param.default or ""
    return _DOTTED_CALLABLE.fullmatch(default) is not None


def _find_role(name: str, roles: RuleSet | Sequence[RoleSpec]) -> RoleSpec | None:
    if isinstance(roles, RuleSet):
        return roles.role_for(name)
    return next((r for r in roles if any(rx.search(name) for rx in r.names)), None)


def strategy_for(
    param: Param,
    *,
    roles: RuleSet | Sequence[RoleSpec] = (),
    literals: Sequence[str] = (),
    boundaries: Sequence[str] = (),
) -> Spec | None:
    """``explain_strategy``, or None when the parameter cannot be generated."""
    try:
        return explain_strategy(param, roles=roles, literals=literals, boundaries=boundaries)
    except NoStrategy:
        return None


# A default that names an attribute of a module or class (``Cache.__getitem__``, ``os.sep``):
# bound when the function was defined, never passed by callers.
_BOUND_DEFAULT = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def args_for(
    fn: ChangedFunction,
    *,
    rules: RuleSet,
    literals: Mapping[str, Sequence[str]] | Sequence[str] = (),
    constants: Sequence[str] = (),
    module_source: str | None = None,
    classes: ClassSpecs | None = None,
    imports: ImportMap | None = None,
    optional_defaults: bool = False,
    fragments: Fragments | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The ``args`` of a differential candidate, and why not when the function can't be driven.

    ``literals`` are harvested per parameter (``{"principal": ["Decimal('100.00')"]}``) or one
    list for all; ``constants`` add to the function's own changed-line constants. ``self`` and
    ``cls`` of methods and ``*args``/``**kwargs`` are left out; so is a parameter with a
    default that cannot be generated or whose name starts with ``_`` (its default is used). A
    required parameter that cannot be generated makes the whole function undrivable: ``([],
    [reasons])``. With ``module_source``, unannotated parameters are also read from the body
    (bot/engine/source/usage.py). A parameter with a default that base's signature lacks is left
    out: callers that do not pass it are what base and head can be compared on. With
    ``optional_defaults`` (constructors), parameters with defaults are marked ``optional``:
    the driver sometimes leaves them out, as most callers do. With ``fragments``, every string
    drawn also comes from the characters and patterns the code looks for, and a parameter
    nothing types (no hint, default, body reading or role) is also drawn as such text. Known
    strings (the literals sampled) are also drawn with small edits (``mutate``).
    """
    boundaries = [*fn.constants, *constants]
    aliases = _aliases(fn, module_source, imports)
    usages = infer_usage(fn, module_source, imports) if module_source is not None else {}
    usages, vocabulary = _key_vocabulary(fn, usages)
    args: list[dict[str, Any]] = []
    why_not: list[str] = []
    in_base = _base_param_names(fn)
    for param in callable_params(fn):
        if param.name.startswith("_") and param.default is not None:
            continue  # a private switch (``_normalize=True``): callers leave it alone
        if param.default is not None and _BOUND_DEFAULT.fullmatch(param.default):
            continue  # ``cache_getitem=Cache.__getitem__``: an implementation bound at def time
        if in_base is not None and param.default is not None and param.name not in in_base:
            continue  # new on head, with a default: existing callers do not pass it
        own = literals.get(param.name, ()) if isinstance(literals, Mapping) else literals
        usage = usages.get(param.name)
        try:
            spec = explain_strategy(
                param, roles=rules, literals=list(own), boundaries=boundaries,
                usage=usage, classes=classes, aliases=aliases,
            )  # fmt: skip
        except NoStrategy as exc:
            if param.default is None:
                why_not.append(f"{fn.function}: parameter {param.name}: {exc}")
            continue
        if usage is not None and usage.dispatched and not param.annotation:
            spec = _dispatched(spec, usage.dispatched)
        peer = _peer_instance(fn, param, classes)
        if peer is not None:  # ``MiB(1.5) // KiB(1000)``: the other operand is one of ours
            spec = {"type": "one_of", "options": [peer, spec]}
        if fn.is_method and fn.class_name:  # an instance like self: nearly equal often
            spec, _ = pool_instances(spec, fn.class_name.rsplit(".", 1)[-1])
        if _draws_text(spec) and CASE_FOLD.search(f"{fn.head_source}\n{fn.base_source}"):
            spec = _case_variants(spec)
        seeds = _seeds(spec) if _draws_text(spec) else []
        if fragments and _draws_text(spec):
            # The characters and patterns the code looks for (bot/engine/source/fragments.py).
            spec = _with_fragments(spec, fragments)
        elif fragments and _unknown_type(param, usage, rules):
            # Nothing says what it is, and the code looks for strings: a third of the draws
            # are such strings (the rest stay with the numeric guess).
            text = _with_fragments(dict(_DEFAULTS["str"]), fragments)
            spec = {"type": "one_of", "options": [spec, spec, text]}
        if seeds:  # the known strings themselves, and with small edits (off the examples)
            pieces = list(fragments.pieces) if fragments else []
            known = {"type": "sampled_from", "values": seeds}
            mutated = {"type": "mutate", "seeds": seeds, "pieces": pieces}
            spec = {"type": "one_of", "options": [known, spec, mutated]}
        if _digit_text(fn, param.name, spec):
            # A string read as digits (check digits, account numbers): mostly-invalid random
            # text never reaches the arithmetic, so digit strings are drawn too.
            digits = {"type": "text", "alphabet": "0123456789", "min_size": 1, "max_size": 20}
            spec = {"type": "one_of", "options": [digits, spec]}
        if param.name in vocabulary:  # rates[base]: the keys are what base is drawn from
            keys = {"type": "sampled_from", "values": _unique_encoded(vocabulary[param.name])}
            spec = _map_type(spec, "dicts", partial(_keyed, keys=keys))
        shared = [v for m in (usage.key_of if usage else ()) for v in vocabulary.get(m, ())]
        if shared:  # and base is mostly one of those keys
            values = _unique_encoded(shared)
            spec = {"type": "one_of", "options": [{"type": "sampled_from", "values": values}, spec]}
        arg: dict[str, Any] = {"name": param.name, "kind": param.kind, "strategy": spec}
        if optional_defaults and param.default is not None and param.kind != "positional_only":
            arg["optional"] = True
        args.append(arg)
    return ([], why_not) if why_not else (args, [])


_PEER_NAMES = frozenset({"other", "rhs", "right", "that", "peer"})
_BINARY = frozenset(
    f"__{op}__"
    for name in ("add", "sub", "mul", "matmul", "truediv", "floordiv", "mod", "divmod", "pow",
                 "lshift", "rshift", "and", "xor", "or")
    for op in (name, f"r{name}", f"i{name}")
) | {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__contains__"}  # fmt: skip


def _peer_instance(fn: ChangedFunction, param: Param, classes: ClassSpecs | None) -> Spec | None:
    """An instance of the method's own class for the other operand of a method
    (``__floordiv__(self, other)``, ``compare(self, other)``) that no annotation describes."""
    if classes is None or param.annotation or not fn.is_method or fn.class_name is None:
        return None
    if "." in fn.class_name or param.kind in ("var_positional", "var_keyword"):
        return None
    name = fn.function.rsplit(".", 1)[-1]
    if param.name not in _PEER_NAMES and name not in _BINARY:
        return None
    return classes.spec(fn.class_name)


def _base_param_names(fn: ChangedFunction) -> set[str] | None:
    """The parameter names of the base version of ``fn``, when its source is known."""
    node = function_def(fn.base_source)
    return {p.name for p in function_params(node.args)} if node is not None else None


_KEYS = ("A", "B", "C")  # keys shared by a mapping and the parameters that index it


def _unique_encoded(values: Sequence[Any]) -> list[Any]:
    """Encoded values without repeats (encoded tuples and Decimals are dicts: not hashable)."""
    seen: dict[str, Any] = {}
    for value in values:
        item = encode(value)
        seen.setdefault(json.dumps(item, sort_keys=True), item)
    return list(seen.values())


def _keyed(dicts: Spec, *, keys: Spec) -> Spec:
    """A mapping drawn from known keys: half the time every one of them (a full rate table),
    else any few (a lookup that misses)."""
    every = {**dicts, "keys": keys, "min_size": len(keys["values"]),
             "max_size": len(keys["values"])}  # fmt: skip
    return {"type": "one_of", "options": [every, {**dicts, "keys": keys}]}


def _key_vocabulary(
    fn: ChangedFunction, usages: dict[str, Usage]
) -> tuple[dict[str, Usage], dict[str, list[Any]]]:
    """For a mapping parameter indexed by others (``rates[base]``, ``rates[quote]``): the few
    values its keys are drawn from (the indexing parameters' choices, else A, B, C), which the
    indexing parameters then also try."""
    vocabulary: dict[str, list[Any]] = {}
    for usage in usages.values():
        for mapping in usage.key_of:
            found = vocabulary.setdefault(mapping, [])
            for text in usage.choices:
                try:
                    value = parse_literal(text)
                except ValueError:
                    continue
                if value not in found:
                    found.append(value)
    for mapping, found in vocabulary.items():
        if not found:
            found.extend(_KEYS)
        vocabulary[mapping] = found[:MAX_VALUES]
    out = dict(usages)
    for name, usage in usages.items():
        shared = [v for m in usage.key_of for v in vocabulary.get(m, ())]
        if shared:
            choices = tuple(dict.fromkeys([*usage.choices, *(repr(v) for v in shared)]))
            out[name] = dataclasses.replace(usage, choices=choices)
    return out, vocabulary


_DIGIT_USE = re.compile(r"\bint\(|\.isdigit\(|\.isdecimal\(|\.isnumeric\(|\bord\(")


def _aliases(
    fn: ChangedFunction, module_source: str | None, imports: ImportMap | None
) -> dict[str, ast.expr]:
    """The module's type aliases, and those its parameters' annotations import from the
    repository's other modules (``from .types import StrOrBytes``)."""
    aliases = type_aliases(module_source)
    if imports is None:
        return aliases
    names = {
        node.id
        for p in fn.params
        if p.annotation
        for node in ast.walk(_annotation(p.annotation))
        if isinstance(node, ast.Name) and node.id not in aliases
    }
    for name in sorted(names):
        origin = imports.origin(name)
        if origin is None:
            continue
        found = type_aliases(imports.sources.get(origin.path, "")).get(origin.name)
        if found is not None:
            aliases[name] = found
    return aliases


def _annotation(text: str) -> ast.AST:
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


def _with_fragments(spec: Spec, fragments: Fragments) -> Spec:
    options: list[Spec] = [spec]
    if fragments.pieces:
        options.append({"type": "splice", "pieces": list(fragments.pieces), "max_pieces": 6})
    for pattern in fragments.patterns:  # whole matches (fullmatch, ^...$) and text around one
        options.append({"type": "regex", "pattern": pattern, "fullmatch": True})
        options.append({"type": "regex", "pattern": pattern})
    return {"type": "one_of", "options": options}


def _dispatched(spec: Spec, families: Sequence[str]) -> Spec:
    """A parameter the body dispatches on by type is drawn from each family it tests."""
    options = [spec]
    for family in families:
        if family in _DEFAULTS:
            options.append(dict(_DEFAULTS[family]))
        elif family == "dict":
            options.append({"type": "dicts", "keys": dict(_DEFAULTS["str"]),
                            "values": dict(_DEFAULTS["int"]), "max_size": 3})  # fmt: skip
        elif family == "list":
            items = [dict(_DEFAULTS["int"]), dict(_DEFAULTS["str"])]
            elements = {"type": "one_of", "options": items}
            options.append({"type": "lists", "elements": elements, "max_size": 5})
    return {"type": "one_of", "options": options}


MAX_SEEDS = 20


def _seeds(spec: Spec) -> list[str]:
    """The known strings a spec samples from (literals of docs, tests and call sites)."""
    found: list[str] = []
    if spec.get("type") == "sampled_from":
        found += [v for v in spec["values"] if isinstance(v, str) and v]
    for option in spec.get("options", ()):
        if isinstance(option, dict):
            found += [v for v in _seeds(option) if v not in found]
    return list(dict.fromkeys(found))[:MAX_SEEDS]


def _case_variants(spec: Spec) -> Spec:
    """Where either side folds case (``word.lower() in UNCOUNTABLES``), the known strings are
    also tried as callers write them: ``Sheep``, ``SHEEP``."""
    if spec.get("type") == "sampled_from":
        values = list(spec["values"])
        for value in spec["values"]:
            if isinstance(value, str):
                values += [v for v in (value.title(), value.upper()) if v not in values]
        return {**spec, "values": values}
    if "options" in spec:
        options = [_case_variants(o) if isinstance(o, dict) else o for o in spec["options"]]
        return {**spec, "options": options}
    return spec


def _unknown_type(param: Param, usage: Usage | None, rules: RuleSet) -> bool:
    """No annotation, default, body reading or rule role says what ``param`` is: the body does
    nothing with it this module can read (compared with a number, it is one: ``z == 1``)."""
    return (
        not param.annotation
        and param.default is None
        and usage is None
        and _find_role(param.name, rules) is None
    )


def _draws_text(spec: Spec) -> bool:
    if spec.get("type") == "text":
        return True
    return any(_draws_text(o) for o in spec.get("options", ()) if isinstance(o, dict))


def _digit_text(fn: ChangedFunction, name: str, spec: Spec) -> bool:
    """Whether a string parameter looks read as digits by the function's body."""
    return (
        _draws_text(spec)
        and re.search(rf"\b{re.escape(name)}\b", fn.head_source) is not None
        and _DIGIT_USE.search(fn.head_source) is not None
    )
