"""The rule-pack file format: one pydantic model per section of a ``rules/*.yml`` pack.

Pydantic checks the shape (types, required keys, unknown keys, regexes compile); each section
model's ``problems()`` checks meaning that spans fields (a minimum above its maximum, a boundary
that is not a number, an invariant expression that uses a name the driver does not provide).
Both kinds of error carry a location (a tuple of keys and indexes) that the loader maps back to
the line of the YAML node. docs/rules.md describes the format for people.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator

from rules.values import NUMERIC, parse_value

Tier = Literal["quick", "standard", "deep"]
TIER_ORDER: tuple[Tier, ...] = ("quick", "standard", "deep")
Severity = Literal["high", "medium", "low"]
Family = Literal["int", "decimal", "float", "fraction", "str", "bool", "date", "datetime"]
Where = Literal["name", "path", "params", "content"]
Category = Literal["money", "rounding", "date"]
Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]

# Names an invariant expression may use (docs/protocol.md, kind `differential`).
EXPRESSION_NAMES: frozenset[str] = frozenset(
    {
        "args",
        "result",
        "call",
        "raised",
        "places",
        "Decimal",
        "Fraction",
        "date",
        "timedelta",
        "isleap",
        "monthrange",
        "abs",
        "sum",
        "min",
        "max",
        "len",
        "all",
        "any",
        "round",
        "True",
        "False",
        "None",
    }
)
PLACEHOLDER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_IDENT = r"^[a-z][a-z0-9_-]*$"


def _regex(value: object) -> re.Pattern[str]:
    if isinstance(value, re.Pattern):
        return value
    if not isinstance(value, str):
        raise ValueError("a regular expression must be a string")
    try:
        return re.compile(value)
    except re.error as exc:
        raise ValueError(f"bad regular expression {value!r}: {exc}") from None


def _scalar_text(value: object) -> object:
    """YAML reads 0.01 as a float and 2024-01-31 as a date: keep every scalar as its text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal | dt.date):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


