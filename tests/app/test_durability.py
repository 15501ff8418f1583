"""Durability: a worker process killed mid-job (SIGKILL, through the real PyGithub against the
fake GitHub API), a job out of attempts, a lease lost before publishing, a command sent while a
check runs. In every case: one review at most, and no check run left in progress."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from app_fakes import Clock, FakeHost, FakeRunner, PullRequestRepo, github_patches, pr_repo

from bot.app.github.client import GitHubApp
from bot.app.github.host import PullRequestInfo
from bot.app.jobs import CheckPR, RepoRef
from bot.app.queue import Queue, make_huey, start_consumer, stop_consumer
from bot.app.settings import Settings
from bot.app.store import Store
from bot.app.worker.handlers import AppHandlers
from bot.app.worker.tasks import command_payload, run_check_pr
from bot.errors import InfrastructureError
from rules.loader import RuleSet, load_rules
from sandbox.results import RunResult
from sandbox.spec import SandboxSpec
from sandbox.workspace import Workspace
from tests.fakes.github_api import FakeGitHub, rsa_key_pair

ROOT = Path(__file__).resolve().parents[2]
REPO = "octo/ledger"
INSTALLATION = 1001
BASE = {
    "ledger/__init__.py": "",
    "ledger/fees.py": "from decimal import Decimal\n\n\ndef fee(amount: Decimal) -> Decimal:\n"
    "    return amount * Decimal('0.01')\n",
}
HEAD = {
    "ledger/fees.py": "from decimal import Decimal\n\n\ndef fee(amount: Decimal) -> Decimal:\n"
    "    return round(float(amount) * 0.01, 2)\n",  # money through float: a finding
}

# The doomed worker: the real task over the real PyGithub; it blocks once the analysis is done,
# just before it would publish, and is killed there (SIGKILL: no cleanup of any kind).
DOOMED = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(sys.argv[2]) / "tests" / "app"))
from app_fakes import FakeRunner
from bot.app.github.client import GitHubApp
from bot.app.github.host import PullRequestInfo
from bot.app.jobs import CheckPR, RepoRef
from bot.app.settings import Settings
from bot.app.store import Store
from bot.app.worker.tasks import run_check_pr
from rules.loader import load_rules

c = json.loads(Path(sys.argv[1]).read_text())
app = GitHubApp(c["app_id"], c["key"], base_url=c["api"])
host = app.host(c["installation"])

class Stuck:
    def __getattr__(self, name):
        return getattr(host, name)

    def posted_finding_ids(self, repo, number):
        Path(c["marker"]).write_text("analysed")
        time.sleep(3600)

cmd = CheckPR(RepoRef(c["installation"], c["repo"], c["url"]), 3, head_sha=c["head"],
              base_sha=c["base"])
run_check_pr(cmd, host=Stuck(), store=Store(c["db"]), runner=FakeRunner(), rules=load_rules(),
             settings=Settings(data_dir=Path(c["data"])), owner="doomed", lease_seconds=2.0,
             generators=["differential"])
"""


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture
def repo(tmp_path: Path) -> PullRequestRepo:
    return pr_repo(tmp_path / "origin", BASE, HEAD)


