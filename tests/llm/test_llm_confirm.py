"""The pipeline's confirmation run of model-proposed tests goes through the ``llm`` tracer.

The engine confirms every witness once more before it becomes a finding. A model-written test
is not trusted, so the ``llm`` generator confirms its own evidence (the engine's
``Confirmer`` port): the test runs again under the tracer with a fresh nonce, counts only when
the tracer saw the changed function return or raise differently for the same call on base and
head, and the witness in the report is the one this run re-derived, whatever the evidence
carried. These tests hand the pipeline evidence that the generator did *not* earn (a test that
only tells the sides apart by a vanished helper, a forged witness) to show the confirmation
catches it on its own; the last one runs the whole path with the real SDK.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from bot.engine import pipeline
from bot.engine.candidates import GenerationContext, generators
from bot.engine.rulebook import load_rules
from bot.engine.verdict.evidence import Evidence
from bot.llm.propose import LLMGenerator
from bot.models import ChangedFunction, PRContext, Report
from bot.report import json_report
from sandbox.process_runner import ProcessRunner
from sandbox.results import RunResult
from sandbox.spec import SandboxSpec
from sandbox.workspace import Workspace
from tests.fakes.anthropic_api import FakeAnthropicAPI, ScriptedModel, checks_reply
from tests.fakes.gitrepos import make_repo
from tests.llm.test_llm_adversarial import BASE, BUGGY, HEAD, HELPER_GONE
from tests.llm.test_llm_generator import GOOD, session_for

FORGED = {
    "call": "late_fee_cents(days_late=99)",
    "base": "FORGED-BASE",
    "head": "FORGED-HEAD",
    "test_id": "test_llm_check.py::test_claim",
    "claim": "forged",
}


class RecordingRunner(ProcessRunner):
    """The process sandbox, remembering every candidate it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.candidates: list[tuple[str, dict[str, str]]] = []

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        self.candidates.extend((c.id, dict(c.files)) for c in workspace.candidates)
        return super().run(workspace, spec)


class Planted(LLMGenerator):
    """Hands the pipeline one ``difference`` it did not earn: ``test`` with ``witness``."""

    def __init__(self, session: object, test: str, witness: dict[str, str]) -> None:
        super().__init__(session)  # type: ignore[arg-type]
        self.test, self.witness = test, witness

    def explore(
        self,
        functions: Sequence[ChangedFunction],
        ctx: GenerationContext,
        run: object,
        pr: PRContext,
    ) -> list[Evidence]:
        [fn] = [f for f in functions if f.function == "late_fee_cents"]
        return [
            Evidence(
                "llm",
                fn,
                "difference",
                anchor="llm:planted",
                witness=dict(self.witness),
                detail="planted",
                test_source=self.test,
                module="fees",
            )
        ]


def _check(tmp_path: Path, head: str, gens: list[object], runner: ProcessRunner) -> Report:
    repo = make_repo(tmp_path / "repo", {"fees.py": BASE}, {"fees.py": head}, title="Fees")
    deps = pipeline.Deps(
        runner=runner,
        rules=load_rules(),
        cache_dir=tmp_path / "cache",
        generators=[*generators(["existing-tests"]), *gens],  # type: ignore[list-item]
    )
    return pipeline.check(pipeline.CheckRequest(repo, "main~1", "main", tier="quick"), deps)


def test_a_test_that_fails_on_head_without_a_differing_call_is_not_confirmed(
    tmp_path: Path,
) -> None:
    """On the refactor the planted test passes on base and fails on head (the helper it
    imports is gone): plain pass/fail would confirm it; the tracer does not."""
    runner = RecordingRunner()
    report = _check(tmp_path, HEAD, [Planted(None, HELPER_GONE, FORGED)], runner)
    assert [f for f in report.findings if f.verified] == []
    confirms = [files for cid, files in runner.candidates if cid.startswith("confirm-")]
    assert confirms and all("conftest.py" in files for files in confirms)
    assert "FORGED" not in json.dumps(json_report.to_json(report))


def test_the_reported_witness_is_re_derived_by_the_confirmation_run(tmp_path: Path) -> None:
    """On the real bug the planted evidence carries a forged witness: the report shows the
    call the tracer saw in the pipeline's own confirmation run."""
    report = _check(tmp_path, BUGGY, [Planted(None, GOOD[2], FORGED)], RecordingRunner())
    [finding] = [f for f in report.findings if f.verified]
    assert finding.witness is not None
    assert finding.witness.call == "late_fee_cents(days_late=5)"
    assert (finding.witness.base, finding.witness.head) == ("0", "1000")
    assert finding.witness.test == GOOD[2]
    assert "FORGED" not in json.dumps(json_report.to_json(report))


def test_a_refused_test_is_never_confirmed(tmp_path: Path) -> None:
    reader = "import inspect\nfrom fees import late_fee_cents\n\n\ndef test_claim():\n"
    reader += "    assert '<=' in inspect.getsource(late_fee_cents)\n"
    runner = RecordingRunner()
    report = _check(tmp_path, BUGGY, [Planted(None, reader, FORGED)], runner)
    assert [f for f in report.findings if f.verified] == []
    assert all(reader not in files.values() for _cid, files in runner.candidates)


def test_the_whole_path_with_the_real_sdk(tmp_path: Path) -> None:
    model = ScriptedModel({"late_fee_cents": [checks_reply(GOOD)]})
    runner = RecordingRunner()
    with FakeAnthropicAPI(model) as api:
        report = _check(tmp_path, BUGGY, [LLMGenerator(session_for(api))], runner)
    [finding] = [f for f in report.findings if f.verified]
    assert "llm" in finding.sources and finding.witness is not None
    assert finding.witness.call == "late_fee_cents(days_late=5)"
    confirms = [(cid, f) for cid, f in runner.candidates if cid.startswith("confirm-")]
    assert confirms and all("conftest.py" in files for _cid, files in confirms)
