"""run_check_pr and friends over fakes at the ports: a FakeHost, a sandbox that runs nothing,
a real store and a real file:// repository."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from app_fakes import FakeHost, FakeRunner, PullRequestRepo, commit, git, pr_repo

from bot.app.jobs import CheckPR, Reply, RepoRef, SyncInstallation
from bot.app.settings import Settings
from bot.app.store import Store
from bot.app.worker.tasks import (
    Busy,
    command_from_payload,
    command_payload,
    run_check_pr,
    run_reply,
    run_sync_installation,
)
from bot.redaction import scrub
from rules.loader import RuleSet, load_rules

REPO = "octo/ledger"
BASE = {
    "ledger/__init__.py": "",
    "ledger/fees.py": (
        "from decimal import Decimal\n\n\n"
        "def late_fee(amount: Decimal, days: int) -> Decimal:\n"
        "    if days <= 5:\n"
        "        return Decimal('0')\n"
        "    return amount * Decimal('0.01')\n"
    ),
}
HEAD = {
    "ledger/fees.py": (
        "from decimal import Decimal\n\n\n"
        "def late_fee(amount: Decimal, days: int) -> Decimal:\n"
        "    if days < 5:\n"
        "        return Decimal('0')\n"
        "    return round(float(amount) * 0.01, 2)\n"  # line 7: money through float
    ),
}


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture
def repo(tmp_path: Path) -> PullRequestRepo:
    return pr_repo(tmp_path / "origin", BASE, HEAD)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    yield store
    store.close()


def command(repo: PullRequestRepo, **kw: object) -> CheckPR:
    ref = RepoRef(installation_id=1, full_name=REPO, clone_url=repo.url)
    base: dict[str, object] = {"head_sha": repo.head, "base_sha": repo.base, "delivery_id": "d1"}
    return CheckPR(repo=ref, number=3, **{**base, **kw})  # type: ignore[arg-type]


def run(cmd: CheckPR, host: FakeHost, store: Store, settings: Settings, rules: RuleSet,
        runner: FakeRunner | None = None) -> str:  # fmt: skip
    return run_check_pr(
        cmd, host=host, store=store, runner=runner or FakeRunner(), rules=rules,
        settings=settings,
    )  # fmt: skip


def test_a_pull_request_gets_a_check_run_and_a_review_on_the_right_line(
    repo: PullRequestRepo, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    host = FakeHost()
    host.add_pr(REPO, 3, repo)
    assert run(command(repo), host, sqlite_store, settings, rules) == "done"
    [check] = host.checks.values()
    assert (check.status, check.conclusion, check.head_sha) == ("completed", "success", repo.head)
    assert check.external_id == f"{REPO}#3@{repo.head}"
    [review] = host.reviews
    assert review.head_sha == repo.head
    assert {(c.path, c.line) for c in review.comments} == {("ledger/fees.py", 7)}
    result = sqlite_store.result(REPO, 3, repo.head)
    assert result is not None and result.conclusion == "success" and len(result.finding_ids) == 2
    job = sqlite_store.job((REPO, 3, repo.head))
    assert job is not None and job.state == "done" and job.attempts == 1
    # the order a reader of the PR sees: in progress first, the review, then the conclusion
    assert host.calls.index("start_check") < host.calls.index("review")
    assert host.calls.index("review") < host.calls.index("finish_check")


def test_a_redelivered_job_runs_once(
    repo: PullRequestRepo, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    host = FakeHost()
    host.add_pr(REPO, 3, repo)
    assert run(command(repo), host, sqlite_store, settings, rules) == "done"
    assert run(command(repo), host, sqlite_store, settings, rules) == "gone"
    assert len(host.reviews) == 1 and len(host.checks) == 1


def test_a_new_push_does_not_repost_known_findings(
    repo: PullRequestRepo, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    host = FakeHost()
    host.add_pr(REPO, 3, repo)
    run(command(repo), host, sqlite_store, settings, rules)
    git(repo.path, "checkout", "-q", "feature")
    newer = commit(repo.path, {"README.md": "docs\n"}, "docs")
    git(repo.path, "checkout", "-q", "main")
    pushed = PullRequestRepo(repo.path, repo.base, newer)
    host.add_pr(REPO, 3, pushed)
    assert run(command(pushed), host, sqlite_store, settings, rules) == "done"
    assert len(host.checks) == 2 and len(host.reviews) == 1  # nothing new to say
    assert sqlite_store.posted_finding_ids(REPO, 3) == set(
        sqlite_store.result(REPO, 3, repo.head).finding_ids  # type: ignore[union-attr]
    )


def test_a_job_for_an_older_head_is_superseded_by_githubs_head(
    repo: PullRequestRepo, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    host = FakeHost()
    info = host.add_pr(REPO, 3, repo)
    host.prs[(REPO, 3)] = replace(info, head_sha="e" * 40)  # pushed again, delivery not here yet
    assert run(command(repo), host, sqlite_store, settings, rules) == "superseded"
    [check] = host.checks.values()  # concluded at once, never left in progress
    assert (check.head_sha, check.status, check.conclusion) == (repo.head, "completed", "neutral")
    assert check.title == f"Superseded by {'e' * 12}"
    assert host.reviews == [] and "pull_request" not in host.calls  # nothing cloned or read
    assert sqlite_store.latest_head(REPO, 3) == "e" * 40
    job = sqlite_store.job((REPO, 3, repo.head))
    assert job is not None and job.state == "superseded"
    # the same (late) delivery again adds nothing
    assert run(command(repo), host, sqlite_store, settings, rules) == "superseded"
    assert len(host.checks) == 1


def test_arrival_order_does_not_decide_the_head(
    repo: PullRequestRepo, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    host = FakeHost()
    host.add_pr(REPO, 3, repo)
    sqlite_store.upsert_job((REPO, 3, repo.head))
    sqlite_store.upsert_job((REPO, 3, "f" * 40))  # a later-arriving delivery for another head
    assert run(command(repo), host, sqlite_store, settings, rules) == "done"  # GitHub: repo.head
    assert len(host.reviews) == 1


def test_a_superseded_job_runs_when_its_head_is_current_again(
    repo: PullRequestRepo, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    host = FakeHost()
    info = host.add_pr(REPO, 3, repo)
    requeued: list[CheckPR] = []
    stale = command(repo, head_sha="0" * 40, delivery_id="d0")
    sqlite_store.upsert_job(command(repo).key, payload=command_payload(command(repo)))
    assert sqlite_store.mark_superseded(command(repo).key)  # an earlier answer said otherwise
    outcome = run_check_pr(
        stale, host=host, store=sqlite_store, runner=FakeRunner(), rules=rules,
        settings=settings, requeue=requeued.append,
    )  # fmt: skip
    assert outcome == "superseded" and requeued == [command(repo)]  # the current head: again
    assert run(requeued[0], host, sqlite_store, settings, rules) == "done"
    assert [c.conclusion for c in host.checks.values()] == ["neutral", "success"]
    assert [r.head_sha for r in host.reviews] == [info.head_sha]


def test_a_sandbox_failure_is_a_neutral_check_run(
    repo: PullRequestRepo, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    host = FakeHost()
    host.add_pr(REPO, 3, repo)
    runner = FakeRunner(error="docker engine stopped answering")
    assert run(command(repo), host, sqlite_store, settings, rules, runner) == "neutral"
    [check] = host.checks.values()
    assert check.conclusion == "neutral" and "docker engine stopped answering" in check.summary
    assert host.reviews == []
    job = sqlite_store.job((REPO, 3, repo.head))
    assert job is not None and job.state == "failed" and "docker engine" in job.error


def test_the_token_never_leaks(
    repo: PullRequestRepo, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    token = "ghs_S3CRETtokenVALUE"
    host = FakeHost(token=token)
    host.add_pr(REPO, 3, repo)
    cmd = command(repo)
    unreachable = replace(cmd.repo, clone_url="http://127.0.0.1:9/octo/ledger.git")
    assert run(replace(cmd, repo=unreachable), host, sqlite_store, settings, rules) == "neutral"
    [check] = host.checks.values()
    assert check.conclusion == "neutral" and "git fetch failed" in check.summary
    assert token not in check.summary + check.title
    job = sqlite_store.job(cmd.key)
    assert job is not None and token not in job.error + job.payload
    mirror = settings.data_dir / "repos" / "octo" / "ledger.git"
    assert token not in (mirror / "config").read_text()
    db = Path(sqlite_store.url.removeprefix("sqlite:///"))
    assert token.encode() not in db.read_bytes()


def test_the_token_is_not_sent_to_file_urls(
    repo: PullRequestRepo, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    host = FakeHost(token="ghs_unused")
    host.add_pr(REPO, 3, repo)
    assert run(command(repo), host, sqlite_store, settings, rules) == "done"
    assert "clone_token" not in host.calls


def test_scrub() -> None:
    text = "fatal: unable to access 'https://x-access-token:abc123@github.com/o/r.git/': 403"
    assert "abc123" not in scrub(text)
    assert scrub("Authorization: Basic Zm9vOmJhcg==") == "Authorization: Basic ***"
    assert scrub("token tok-1 here", "tok-1") == "token *** here"


def test_a_refused_comment_gets_a_reason_and_no_eyes(
    repo: PullRequestRepo, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    host = FakeHost()
    host.add_pr(REPO, 3, repo)
    cmd = command(repo, head_sha="", base_sha="", trigger="comment", comment_id=77, tier="deep")
    # a command that does not say who asked cannot prove write access: refused (fail closed)
    assert run(cmd, host, sqlite_store, settings, rules) == "refused"
    assert host.reactions == [] and host.checks == {}
    [(_, _, body)] = host.comments
    assert "was not run: the comment does not say who asked" in body
    nobody = replace(cmd, comment_id=78, requested_by="mallory")
    assert run(nobody, host, sqlite_store, settings, rules) == "refused"
    assert host.calls[-2:] == ["can_write", "comment"]  # the permission first, no 👀
    assert host.comments[-1][2] == (
        "@mallory: `/deep-check deep` was not run: it needs write access to the repository."
    )
    run(nobody, host, sqlite_store, settings, rules)  # a retry: answered once
    assert len(host.comments) == 2 and host.reactions == [] and host.checks == {}


def test_the_pr_lock_makes_a_second_job_wait(
    repo: PullRequestRepo, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    host = FakeHost()
    host.add_pr(REPO, 3, repo)
    other = (REPO, 3, "0" * 40)
    sqlite_store.upsert_job(other)
    sqlite_store.upsert_job((REPO, 3, repo.head))
    assert sqlite_store.lease_job(other, "another-worker", 60).outcome == "leased"
    with pytest.raises(Busy):
        run(command(repo), host, sqlite_store, settings, rules)
    assert host.checks == {}


def test_payload_round_trip(repo: PullRequestRepo) -> None:
    cmd = command(repo, paths=("ledger/fees.py",), tier="deep")
    assert command_from_payload(command_payload(cmd)) == cmd


def test_reply_and_installation_sync(sqlite_store: Store) -> None:
    host = FakeHost()
    ref = RepoRef(installation_id=1, full_name=REPO, clone_url="file:///x")
    run_reply(Reply(ref, 3, "usage: /deep-check [tier]"), host=host)
    assert host.comments == [(REPO, 3, "usage: /deep-check [tier]")]
    run_sync_installation(SyncInstallation(1, "created", (REPO,)), store=sqlite_store)
    assert [r.full_name for r in sqlite_store.repositories()] == [REPO]


def test_fetch_reads_pull_refs_when_the_head_is_not_on_a_branch(
    tmp_path: Path, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    repo = pr_repo(tmp_path / "fork", BASE, HEAD)
    git(repo.path, "update-ref", "refs/pull/3/head", repo.head)
    git(repo.path, "branch", "-q", "-D", "feature")  # a fork's branch: only refs/pull/N/head
    host = FakeHost()
    host.add_pr(REPO, 3, repo)
    assert run(command(repo), host, sqlite_store, settings, rules) == "done"
    assert subprocess.run(["git", "--version"], capture_output=True).returncode == 0


def test_a_comment_from_a_writer_checks_the_current_head(
    repo: PullRequestRepo, sqlite_store: Store, settings: Settings, rules: RuleSet
) -> None:
    host = FakeHost(writers={"maria"})
    host.add_pr(REPO, 3, repo)
    base = command(repo, head_sha="", base_sha="", trigger="comment", comment_id=78, tier="deep")
    cmd = replace(base, requested_by="maria")
    assert run(cmd, host, sqlite_store, settings, rules) == "done"
    assert host.calls[:3] == ["can_write", "react", "head_sha"]  # permission, then 👀
    [check] = host.checks.values()
    assert check.head_sha == repo.head and check.status == "completed"
    assert len(host.reviews) == 1  # new findings: the review is the answer
    assert host.comments == []
    # the same head again on request: it runs again (more compute was asked for), and says
    # what it did, since everything it found was posted above
    assert run(replace(cmd, comment_id=79), host, sqlite_store, settings, rules) == "done"
    assert len(host.checks) == 2 and len(host.reviews) == 1
    [(_, _, body)] = host.comments
    assert body.startswith(f"`/deep-check deep` on `{repo.head[:12]}`: no new findings; ")
    assert "2 findings already posted above" in body and "Ran " in body and "sandbox run" in body