@pytest.fixture
def github() -> Iterator[tuple[FakeGitHub, str]]:
    private, public = rsa_key_pair()
    with FakeGitHub(public, installations=(INSTALLATION,)) as server:
        yield server, private


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.parametrize("max_attempts", [3, 1], ids=["requeued", "gives-up"])
def test_a_worker_killed_mid_job(
    max_attempts: int,
    tmp_path: Path,
    repo: PullRequestRepo,
    rules: RuleSet,
    github: tuple[FakeGitHub, str],
) -> None:
    fake, private_key = github
    fake.add_repo(REPO, default_branch="main")
    patches = github_patches(repo.path, repo.base, repo.head)
    fake.add_pull(REPO, 3, head_sha=repo.head, base_sha=repo.base, patches=patches)
    db = f"sqlite:///{tmp_path / 'deepcheck.db'}"
    marker = tmp_path / "analysed"
    config = {
        "app_id": fake.app_id, "key": private_key, "api": fake.base_url,
        "installation": INSTALLATION, "repo": REPO, "url": repo.url, "head": repo.head,
        "base": repo.base, "db": db, "data": str(tmp_path / "doomed"), "marker": str(marker),
    }  # fmt: skip
    (tmp_path / "doomed.json").write_text(json.dumps(config))
    doomed = subprocess.Popen(
        [sys.executable, "-c", DOOMED, str(tmp_path / "doomed.json"), str(ROOT)], cwd=ROOT
    )
    try:
        wait_for(lambda: marker.exists() or doomed.poll() is not None, "the doomed worker", 120)
        assert doomed.poll() is None, "the doomed worker ended on its own"
        [started] = fake.check_runs.values()
        assert started["status"] == "in_progress"
    finally:
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=30)

    settings = Settings(data_dir=tmp_path / "data")
    store = Store(db, max_attempts=max_attempts)
    app = GitHubApp(fake.app_id, private_key, base_url=fake.base_url)
    handlers = AppHandlers(
        settings, store, app.host, FakeRunner(), rules, generators=["differential"]
    )
    queue = Queue(make_huey(settings, immediate=True), store, lambda: handlers)
    try:
        time.sleep(2.2)  # the dead worker's lease runs out
        queue.reap()  # the periodic reaper
    finally:
        app.close()
        store_job = store.job((REPO, 3, repo.head))
        store.close()
    [run] = fake.check_runs.values()  # the same check run, finished by whoever came next
    assert run["status"] == "completed"
    assert store_job is not None
    if max_attempts > 1:  # queued again and run to the end: one review
        assert run["conclusion"] == "success" and len(fake.reviews) == 1
        assert (store_job.state, store_job.attempts) == ("done", 2)
    else:  # out of attempts: the check run ends neutral and says why
        assert run["conclusion"] == "neutral" and fake.reviews == []
        assert "gave up after 1 attempts (lease expired)" in run["output"]["summary"]
        assert store_job.state == "failed"


