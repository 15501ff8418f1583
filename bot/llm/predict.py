"""Predict, then run: what the PR's stated intent implies for the witness's input.

Before a judge sees base and head, ``predict_result`` samples read the PR title, description,
docstring and signature (not the code, not the results) and say what the distinguishing call
should give after the change, and whether the PR says so (``stated``). A verified behaviour
change may be judged ``intended`` only when the stated prediction matches what head did
(``Prediction.matches_head``): votes alone never clear a verified change.

Values are compared as Python values where both sides parse as literals (``Decimal('1.50')``,
tuples, dates; ``1000 == Decimal('1000')``), else as normalised text; ``raises X`` matches an
exception of type ``X``.
"""

from __future__ import annotations

import ast
import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from bot.llm.client import Prompt, Sampler
from bot.llm.prompts import render
from bot.models import ChangedFunction, Finding, PRContext

__all__ = ["Prediction", "predict_result", "prediction_prompt", "same_result"]

_CALLABLE = {
    "Decimal": Decimal,
    "Fraction": Fraction,
    "date": _dt.date,
    "datetime": _dt.datetime,
    "timedelta": _dt.timedelta,
    "set": set,
    "frozenset": frozenset,
    "tuple": tuple,
    "list": list,
}
_RAISES = re.compile(r"^\s*(?:raises?\s+)?([A-Za-z_][\w.]*)\s*(?:\(.*\))?\s*$", re.DOTALL)


@dataclass(frozen=True)
class Prediction:
    expected: tuple[str, ...]  # the stated predictions (valid samples that said stated)
    samples: int  # valid samples
    drawn: int
    matching: int  # stated predictions that match head
    base_matching: int  # stated predictions that match base

    def plus(self, other: Prediction) -> Prediction:
        """Both draws together."""
        return Prediction(
            self.expected + other.expected,
            self.samples + other.samples,
            self.drawn + other.drawn,
            self.matching + other.matching,
            self.base_matching + other.base_matching,
        )

    @property
    def matches_head(self) -> bool:
        """Most valid samples stated a prediction, and it is what head did."""
        return self.samples > 0 and self.matching * 2 > self.samples

    @property
    def text(self) -> str:
        if not self.samples:
            return "no usable prediction"
        if not self.expected:
            return f"the PR states nothing for this input ({self.samples} sample(s))"
        shown = ", ".join(dict.fromkeys(self.expected))
        return f"{shown} ({self.matching} of {self.samples} sample(s) match head)"


def _literal(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _literal(node.operand)
        if isinstance(value, int | float | Decimal | Fraction) and not isinstance(value, bool):
            return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Tuple):
        return tuple(_literal(e) for e in node.elts)
    if isinstance(node, ast.List):
        return [_literal(e) for e in node.elts]
    if isinstance(node, ast.Set):
        return {_literal(e) for e in node.elts}
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True)}  # type: ignore[arg-type]
    if isinstance(node, ast.Call) and not node.keywords:
        name = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        if name in _CALLABLE:
            return _CALLABLE[name](*(_literal(a) for a in node.args))
    raise ValueError("not a literal")


def _value(text: str) -> tuple[bool, Any]:
    try:
        return True, _literal(ast.parse(text.strip(), mode="eval").body)
    except (SyntaxError, ValueError, TypeError, InvalidOperation, RecursionError):
        return False, None


def _raised(text: str) -> str | None:
    """The exception type name of ``raises ValueError('x')`` (None: not an exception)."""
    text = text.strip()
    if not text.lower().startswith("raise"):
        return None
    match = _RAISES.match(text)
    return match.group(1).rsplit(".", 1)[-1] if match else None


def same_result(predicted: str, observed: str) -> bool:
    """Does the predicted result (model text) match the observed one (the tracer's repr)?"""
    want, got = _raised(predicted), _raised(observed)
    if want is not None or got is not None:
        return want is not None and want == got
    ok_a, a = _value(predicted)
    ok_b, b = _value(observed)
    if ok_a and ok_b:
        if isinstance(a, bool) != isinstance(b, bool):
            return False
        try:
            return bool(a == b)
        except Exception:  # odd values: fall back to the text
            pass
    return " ".join(predicted.split()) == " ".join(observed.split())


def _signature(fn: ChangedFunction | None) -> str:
    if fn is None:
        return "(not available)"
    lines = fn.head_source.splitlines()
    start = next(
        (i for i, t in enumerate(lines) if t.lstrip().startswith(("def ", "async def "))), None
    )
    if start is None:
        return "(not available)"
    out = []
    for line in lines[start : start + 12]:
        out.append(line)
        if line.rstrip().endswith(":"):
            break
    return "\n".join(out)


def prediction_prompt(finding: Finding, fn: ChangedFunction | None, pr: PRContext) -> Prompt:
    """Intent, docstring, signature and the call: no code, no results."""
    call = finding.witness.call if finding.witness is not None else "(not available)"
    rendered = render(
        "predict_result",
        {"function": finding.function, "path": finding.path},
        {
            "pr_block": f"Title: {pr.title}\n\n{pr.description}".strip(),
            "doc_block": (fn.docstring if fn else "") or "(no docstring)",
            "signature_block": _signature(fn),
            "call_block": call,
        },
    )
    return Prompt("predict_result", rendered.system, "", max_tokens=512, prefix=rendered.prefix)


def _single_use(prompt: Prompt) -> Prompt:
    """The prompt without a cache breakpoint: a prefix read by nobody costs 1.25x to write."""
    return Prompt(prompt.tool, prompt.system, prompt.prefix, prompt.max_tokens)


def predict_result(
    finding: Finding, fn: ChangedFunction | None, pr: PRContext, sampler: Sampler, n: int = 2
) -> Prediction:
    """``n`` prediction samples for the finding's witness call, compared with base and head."""
    w = finding.witness
    if w is None or n <= 0:
        return Prediction((), 0, 0, 0, 0)
    prompt = prediction_prompt(finding, fn, pr)
    samples = sampler.sample([prompt] * n if n > 1 else [_single_use(prompt)])
    valid = [s.tool_input for s in samples if s.tool_input is not None]
    stated = [str(t["expected"]) for t in valid if t.get("stated") is True]
    return Prediction(
        expected=tuple(stated),
        samples=len(valid),
        drawn=len(samples),
        matching=sum(same_result(e, w.head) for e in stated),
        base_matching=sum(same_result(e, w.base) for e in stated),
    )
