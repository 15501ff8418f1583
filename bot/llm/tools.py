"""The tool schemas (``propose_checks``, ``predict_result``, ``judge_change``) and the validation
of their inputs.

Structured output is tool use with a forced tool; a tool input that fails
``validate_tool_input`` is discarded by the sampler (``bot/llm/client.py``), never raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["JUDGE_CHANGE", "PREDICT_RESULT", "PROPOSE_CHECKS", "TOOLS", "validate_tool_input"]

# -- tool schemas (the contract: tests outside this repo depend on these names and shapes) --

PROPOSE_CHECKS: dict[str, Any] = {
    "name": "propose_checks",
    "description": (
        "Propose executable checks for the changed functions: for each, the function's "
        "qualified name, the claim (what is wrong, or what must hold) and a self-contained "
        "pytest test that passes on the code before the change and fails on the code after it "
        "when the claim is right."
    ),
    "input_schema": {
        "type": "object",
        "properties": {
            "checks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "function": {"type": "string", "description": "qualified name"},
                        "claim": {"type": "string", "description": "what is wrong / must hold"},
                        "test": {"type": "string", "description": "pytest source"},
                    },
                    "required": ["function", "claim", "test"],
                },
            }
        },
        "required": ["checks"],
    },
}

JUDGE_CHANGE: dict[str, Any] = {
    "name": "judge_change",
    "description": (
        "Judge a verified behavior change: 'bug' when it contradicts the PR's stated intent or "
        "the docstring, 'intended' when the PR says it wants exactly this, 'unsure' otherwise."
    ),
    "input_schema": {
        "type": "object",
        "properties": {
            "verdict": {"type": "string", "enum": ["bug", "intended", "unsure"]},
            "reason": {"type": "string"},
        },
        "required": ["verdict", "reason"],
    },
}

PREDICT_RESULT: dict[str, Any] = {
    "name": "predict_result",
    "description": (
        "Before seeing the code or its results: what the pull request's stated intent implies "
        "one call should give after the change, and whether the PR actually says so."
    ),
    "input_schema": {
        "type": "object",
        "properties": {
            "expected": {
                "type": "string",
                "description": "a Python literal or repr, or 'raises ExceptionType'",
            },
            "stated": {
                "type": "boolean",
                "description": "true only when the PR or the docstring says it",
            },
            "reason": {"type": "string"},
        },
        "required": ["expected", "stated", "reason"],
    },
}

TOOLS: Mapping[str, dict[str, Any]] = {
    "propose_checks": PROPOSE_CHECKS,
    "predict_result": PREDICT_RESULT,
    "judge_change": JUDGE_CHANGE,
}
_MAX_CHECKS = 8
_MAX_TEST_CHARS = 20_000


def validate_tool_input(tool: str, data: object) -> str | None:
    """None when ``data`` is a well-formed input for ``tool``, else what is wrong with it."""
    if not isinstance(data, dict):
        return "tool input is not an object"
    if tool == "judge_change":
        if data.get("verdict") not in ("bug", "intended", "unsure"):
            return f"verdict must be bug, intended or unsure (got {data.get('verdict')!r})"
        if not isinstance(data.get("reason"), str):
            return "reason must be a string"
        return None
    if tool == "predict_result":
        if not isinstance(data.get("expected"), str) or not data["expected"].strip():
            return "expected must be a non-empty string"
        if len(data["expected"]) > 2000:
            return "expected is longer than 2000 characters"
        if not isinstance(data.get("stated"), bool):
            return "stated must be true or false"
        if not isinstance(data.get("reason"), str):
            return "reason must be a string"
        return None
    if tool == "propose_checks":
        checks = data.get("checks")
        if not isinstance(checks, list):
            return "checks must be a list"
        if len(checks) > _MAX_CHECKS:
            return f"more than {_MAX_CHECKS} checks"
        for i, check in enumerate(checks):
            if not isinstance(check, dict):
                return f"checks[{i}] is not an object"
            for key in ("function", "claim", "test"):
                if not isinstance(check.get(key), str) or not check[key].strip():
                    return f"checks[{i}].{key} must be a non-empty string"
            if len(check["test"]) > _MAX_TEST_CHARS:
                return f"checks[{i}].test is longer than {_MAX_TEST_CHARS} characters"
        return None
    return f"unknown tool {tool!r}"
