"""The repository's own tests that exercise the changed code, run on base and head.

The test files are taken from the *base* tree (the tests the change must keep passing) and
run once against each side's code. A test that passes on base and fails on head is a
regression ``defect``; one that fails on both is not this change's doing.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from bot.engine.candidates.base import GenerationContext, register
from bot.engine.verdict.evidence import Evidence
from bot.git import read_tree_text
from bot.models import ChangedFunction
from sandbox.results import CandidateResult, Status
from sandbox.workspace import Candidate

_MAX_FILES = 40
_MAX_BYTES = 2_000_000


def is_test_file(path: str) -> bool:
    p = PurePosixPath(path)
    return (
        p.suffix == ".py"
        and (p.name.startswith("test_") or p.name.endswith("_test.py") or "tests" in p.parts[:-1])
        and p.name != "__init__.py"
    )


def _conftests(path: str, files: frozenset[str]) -> list[str]:
    out = []
    parts = PurePosixPath(path).parts[:-1]
    for i in range(len(parts) + 1):
        candidate = "/".join([*parts[:i], "conftest.py"])
        if candidate in files:
            out.append(candidate)
    return out


def _mentions(text: str, fn: ChangedFunction) -> bool:
    name = fn.function.rsplit(".", 1)[-1]
    return re.search(rf"\b{re.escape(name)}\b", text) is not None


def _read(tree: Path, path: str) -> str | None:
    return read_tree_text(tree, path, _MAX_BYTES)  # no symlink followed, size first


def relevant_tests(
    functions: list[ChangedFunction], tree: Path, files: frozenset[str]
) -> dict[str, str]:
    """Test files (path -> text) in ``tree`` that mention a changed function, plus conftests."""
    chosen: dict[str, str] = {}
    size = 0
    for path in sorted(p for p in files if is_test_file(p)):
        text = _read(tree, path)
        if text is None:
            continue
        if not any(_mentions(text, fn) for fn in functions):
            continue
        if len(chosen) >= _MAX_FILES or size + len(text) > _MAX_BYTES:
            break
        chosen[path] = text
        size += len(text)
        for conf in _conftests(path, files):
            if conf not in chosen:
                conf_text = _read(tree, conf)
                if conf_text is not None:
                    chosen[conf] = conf_text
    return chosen


class ExistingTestsGenerator:
    name = "existing-tests"
    phase = 1

    def __init__(self) -> None:
        self.notes: list[str] = []

    def candidates(
        self, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[tuple[Candidate, list[ChangedFunction]]]:
        budget = ctx.budget
        if ctx.base_tree is None or not budget.run_existing_tests:
            return []
        targets = [fn for fn in functions if fn.status == "modified"]
        files = relevant_tests(targets, ctx.base_tree, ctx.base_files)
        if not any(is_test_file(p) for p in files):
            return []
        cand = Candidate(id=f"existing-tests-{ctx.tier}", kind="pytest", files=files)
        return [(cand, targets)]

    def interpret(
        self, result: CandidateResult, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[Evidence]:
        base, head = result.sides.get("base"), result.sides.get("head")
        if base is None or head is None:
            return []
        if base.status in (Status.INFRASTRUCTURE, Status.TIMEOUT, Status.RESOURCE) or (
            head.status in (Status.INFRASTRUCTURE,)
        ):
            return []
        base_ok = {t["nodeid"] for t in base.tests if t.get("outcome") == "passed"}
        evidence: list[Evidence] = []
        sources = dict(result_files(ctx, functions))
        for rec in head.tests:
            nodeid = str(rec.get("nodeid", ""))
            if rec.get("outcome") == "passed" or nodeid not in base_ok:
                continue
            path = nodeid.split("::", 1)[0]
            text = sources.get(path, "")
            fn = next((f for f in functions if _mentions(text, f)), functions[0])
            witness = {
                "call": nodeid,
                "base": "passed",
                "head": f"{rec.get('outcome', 'failed')}: {rec.get('message', '')}"[:500],
            }
            evidence.append(
                Evidence(
                    "existing-tests",
                    fn,
                    "regression",
                    anchor=nodeid,
                    witness=witness,
                    test_source=text or None,
                    module="",
                )
            )
        return evidence


def result_files(ctx: GenerationContext, functions: list[ChangedFunction]) -> dict[str, str]:
    if ctx.base_tree is None:
        return {}
    return relevant_tests(functions, ctx.base_tree, ctx.base_files)


@register("existing-tests")
def _factory() -> ExistingTestsGenerator:
    return ExistingTestsGenerator()
