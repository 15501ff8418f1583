"""The huey queue: immediate mode, a real SQLite consumer, real Redis, the per-PR lock, the
reaper for a worker killed mid-job."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from app_fakes import Clock, FakeHost, FakeRunner, PullRequestRepo, commit, git, pr_repo
from huey import MemoryHuey, RedisHuey, SqliteHuey

from bot.app.jobs import CheckPR, NightlyScan, Reply, RepoRef, SyncInstallation
from bot.app.queue import Queue, make_huey, start_consumer, stop_consumer
from bot.app.settings import Settings
from bot.app.store import Store
from bot.app.worker.handlers import AppHandlers
from rules.loader import load_rules
from sandbox.results import RunResult
from sandbox.spec import SandboxSpec
from sandbox.workspace import Workspace

REPO = "octo/ledger"
BASE = {"ledger/__init__.py": "", "ledger/fees.py": "def fee(amount):\n    return amount\n"}
HEAD = {"ledger/fees.py": "def fee(amount):\n    return round(float(amount), 2)\n"}


def ref(url: str = "file:///nowhere") -> RepoRef:
    return RepoRef(installation_id=1, full_name=REPO, clone_url=url)


@dataclass
class Recorder:
    """Handlers that only record what they were asked to do."""

    seen: list[object] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)

    def check_pr(self, cmd: CheckPR, owner: str) -> None:
        self.seen.append(cmd)
        self.done.set()

    def reply(self, cmd: Reply) -> None:
        self.seen.append(cmd)
        self.done.set()

    def sync_installation(self, cmd: SyncInstallation) -> None:
        self.seen.append(cmd)

    def nightly_scan(self, cmd: NightlyScan) -> None:
        self.seen.append(cmd)

    def due_nightly_scans(self) -> list[NightlyScan]:
        return [NightlyScan(ref(), ("ledger/**",))]

    def expired_checks(self) -> list[CheckPR]:
        return []


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", clock=clock)
    yield s
    s.close()


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def test_make_huey_follows_the_queue_url(tmp_path: Path) -> None:
    sqlite = make_huey(Settings(data_dir=tmp_path))
    assert isinstance(sqlite, SqliteHuey) and (tmp_path / "queue.db").exists()
    redis = make_huey(Settings(data_dir=tmp_path, queue_url="redis://127.0.0.1:1/0"))
    assert isinstance(redis, RedisHuey)
    memory = make_huey(Settings(data_dir=tmp_path), immediate=True)
    assert isinstance(memory, MemoryHuey) and memory.immediate


def test_immediate_mode_runs_each_command_and_completes_the_delivery(
    tmp_path: Path, store: Store
) -> None:
    rec = Recorder()
    queue = Queue(make_huey(Settings(data_dir=tmp_path), immediate=True), store, lambda: rec)
    check = CheckPR(ref(), 3, head_sha="a" * 40, base_sha="b" * 40)
    reply = Reply(ref(), 3, "usage")
    sync = SyncInstallation(1, "created", (REPO,))
    assert store.claim_delivery("d-1")
    queue.enqueue("d-1", [check, reply, sync])
    assert rec.seen == [check, reply, sync]
    delivery = store.delivery("d-1")
    assert delivery is not None and delivery.state == "done"
    lease = store.lease_job(check.key, "w", 60)  # what the real handler does
    assert lease.job is not None and store.finish_job(lease.job.id, "w", "done")
    assert not queue.submit(check)  # the same head again, once done, adds nothing
    assert rec.seen == [check, reply, sync]
    queue.nightly_tick()
    assert rec.seen[-1] == NightlyScan(ref(), ("ledger/**",))


def test_arrival_order_supersedes_nothing(tmp_path: Path, store: Store) -> None:
    huey = make_huey(Settings(data_dir=tmp_path))  # a real SQLite queue, no consumer yet
    queue = Queue(huey, store, Recorder)
    newer = CheckPR(ref(), 3, head_sha="b" * 40, base_sha="c" * 40)
    older = CheckPR(ref(), 3, head_sha="a" * 40, base_sha="c" * 40)
    queue.submit(newer)
    queue.submit(older)  # a late delivery of the older push
    assert huey.pending_count() == 2
    assert [(j.head_sha[0], j.state) for j in store.jobs(REPO, 3)] == [
        ("b", "queued"),
        ("a", "queued"),
    ]
    assert store.latest_head(REPO, 3) is None  # only GitHub's answer (the worker asks) sets it
    # a queued job submitted again (its first enqueue may have failed) gets a second message;
    # only one of them will lease it
    assert queue.submit(newer) and huey.pending_count() == 3
    # a superseded job whose head a delivery names again (pushed back) gets a message too: the
    # worker asks GitHub and runs it when it is current
    assert store.mark_superseded(older.key)
    assert queue.submit(older) and huey.pending_count() == 4


def test_redis_queue_with_a_real_consumer_thread(
    redis_url: str, tmp_path: Path, store: Store
) -> None:
    settings = Settings(data_dir=tmp_path, queue_url=redis_url)
    huey = make_huey(settings, name=f"deepcheck-test-{uuid.uuid4().hex[:8]}")
    assert isinstance(huey, RedisHuey)
    rec = Recorder()
    queue = Queue(huey, store, lambda: rec)
    consumer = start_consumer(huey, workers=1, periodic=False)
    try:
        queue.enqueue("", [Reply(ref(), 3, "hello through redis")])
        assert rec.done.wait(20), "the consumer never ran the task"
        assert rec.seen == [Reply(ref(), 3, "hello through redis")]
        assert huey.pending_count() == 0
    finally:
        stop_consumer(consumer, timeout=5)
        huey.flush()
        queue.close()


class BlockingRunner(FakeRunner):
    """A sandbox that holds the first run until released, recording overlapping runs."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()
        self.active = 0
        self.max_active = 0
        self.lock = threading.Lock()

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        self.started.set()
        self.release.wait(20)
        with self.lock:
            self.active -= 1
        return super().run(workspace, spec)