Regex = Annotated[re.Pattern[str], PlainValidator(_regex)]
Scalar = Annotated[str, BeforeValidator(_scalar_text)]
Ident = Annotated[str, Field(pattern=_IDENT)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordGroup(_Model):
    """Identifier words (snake_case / camelCase tokens) that make a function risky."""

    id: Ident
    words: list[str] = Field(min_length=1)
    where: list[Where] = ["name", "path", "params", "content"]
    weight: int = Field(default=1, ge=0)
    category: Category = "money"
    reason: str = ""


class SignalPattern(_Model):
    """A regular expression over names, paths, parameter names or source text."""

    id: Ident
    regex: Regex
    where: list[Where] = ["content"]
    weight: int = Field(default=1, ge=0)
    category: Category = "money"
    reason: str = ""


class MoneySection(_Model):
    words: list[WordGroup] = []
    patterns: list[SignalPattern] = []


class RoleSpec(_Model):
    """Parameter names → a role → the values worth generating for it."""

    role: Ident
    names: list[Regex] = Field(min_length=1)
    type: Family
    min: Scalar | None = None
    max: Scalar | None = None
    places: int | None = Field(default=None, ge=0, le=28)
    values: list[Scalar] = []
    boundaries: list[Scalar] = []
    priority: int = 0
    description: str = ""

    def problems(self) -> Iterator[Problem]:
        parsed: dict[str, Any] = {}
        for key in ("min", "max"):
            text = getattr(self, key)
            if text is None:
                if self.type in NUMERIC | {"date", "datetime"} and not self.values:
                    yield (key,), f"a {self.type} role needs '{key}' (or 'values')"
                continue
            try:
                parsed[key] = parse_value(self.type, text)
            except ValueError as exc:
                yield (key,), str(exc)
        if len(parsed) == 2 and parsed["min"] > parsed["max"]:
            yield ("max",), f"max {self.max} is below min {self.min}"
        if self.places is not None and self.type != "decimal":
            yield ("places",), "'places' applies to decimal roles only"
        for key in ("values", "boundaries"):
            for i, text in enumerate(getattr(self, key)):
                try:
                    parse_value(self.type, text)
                except ValueError as exc:
                    yield (key, i), str(exc)


class AppliesSpec(_Model):
    """Where an invariant applies: function name, parameter roles, return annotation."""

    name: Regex | None = None
    name_excludes: Regex | None = None
    returns: Regex | None = None
    returns_missing: bool = False
    roles: list[Ident] = []
    unless_roles: list[Ident] = []
    unique_roles: list[Ident] = []
    closed_roles: list[Ident] | None = None
    closed_defaults: bool = False  # closed_roles covers parameters with a default too
    params_exclude: Regex | None = None  # no parameter name matches
    required: int | None = None  # exactly this many parameters without a default
    # The function rounds to a fixed number of places: every ``quantize`` in its body takes a
    # literal or a module constant. One that quantizes to an exponent it works out (from a
    # currency parameter, a setting) decides for itself what "rounded" means.
    fixed_places: bool = False


class InvariantSpec(_Model):
    """A money property: ``check`` must hold whenever ``when`` holds (docs/protocol.md).

    ``let`` names sub-expressions (``expected: "args[$amount] * (1 + args[$rate])"``) that
    ``when``, ``check`` and later ``let`` entries use as plain names; they are expanded in
    place before the expressions reach the driver, so the driver's names are unchanged.
    ``bind_names`` binds a placeholder to the one parameter whose *name* matches a regex
    (``weights: '^(weights|ratios)$'``), for parameters no role describes.
    """

    id: Ident
    applies: AppliesSpec = AppliesSpec()
    bind: dict[str, list[Ident]] = {}
    bind_names: dict[str, Regex] = {}
    let: dict[str, str] = {}
    when: str = "True"
    check: str
    message: str = Field(min_length=1)
    severity: Severity = "high"

    def expanded(self, key: Literal["when", "check"]) -> str:
        """``when`` or ``check`` with every ``let`` name replaced by its expression."""
        text: str = getattr(self, key)
        return expand_lets(text, self.let) if self.let else text

    def placeholders(self) -> list[str]:
        seen = PLACEHOLDER.findall(self.expanded("when")) + PLACEHOLDER.findall(
            self.expanded("check")
        )
        return list(dict.fromkeys(seen))

    def roles_of(self, placeholder: str) -> list[str]:
        return self.bind.get(placeholder, [placeholder])

    def referenced_roles(self) -> Iterator[tuple[Loc, str]]:
        """Every role this invariant names, with where it is named."""
        for key in ("roles", "unless_roles", "unique_roles", "closed_roles"):
            for i, role in enumerate(getattr(self.applies, key) or ()):
                yield ("applies", key, i), role
        for name in self.placeholders():
            if name in self.bind_names:
                continue
            where: Loc = ("bind", name) if name in self.bind else ("check",)
            for role in self.roles_of(name):
                yield where, role

    def problems(self) -> Iterator[Problem]:
        # A `let` body may use names its user binds (`w` of `... for w in weights`): its
        # names are checked where it is expanded, its syntax and attributes here.
        broken = False
        for name, text in self.let.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name in EXPRESSION_NAMES:
                yield ("let", name), f"let name {name!r} must be a new lower-case identifier"
            for problem in expression_problems(text, names=False):
                broken = True
                yield ("let", name), problem
        for key in ("when", "check"):
            if broken:
                problems = expression_problems(getattr(self, key), frozenset(self.let))
            else:
                problems = expression_problems(self.expanded(key))
            for problem in problems:
                yield (key,), problem
        for name in self.bind_names:
            if name in self.bind:
                yield ("bind_names", name), f"placeholder ${name} is bound twice (bind)"


_MARK = "__placeholder_"


def expand_lets(text: str, lets: dict[str, str]) -> str:
    """``text`` with each name of ``lets`` (read, not assigned) replaced by its expression.

    Later entries may use earlier ones. ``$placeholders`` survive; the result is
    ``ast.unparse`` text, parenthesized where the grammar needs it.
    """
    trees: dict[str, ast.expr] = {}

    class _Expand(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if isinstance(node.ctx, ast.Load) and node.id in trees:
                return copy.deepcopy(trees[node.id])
            return node

    def parse(source: str) -> ast.expr:
        marked = PLACEHOLDER.sub(lambda m: _MARK + m.group(1), source)
        return _Expand().visit(ast.parse(marked, mode="eval")).body  # type: ignore[no-any-return]

    for name, source in lets.items():
        trees[name] = parse(source)
    out = ast.unparse(parse(text))
    return re.sub(re.escape(_MARK) + r"([A-Za-z_][A-Za-z0-9_]*)", r"$\1", out)


def expression_problems(
    text: str, defined: frozenset[str] = frozenset(), *, names: bool = True
) -> Iterator[str]:
    """Why an invariant expression cannot be evaluated by the driver (nothing when it can).

    ``defined``: ``let`` names the expression may use besides the driver's; ``names=False``
    leaves names unchecked (a ``let`` body, checked once expanded).
    """
    source = PLACEHOLDER.sub("'p'", text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        yield f"not a Python expression: {exc.msg} in {text!r}"
        return
    nodes = list(ast.walk(tree))
    bound = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {a.arg for n in nodes if isinstance(n, ast.Lambda) for a in n.args.args}
    provided = ", ".join(sorted(EXPRESSION_NAMES - {"True", "False", "None"}))
    for node in nodes:
        if (
            names
            and isinstance(node, ast.Name)
            and node.id not in EXPRESSION_NAMES | bound | defined
        ):
            yield f"unknown name {node.id!r} in {text!r} (the driver provides {provided})"
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            yield f"private attribute {node.attr!r} in {text!r}"


class ScoreTier(_Model):
    min_score: int = Field(ge=0)
    tier: Tier


class PathTier(_Model):
    paths: list[str] = Field(min_length=1)
    tier: Tier


class TierSection(_Model):
    """What starts a function at ``quick``, ``standard`` or ``deep``."""

    start: Tier = "quick"
    scores: list[ScoreTier] = []
    paths: list[PathTier] = []


class ParamMatch(_Model):
    kind: Literal["param"]
    roles: list[Ident] = []
    annotation: Regex


class CallMatch(_Model):
    kind: Literal["call"]
    func: Regex
    arg_roles: list[Ident] = []
    missing_keyword: str | None = None
    keyword_position: int | None = Field(default=None, ge=0)


class CompareMatch(_Model):
    kind: Literal["compare"]
    ops: list[Literal["==", "!="]] = ["==", "!="]
    operand: Literal["float"] = "float"


class RiskSpec(_Model):
    """A pattern that is reported as a ``risk`` finding (nothing executed)."""

    id: Ident
    title: str = Field(min_length=1)
    message: str = Field(min_length=1)
    severity: Severity = "medium"
    money_only: bool = False
    weight: int = Field(default=1, ge=0)
    match: Annotated[ParamMatch | CallMatch | CompareMatch, Field(discriminator="kind")]

    def referenced_roles(self) -> Iterator[tuple[Loc, str]]:
        roles = getattr(self.match, "roles", None) or getattr(self.match, "arg_roles", [])
        key = "roles" if isinstance(self.match, ParamMatch) else "arg_roles"
        for i, role in enumerate(roles):
            yield ("match", key, i), role


class Pack(_Model):
    """One ``rules/*.yml`` file. Every section is optional; later packs override by id."""

    pack: Ident
    description: str = ""
    money: MoneySection = MoneySection()
    roles: list[RoleSpec] = []
    invariants: list[InvariantSpec] = []
    tiers: TierSection | None = None
    risks: list[RiskSpec] = []
    disable: list[str] = []

    def problems(self) -> Iterator[Problem]:
        sections: list[tuple[Loc, list[Any], str]] = [
            (("money", "words"), list(self.money.words), "id"),
            (("money", "patterns"), list(self.money.patterns), "id"),
            (("roles",), list(self.roles), "role"),
            (("invariants",), list(self.invariants), "id"),
            (("risks",), list(self.risks), "id"),
        ]
        for loc, items, key in sections:
            seen: set[str] = set()
            for i, item in enumerate(items):
                ident = getattr(item, key)
                if ident in seen:
                    yield (*loc, i, key), f"duplicate {key} {ident!r} in this pack"
                seen.add(ident)
                for sub, message in getattr(item, "problems", lambda: iter(()))():
                    yield (*loc, i, *sub), message
