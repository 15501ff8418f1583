"""The host-side analysis runs in a child with a memory limit (bot.app.worker.isolation): a job
whose analysis blows up ends ``neutral`` with the reason, the App keeps answering ``/healthz``
during the attack, and the next job succeeds. The child sees no secret of the App."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_fakes import FakeHost, FakeRunner, PullRequestRepo, pr_repo
from fastapi.testclient import TestClient

from bot.app.jobs import CheckPR, RepoRef
from bot.app.settings import Settings
from bot.app.store import Store
from bot.app.web import create_app
from bot.app.worker import isolation
from bot.app.worker.tasks import CheckOutcome, run_check_pr
from rules.loader import RuleSet, load_rules

REPO = "octo/ledger"
BASE = {
    "ledger/__init__.py": "",
    "ledger/fees.py": "def late_fee(days: int) -> int:\n    return 0 if days <= 5 else 1\n",
}
HEAD = {"ledger/fees.py": "def late_fee(days: int) -> int:\n    return 0 if days < 5 else 1\n"}
SECRET = "whsec-0123456789abcdef-0123456789"


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    yield s
    s.close()


@pytest.fixture
def pr(tmp_path: Path) -> PullRequestRepo:
    return pr_repo(tmp_path / "origin", BASE, HEAD)


def check(
    pr: PullRequestRepo, number: int, host: FakeHost, store: Store, rules: RuleSet,
    settings: Settings, runner: FakeRunner | None = None,
) -> CheckOutcome:  # fmt: skip
    host.add_pr(REPO, number, pr)
    ref = RepoRef(installation_id=1, full_name=REPO, clone_url=pr.url)
    cmd = CheckPR(
        repo=ref, number=number, head_sha=pr.head, base_sha=pr.base, delivery_id=f"d{number}"
    )
    return run_check_pr(
        cmd, host=host, store=store, runner=runner or FakeRunner(), rules=rules,
        settings=settings,
    )  # fmt: skip


def test_an_analysis_out_of_memory_is_a_neutral_check_run_and_the_app_lives_on(
    tmp_path: Path, pr: PullRequestRepo, store: Store, rules: RuleSet,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    settings = Settings(data_dir=tmp_path / "data", analysis_memory_bytes=512 << 20)
    web = Settings(data_dir=tmp_path / "web", webhook_secret=SECRET)  # type: ignore[arg-type]
    app = create_app(
        web, enqueue=lambda *a, **k: None, claim_delivery=lambda _d: True,
        release_delivery=lambda _d: None,
    )  # fmt: skip
    host = FakeHost()
    monkeypatch.setattr(isolation, "TEST_PRELUDE", "isolation_hooks:allocate")
    outcome: list[CheckOutcome] = []
    job = threading.Thread(
        target=lambda: outcome.append(check(pr, 3, host, store, rules, settings))
    )
    answers = []
    with TestClient(app) as client:
        job.start()
        while job.is_alive():  # the App answers during the attack
            answers.append(client.get("/healthz").status_code)
            job.join(0.05)
        answers.append(client.get("/healthz").status_code)
    assert outcome == ["neutral"]
    assert set(answers) == {200} and len(answers) >= 2
    [run] = host.checks.values()
    assert (run.status, run.conclusion) == ("completed", "neutral")
    assert run.title.endswith("analysis ran out of memory (limit 512 MiB)"), run.title
    assert not host.reviews

    monkeypatch.setattr(isolation, "TEST_PRELUDE", None)
    runner = FakeRunner()
    assert check(pr, 4, host, store, rules, settings, runner) == "done"  # the next job
    assert runner.runs >= 1  # sandbox runs reach the parent's runner through the pipe
    assert [r.conclusion for r in host.checks.values()][-1] != "neutral"


@pytest.mark.parametrize(
    ("prelude", "limits", "reason"),
    [
        ("isolation_hooks:hang", {"analysis_timeout_s": 3}, "did not finish within 3 s"),
        ("isolation_hooks:sigkill", {}, "analysis was killed (SIGKILL"),
    ],
    ids=["timeout", "killed"],
)  # fmt: skip
def test_a_child_that_hangs_or_is_killed_is_a_neutral_check_run(
    tmp_path: Path, pr: PullRequestRepo, store: Store, rules: RuleSet,
    monkeypatch: pytest.MonkeyPatch, prelude: str, limits: dict[str, float], reason: str,
) -> None:  # fmt: skip
    settings = Settings(data_dir=tmp_path / "data", **limits)  # type: ignore[arg-type]
    monkeypatch.setattr(isolation, "TEST_PRELUDE", prelude)
    host = FakeHost()
    assert check(pr, 3, host, store, rules, settings) == "neutral"
    [run] = host.checks.values()
    assert run.conclusion == "neutral" and reason in run.title, run.title


def test_the_analysis_child_sees_no_secret_of_the_app(
    tmp_path: Path, pr: PullRequestRepo, store: Store, rules: RuleSet,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("DEEPCHECK_GITHUB_PRIVATE_KEY", "-----BEGIN PRIVATE KEY----- canary")
    monkeypatch.setenv("DEEPCHECK_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-canary")
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_canary")
    monkeypatch.setattr(isolation, "TEST_PRELUDE", "isolation_hooks:no_secrets")
    host = FakeHost()
    assert check(pr, 3, host, store, rules, Settings(data_dir=tmp_path / "data")) == "done"


def test_the_model_and_the_sandbox_stay_in_the_parent_and_the_result_is_the_same(
    tmp_path: Path,
) -> None:
    """The child asks this process to sample and to run sandboxes; the ledger's figures reach
    the report (Ledger.fill through the pipe); the child holds no sampler and no key."""
    from bot.engine import pipeline
    from bot.llm.client import AnthropicSampler, Ledger, LLMSession, LLMSettings
    from sandbox.process_runner import ProcessRunner
    from tests.fakes.anthropic_api import (
        FakeAnthropicAPI,
        ScriptedModel,
        checks_reply,
        verdict_reply,
    )
    from tests.fakes.gitrepos import make_repo
    from tests.llm.test_llm_pipeline import ACCOUNT_BASE, ACCOUNT_HEAD, BOGUS, REAL

    repo = make_repo(
        tmp_path / "repo", {"bank.py": ACCOUNT_BASE}, {"bank.py": ACCOUNT_HEAD},
        title="Refactor withdraw", body="",
    )  # fmt: skip
    model = ScriptedModel(
        {"Account.withdraw": [checks_reply(REAL, BOGUS)]},
        verdicts={"Account.withdraw": [verdict_reply("bug", "the docstring refuses overdrafts")]},
    )
    runner = ProcessRunner()
    with FakeAnthropicAPI(model) as api:
        settings = LLMSettings(api_key="test-key", base_url=api.url)
        llm = LLMSession(
            settings, AnthropicSampler(settings, Ledger(settings), sleep=lambda _s: None)
        )
        deps = pipeline.Deps(runner=runner, rules=load_rules(), cache_dir=tmp_path / "cache")
        request = pipeline.CheckRequest(repo, "main~1", "main", tier="quick")
        try:
            report = isolation.check_isolated(
                request, deps, llm=llm, generators=["existing-tests", "llm"]
            )
        finally:
            llm.close()  # its HTTP client: a socket left to the collector fails a later test
    [finding] = [f for f in report.findings if f.verified]
    assert finding.kind == "defect" and set(finding.sources) == {"llm", "llm-judge"}
    assert report.spent.llm_calls == len(api.requests) > 0  # the ledger, filled here
    assert {r.headers.get("authorization") for r in api.requests} == {"Bearer test-key"}
    assert report.spent.cost_usd > 0 and report.spent.sandbox_runs >= 1
