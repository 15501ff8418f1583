"""Symbolic checks: CrossHair ``diffbehavior`` between base and head (deep tier only).

CrossHair executes the code it analyses, so it runs in the sandbox like everything else
(harness kind ``crosshair``). A difference it reports is confirmed concretely by the harness
and then, like every witness, as a ready-to-paste test on both sides.
"""

from __future__ import annotations

from bot.engine.candidates.base import GenerationContext, register
from bot.engine.candidates.differential import drivable
from bot.engine.inputs.constructors import is_instance_method
from bot.engine.verdict.evidence import Evidence
from bot.models import ChangedFunction
from sandbox.results import CandidateResult
from sandbox.workspace import Candidate

_STATUS = {
    "different": "difference",
    "equal": "clean",
    "flaky": "flaky",
    "unsupported": "unsupported",
}


class SymbolicGenerator:
    name = "symbolic"
    phase = 2  # only for functions the cheaper generators found nothing on

    def __init__(self) -> None:
        self.notes: list[str] = []

    def candidates(
        self, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[tuple[Candidate, list[ChangedFunction]]]:
        budget = ctx.budget
        if not budget.run_crosshair or budget.symbolic_seconds <= 0:
            return []
        out: list[tuple[Candidate, list[ChangedFunction]]] = []
        for n, fn in enumerate(functions):
            head_mod = ctx.modules.get(fn.path)
            base_mod = ctx.modules.get(f"base:{fn.base_path}", head_mod)
            if drivable(fn) is not None or is_instance_method(fn):  # crosshair: no receivers
                continue
            if head_mod is None or base_mod is None:
                continue
            params = {
                "module": head_mod[1],
                "base_module": base_mod[1],
                "qualname": fn.function,
                "deadline_s": budget.symbolic_seconds,
            }
            cand = Candidate(
                id=f"symbolic-{ctx.tier}-{n}",
                kind="crosshair",
                params=params,
                timeout_s=budget.symbolic_seconds * 2 + 30,
            )
            out.append((cand, [fn]))
        return out

    def interpret(
        self, result: CandidateResult, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[Evidence]:
        fn = functions[0]
        module = ctx.modules.get(fn.path, (".", ""))[1]
        data = result.data
        status = _STATUS.get(str(data.get("status", "error")), "error")
        return [
            Evidence(
                "symbolic",
                fn,
                status,  # type: ignore[arg-type]
                anchor="behavior",
                witness=data.get("witness"),
                detail=str(data.get("detail", "")),
                examples=int(data.get("examples", 0)),
                module=module,
            )
        ]


@register("symbolic")
def _factory() -> SymbolicGenerator:
    return SymbolicGenerator()
