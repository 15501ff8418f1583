"""What makes a changed function risky, read from its source text (pure: ``ast`` and regexes).

* ``signals``: the money, rounding and date signals of ``rules/money.yml`` a function shows
  (names, path, parameters, source) — the plan's risk score adds their weights.
* ``find_risks``: the risk rules of ``rules/risks.yml`` a function matches. Each rule names a
  matcher kind; matchers are registered here with ``@matcher("kind")``: add one, not an
  if/elif. A match on a changed line is preferred.
* ``risk_findings``: the matches as ``risk`` findings (unverified, never blocking).
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from bot.engine.invariants import callable_params
from bot.fingerprint import finding_id
from bot.models import ChangedFunction, Finding, Severity
from rules.ruleset import RuleSet
from rules.schema import CallMatch, CompareMatch, ParamMatch, RiskSpec

__all__ = ["RiskMatch", "Signal", "find_risks", "is_money", "matcher", "risk_findings", "signals"]

_WHERE = {
    "name": "the function name",
    "path": "the file path",
    "params": "a parameter name",
    "content": "the source",
}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CAMEL = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


@dataclass(frozen=True)
class Signal:
    id: str
    category: str
    weight: int
    reason: str  # "money word 'interest' in the function name"


@dataclass(frozen=True)
class RiskMatch:
    rule_id: str
    line: int  # head line
    title: str
    message: str
    severity: Severity
    subject: str  # what matched, e.g. "amount: float" or "round(total, 2)"
    in_changed: bool  # the line is one of the function's changed lines


def _tokens(text: str) -> set[str]:
    """Lower-case words of the identifiers in ``text``: full names and their snake/camel parts."""
    out: set[str] = set()
    for ident in _IDENTIFIER.findall(text):
        out.add(ident.lower())
        for part in ident.split("_"):
            out.update(p.lower() for p in _CAMEL.findall(part))
    return out


def _texts(fn: ChangedFunction) -> dict[str, str]:
    params = " ".join(f"{p.name}: {p.annotation or ''}" for p in fn.params)
    return {"name": fn.function, "path": fn.path, "params": params, "content": fn.head_source}


def signals(fn: ChangedFunction, rules: RuleSet) -> list[Signal]:
    """Each word group and pattern of the rules that the function shows, once, with a reason."""
    texts = _texts(fn)
    tokens = {where: _tokens(text) for where, text in texts.items()}
    found: list[Signal] = []
    for group in rules.words:
        hit = next(
            (
                (w, where)
                for where in group.where
                for w in group.words
                if w.lower() in tokens[where] or f"{w.lower()}s" in tokens[where]
            ),
            None,
        )
        if hit is not None:
            reason = f"{group.reason or group.id} {hit[0]!r} in {_WHERE[hit[1]]}"
            found.append(Signal(group.id, group.category, group.weight, reason))
    for pattern in rules.patterns:
        for where in pattern.where:
            match = pattern.regex.search(texts[where])
            if match is not None:
                reason = f"{pattern.reason or pattern.id}: {match.group(0)!r} in {_WHERE[where]}"
                found.append(Signal(pattern.id, pattern.category, pattern.weight, reason))
                break
    return found


def is_money(fn: ChangedFunction, rules: RuleSet) -> bool:
    """Whether the function shows a money signal (``money_only`` risk rules).

    Rounding or date arithmetic alone does not make a function money logic.
    """
    return any(s.category == "money" for s in signals(fn, rules))


@dataclass(frozen=True)
class Context:
    """What a matcher sees: the function, its parsed head source and the rules."""

    fn: ChangedFunction
    rules: RuleSet
    tree: ast.Module
    offset: int  # add to a node's line in ``tree`` to get the head line

    def line(self, node: ast.AST) -> int:
        return int(getattr(node, "lineno", 1)) + self.offset

    def definition(self) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        return next(
            (n for n in self.tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)),
            None,
        )

    def role(self, name: str) -> str | None:
        role = self.rules.role_for(name)
        return role.role if role is not None else None


Matcher = Callable[[RiskSpec, Context], Iterator[tuple[int, str]]]
_MATCHERS: dict[str, Matcher] = {}


def matcher(kind: str) -> Callable[[Matcher], Matcher]:
    """Register the code behind ``match: {kind: ...}`` of risk rules."""

    def register(fn: Matcher) -> Matcher:
        if kind in _MATCHERS and _MATCHERS[kind] is not fn:
            raise RuntimeError(f"risk matcher {kind!r} is registered twice")
        _MATCHERS[kind] = fn
        return fn

    return register


def matcher_kinds() -> frozenset[str]:
    return frozenset(_MATCHERS)


def _short(node: ast.AST, limit: int = 60) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else f".{node.attr}"
    return ""


def _mentions(nodes: Iterable[ast.AST]) -> Iterator[str]:
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, ast.Name):
                yield node.id
            elif isinstance(node, ast.Attribute):
                yield node.attr


@matcher("param")
def _param(spec: RiskSpec, ctx: Context) -> Iterator[tuple[int, str]]:
    match = spec.match
    assert isinstance(match, ParamMatch)
    definition = ctx.definition()
    lines = {}
    if definition is not None:
        a = definition.args
        lines = {arg.arg: ctx.line(arg) for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]}
    for param in callable_params(ctx.fn):
        annotation = (param.annotation or "").strip().strip("'\"")
        if not annotation or not match.annotation.search(annotation):
            continue
        if match.roles and ctx.role(param.name) not in match.roles:
            continue
        yield lines.get(param.name, ctx.fn.start_line), f"{param.name}: {annotation}"


@matcher("call")
def _call(spec: RiskSpec, ctx: Context) -> Iterator[tuple[int, str]]:
    match = spec.match
    assert isinstance(match, CallMatch)
    for node in ast.walk(ctx.tree):
        if not isinstance(node, ast.Call) or not match.func.search(_dotted(node.func)):
            continue
        if match.missing_keyword is not None:
            if any(k.arg == match.missing_keyword for k in node.keywords):
                continue
            position = match.keyword_position
            if position is not None and len(node.args) > position:
                continue
        if match.arg_roles:
            values = [*node.args, *(k.value for k in node.keywords)]
            if not any(ctx.role(name) in match.arg_roles for name in _mentions(values)):
                continue
        yield ctx.line(node), _short(node)


def _floatish(node: ast.expr, float_params: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, float)
    if isinstance(node, ast.Call):
        return _dotted(node.func) == "float"
    if isinstance(node, ast.UnaryOp):
        return _floatish(node.operand, float_params)
    return isinstance(node, ast.Name) and node.id in float_params


@matcher("compare")
def _compare(spec: RiskSpec, ctx: Context) -> Iterator[tuple[int, str]]:
    match = spec.match
    assert isinstance(match, CompareMatch)
    ops = {"==": ast.Eq, "!=": ast.NotEq}
    wanted = tuple(ops[o] for o in match.ops)
    float_params = {
        p.name
        for p in ctx.fn.params
        if re.fullmatch(r"float|Optional\[float\]|float \| None", p.annotation or "")
    }
    for node in ast.walk(ctx.tree):
        if not isinstance(node, ast.Compare) or not any(isinstance(o, wanted) for o in node.ops):
            continue
        if any(_floatish(side, float_params) for side in [node.left, *node.comparators]):
            yield ctx.line(node), _short(node)


def _parse(fn: ChangedFunction) -> tuple[ast.Module, int] | None:
    """The head source as a module, and the line shift back to head lines."""
    try:
        return ast.parse(textwrap.dedent(fn.head_source)), fn.start_line - 1
    except SyntaxError:
        pass
    try:  # a method whose body has less-indented lines (a multi-line string): parse in a class
        wrapped = ast.parse("class _:\n" + fn.head_source)
    except SyntaxError:
        return None
    body = wrapped.body[0]
    assert isinstance(body, ast.ClassDef)
    return ast.Module(body=body.body, type_ignores=[]), fn.start_line - 2


def find_risks(fn: ChangedFunction, rules: RuleSet) -> list[RiskMatch]:
    """One match per risk rule the function matches (on a changed line when there is one)."""
    parsed = _parse(fn)
    if parsed is None or not rules.risks:
        return []
    ctx = Context(fn, rules, *parsed)
    money = is_money(fn, rules)
    changed = set(fn.changed_lines)
    out = []
    for spec in rules.risks:
        if spec.money_only and not money:
            continue
        kind = spec.match.kind
        if kind not in _MATCHERS:
            raise RuntimeError(f"risk rule {spec.id}: no matcher registered for kind {kind!r}")
        hits = sorted(set(_MATCHERS[kind](spec, ctx)), key=lambda h: (h[0] not in changed, h))
        if hits:
            line, subject = hits[0]
            message = spec.message.replace("{subject}", subject)
            out.append(
                RiskMatch(
                    spec.id, line, spec.title, message, spec.severity, subject, line in changed
                )
            )
    return out


def risk_findings(
    functions: Iterable[ChangedFunction],
    rules: RuleSet,
    diff_lines: Mapping[str, Iterable[int]],
    *,
    verified: Iterable[tuple[str, str]] = (),
) -> list[Finding]:
    """``risk`` findings for the functions' rule matches.

    Functions in ``verified`` (``(path, function)`` pairs that already have a verified
    finding) get none: the verified finding says more, and one comment per place is enough.
    """
    skip = set(verified)
    out = []
    for fn in functions:
        if (fn.path, fn.function) in skip:
            continue
        in_diff = set(diff_lines.get(fn.path, ()))
        for risk in find_risks(fn, rules):
            out.append(
                Finding(
                    id=finding_id("risk", fn.path, fn.function, f"{risk.rule_id}:{risk.subject}"),
                    kind="risk",
                    severity=risk.severity,
                    verified=False,
                    path=fn.path,
                    line=risk.line,
                    function=fn.function,
                    title=risk.title,
                    message=risk.message,
                    sources=("rules",),
                    in_diff=risk.line in in_diff,
                )
            )
    return out