@pytest.mark.parametrize("deployment", ["one-machine", "many-machines"])
def test_the_per_pr_lock_serializes_jobs_of_one_pr(
    tmp_path: Path, deployment: str, request: pytest.FixtureRequest
) -> None:
    """One machine: SQLite store and queue, one consumer with two threads. Many machines:
    PostgreSQL and Redis, a web side and two workers, each with its own store and huey."""
    origin = pr_repo(tmp_path / "origin", BASE, HEAD)
    git(origin.path, "checkout", "-q", "feature")
    newer_sha = commit(origin.path, {"README.md": "x\n"}, "second push")
    git(origin.path, "checkout", "-q", "main")
    if deployment == "one-machine":
        settings = Settings(data_dir=tmp_path / "data")
        workers = 1
    else:
        db = request.getfixturevalue("postgres_url")
        fresh = Store(db)
        fresh.reset()
        fresh.close()
        settings = Settings(
            data_dir=tmp_path / "data", database_url=db,
            queue_url=request.getfixturevalue("redis_url"),
        )  # fmt: skip
        workers = 2
    name = f"deepcheck-test-{uuid.uuid4().hex[:8]}"
    host = FakeHost()
    runner = BlockingRunner()
    rules = load_rules()
    stores = [Store(settings.database_url) for _ in range(workers + 1)]
    web = Queue(make_huey(settings, name=name), stores[0], Recorder)
    queues = [web]
    consumers = []
    for store in stores[1:]:
        handlers = AppHandlers(settings, store, lambda _i: host, runner, rules)
        queue = Queue(make_huey(settings, name=name), store, lambda h=handlers: h, busy_delay=0.1)
        queues.append(queue)
        consumers.append(start_consumer(queue.huey, workers=3 - workers, periodic=False))
    try:
        host.add_pr(REPO, 3, origin)
        first = CheckPR(ref(origin.url), 3, head_sha=origin.head, base_sha=origin.base)
        web.submit(first)
        assert runner.started.wait(20)  # the first job holds the PR
        newer = PullRequestRepo(origin.path, origin.base, newer_sha)
        host.add_pr(REPO, 3, newer)
        web.submit(CheckPR(ref(origin.url), 3, head_sha=newer_sha, base_sha=origin.base))
        time.sleep(1.5)  # the second job tries, finds the PR busy, waits
        assert len(host.checks) == 1
        runner.release.set()
        wait_for(lambda: len([c for c in host.checks.values() if c.status == "completed"]) == 2)
    finally:
        runner.release.set()
        for consumer in consumers:
            stop_consumer(consumer, timeout=10)
        web.huey.flush()
        for q in queues:
            q.close()
        for store in stores:
            store.close()
    assert runner.max_active == 1
    by_head = {c.head_sha: c for c in host.checks.values()}
    assert by_head[origin.head].conclusion == "neutral"  # superseded while it ran
    assert by_head[origin.head].title == f"Superseded by {newer_sha[:12]}"
    assert by_head[newer_sha].conclusion == "success"
    assert [r.head_sha for r in host.reviews] == [newer_sha]  # a stale review is never posted


def test_a_worker_killed_mid_job_is_retried_by_the_reaper(
    tmp_path: Path, store: Store, clock: Clock
) -> None:
    origin = pr_repo(tmp_path / "origin", BASE, HEAD)
    settings = Settings(data_dir=tmp_path / "data")
    host = FakeHost()
    host.add_pr(REPO, 3, origin)
    handlers = AppHandlers(settings, store, lambda _i: host, FakeRunner(), load_rules())
    queue = Queue(make_huey(settings, immediate=True), store, lambda: handlers)
    cmd = CheckPR(ref(origin.url), 3, head_sha=origin.head, base_sha=origin.base)
    from bot.app.worker.tasks import command_payload

    store.upsert_job(cmd.key, base_sha=cmd.base_sha, payload=command_payload(cmd))
    assert store.lease_job(cmd.key, "killed-worker", 60).outcome == "leased"  # then: SIGKILL
    queue.reap()
    assert host.checks == {}  # the lease is still live: nothing to do yet
    clock.advance(61)
    queue.reap()  # the periodic reaper finds the expired lease and queues the job again
    [check] = host.checks.values()
    assert check.conclusion == "success" and len(host.reviews) == 1
    job = store.job(cmd.key)
    assert job is not None and job.state == "done" and job.attempts == 2