def test_a_job_out_of_attempts_finishes_its_check_run(
    tmp_path: Path, repo: PullRequestRepo, rules: RuleSet
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", max_attempts=1)
    host = FakeHost()
    host.add_pr(REPO, 3, repo)
    cmd = CheckPR(RepoRef(1, REPO, repo.url), 3, head_sha=repo.head, base_sha=repo.base)
    store.upsert_job(cmd.key, payload=command_payload(cmd))
    lease = store.lease_job(cmd.key, "w", 60)
    assert lease.job is not None
    check_id = host.start_check(REPO, repo.head, "deepcheck", f"{REPO}#3@{repo.head}")
    store.finish_job(lease.job.id, "w", "queued", "interrupted; will be retried")  # a crash
    outcome = run_check_pr(
        cmd, host=host, store=store, runner=FakeRunner(), rules=rules,
        settings=Settings(data_dir=tmp_path / "data"),
    )  # fmt: skip
    assert outcome == "neutral"
    [run] = host.checks.values()
    assert (run.id, run.status, run.conclusion) == (check_id, "completed", "neutral")
    assert "gave up after 1 attempts (the last: interrupted; will be retried)" in run.summary
    assert host.reviews == []
    store.close()


class BrokenHost(FakeHost):
    def pull_request(self, repo: str, number: int) -> PullRequestInfo:
        raise InfrastructureError("GitHub answered 502 for the pull request")


def test_a_job_failing_on_its_last_attempt_finishes_its_check_run(
    tmp_path: Path, repo: PullRequestRepo, rules: RuleSet
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", max_attempts=2)
    host = BrokenHost()
    host.add_pr(REPO, 3, repo)
    cmd = CheckPR(RepoRef(1, REPO, repo.url), 3, head_sha=repo.head, base_sha=repo.base)
    settings = Settings(data_dir=tmp_path / "data")

    def attempt() -> str:
        return run_check_pr(
            cmd, host=host, store=store, runner=FakeRunner(), rules=rules, settings=settings
        )

    with pytest.raises(InfrastructureError):
        attempt()  # the queue retries it
    job = store.job(cmd.key)
    assert job is not None and job.state == "queued" and host.checks == {}
    assert attempt() == "neutral"  # the last attempt gives up, and says why
    [run] = host.checks.values()
    assert (run.status, run.conclusion) == ("completed", "neutral")
    assert "gave up after 2 attempts: GitHub answered 502 for the pull request" in run.summary
    job = store.job(cmd.key)
    assert job is not None and job.state == "failed" and host.reviews == []
    store.close()


def test_a_command_that_gives_up_says_why(
    tmp_path: Path, repo: PullRequestRepo, rules: RuleSet
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", max_attempts=1)
    host = BrokenHost(writers={"maria"})
    host.add_pr(REPO, 3, repo)
    ref = RepoRef(1, REPO, repo.url)
    cmd = CheckPR(ref, 3, tier="deep", trigger="comment", comment_id=9, requested_by="maria")
    outcome = run_check_pr(
        cmd, host=host, store=store, runner=FakeRunner(), rules=rules,
        settings=Settings(data_dir=tmp_path / "data"),
    )  # fmt: skip
    assert outcome == "neutral"
    [run] = host.checks.values()
    assert (run.status, run.conclusion) == ("completed", "neutral")
    [(_, _, body)] = host.comments
    assert body.startswith(
        f"`/deep-check deep` on `{repo.head[:12]}` could not finish: gave up after 1 attempts: "
        "GitHub answered 502 for the pull request"
    )
    assert host.reactions == [(REPO, 9, "eyes")]
    store.close()


class Thief(FakeRunner):
    """While the analysis runs, the worker's lease expires and another worker takes the job."""

    def __init__(self, store: Store, clock: Clock, key: tuple[str, int, str]) -> None:
        super().__init__()
        self.store, self.clock, self.key = store, clock, key
        self.stolen = False

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        if not self.stolen:
            self.stolen = True
            self.clock.advance(1_000)
            self.store.requeue_expired()
            assert self.store.lease_job(self.key, "thief", 60).outcome == "leased"
        return super().run(workspace, spec)


def test_a_lost_lease_writes_nothing(tmp_path: Path, repo: PullRequestRepo, rules: RuleSet) -> None:
    clock = Clock()
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", clock=clock)
    host = FakeHost()
    host.add_pr(REPO, 3, repo)
    cmd = CheckPR(RepoRef(1, REPO, repo.url), 3, head_sha=repo.head, base_sha=repo.base)
    settings = Settings(data_dir=tmp_path / "data")
    outcome = run_check_pr(
        cmd, host=host, store=store, runner=Thief(store, clock, cmd.key), rules=rules,
        settings=settings, owner="slow",
    )  # fmt: skip
    assert outcome == "lost"
    assert host.reviews == [] and host.comments == []  # no write after the lease was lost
    assert "finish_check" not in host.calls
    job = store.job(cmd.key)
    assert job is not None and (job.state, job.lease_owner) == ("running", "thief")
    # the thief dies too; the job runs once more, to the end, on the same check run
    clock.advance(61)
    store.requeue_expired()
    assert run_check_pr(
        cmd, host=host, store=store, runner=FakeRunner(), rules=rules, settings=settings
    ) == "done"  # fmt: skip
    [run] = host.checks.values()
    assert run.status == "completed" and len(host.reviews) == 1
    store.close()


class Blocking(FakeRunner):
    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()
        self.active = self.max_active = 0
        self.lock = threading.Lock()

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        self.started.set()
        self.release.wait(30)
        with self.lock:
            self.active -= 1
        return super().run(workspace, spec)


def test_a_command_while_the_check_runs_is_run_after_it(
    tmp_path: Path, repo: PullRequestRepo, rules: RuleSet
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    host = FakeHost(writers={"maria"})
    host.add_pr(REPO, 3, repo)
    runner = Blocking()
    handlers = AppHandlers(settings, store, lambda _i: host, runner, rules)
    queue = Queue(make_huey(settings), store, lambda: handlers, busy_delay=0.2)
    consumer = start_consumer(queue.huey, workers=2, periodic=False)
    ref = RepoRef(1, REPO, repo.url)
    try:
        queue.submit(CheckPR(ref, 3, head_sha=repo.head, base_sha=repo.base))
        assert runner.started.wait(30)
        command = CheckPR(
            ref, 3, tier="standard", trigger="comment", comment_id=5, requested_by="maria"
        )
        queue.submit(command)
        wait_for(lambda: host.reactions != [], "the 👀")
        time.sleep(1.0)  # the command waits for the running check: not dropped, not parallel
        assert len(host.checks) == 1 and host.comments == []
        runner.release.set()
        wait_for(
            lambda: (
                len(host.comments) == 1
                and all(c.status == "completed" for c in host.checks.values())
            ),
            "the command's answer",
        )
    finally:
        runner.release.set()
        stop_consumer(consumer, timeout=30)
        queue.close()
        store.close()
    assert runner.max_active == 1 and len(host.checks) == 2 and len(host.reviews) == 1
    [(_, _, body)] = host.comments
    assert body.startswith("`/deep-check standard` on ")
    assert "no new findings; 2 findings already posted above" in body
    assert host.reactions == [(REPO, 5, "eyes")]
