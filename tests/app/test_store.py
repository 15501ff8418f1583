"""The store against real SQLite and real PostgreSQL (every test runs on both)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from app_fakes import Clock

from bot.app.store import NightlyItem, Store, database_url

KEY = ("octo/ledger", 7, "a" * 40)
NEWER = ("octo/ledger", 7, "b" * 40)


def test_urls_are_normalised() -> None:
    assert database_url("/tmp/x.db") == "sqlite:////tmp/x.db"
    assert database_url("postgresql://u:p@h/d") == "postgresql+psycopg://u:p@h/d"
    assert database_url("postgres://u:p@h/d") == "postgresql+psycopg://u:p@h/d"
    assert database_url("sqlite:///a.db") == "sqlite:///a.db"


def test_delivery_claim_complete_and_redelivery_is_a_noop(store: Store) -> None:
    assert store.claim_delivery("d-1") is True
    assert store.claim_delivery("d-1") is False  # in flight elsewhere
    store.complete_delivery("d-1")
    assert store.claim_delivery("d-1") is False  # redelivery of a done delivery
    delivery = store.delivery("d-1")
    assert delivery is not None and delivery.state == "done"


def test_released_delivery_can_be_claimed_again(store: Store) -> None:
    assert store.claim_delivery("d-2")
    store.release_delivery("d-2")  # the enqueue failed
    assert store.delivery("d-2") is None
    assert store.claim_delivery("d-2")


def test_a_stale_claim_expires(store: Store, clock: Clock) -> None:
    assert store.claim_delivery("d-3")
    clock.advance(store.claim_ttl + 1)  # the process that claimed it died
    assert store.claim_delivery("d-3")
    store.complete_delivery("d-3")
    clock.advance(store.claim_ttl + 1)
    assert not store.claim_delivery("d-3")  # done stays done


def test_concurrent_claims_have_one_winner(store: Store) -> None:
    wins: list[bool] = []
    barrier = threading.Barrier(6)

    def claim() -> None:
        barrier.wait()
        wins.append(store.claim_delivery("d-race"))

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 5 + [True]


def test_upsert_job_is_idempotent(store: Store) -> None:
    job, created = store.upsert_job(KEY, base_sha="c" * 40, payload="{}")
    assert created and job.state == "queued" and job.key == KEY
    again, created = store.upsert_job(KEY)
    assert not created and again.id == job.id
    assert store.latest_head("octo/ledger", 7) is None  # arrival order moves no head


def test_a_superseded_job_is_revived_when_its_head_is_current(store: Store) -> None:
    store.upsert_job(KEY)
    store.upsert_job(NEWER)
    assert store.mark_superseded(KEY)  # GitHub said the head is NEWER
    assert not store.mark_superseded(KEY)  # once: its check run is concluded once
    old = store.job(KEY)
    assert old is not None and old.state == "superseded"
    assert store.lease_job(KEY, "w1", 60).outcome == "gone"
    held = store.lease_job(NEWER, "w1", 60)
    assert held.outcome == "leased" and held.job is not None
    assert not store.mark_superseded(NEWER)  # running: settled by its worker, not here
    revived = store.revive_job(KEY)  # GitHub says KEY is the head again (pushed back)
    assert revived is not None and revived.state == "queued"
    assert store.revive_job(KEY) is None and store.revive_job(NEWER) is None
    assert store.finish_job(held.job.id, "w1", "superseded")
    assert store.lease_job(KEY, "w2", 60).outcome == "leased"


def test_holds_lease(store: Store, clock: Clock) -> None:
    store.upsert_job(KEY)
    lease = store.lease_job(KEY, "w1", 60)
    assert lease.job is not None
    assert store.holds_lease(lease.job.id, "w1") and not store.holds_lease(lease.job.id, "w2")
    clock.advance(61)
    assert not store.holds_lease(lease.job.id, "w1")  # expired: another worker may own it
    store.requeue_expired()
    assert store.lease_job(KEY, "w2", 60).outcome == "leased"
    assert not store.holds_lease(lease.job.id, "w1") and store.holds_lease(lease.job.id, "w2")


def test_stale_result_never_overwrites_a_newer_one(store: Store) -> None:
    store.upsert_job(KEY)
    store.upsert_job(NEWER)
    store.note_head("octo/ledger", 7, NEWER[2])  # GitHub's answer
    assert store.record_findings(*NEWER, ["f-new"], "failure")
    assert not store.record_findings(*KEY, ["f-old"], "success")  # arrived late
    latest = store.latest_result("octo/ledger", 7)
    assert latest is not None and latest.head_sha == NEWER[2]
    assert latest.finding_ids == ("f-new",) and latest.conclusion == "failure"
    assert store.result(*KEY) is None
    assert store.posted_finding_ids("octo/ledger", 7) == {"f-new"}


def test_only_github_moves_the_head(store: Store) -> None:
    store.upsert_job(NEWER)
    store.upsert_job(KEY)  # a delayed delivery for the older head arrives last
    assert store.latest_head("octo/ledger", 7) is None
    store.note_head("octo/ledger", 7, NEWER[2])  # GitHub says the head is NEWER
    assert store.latest_head("octo/ledger", 7) == NEWER[2]
    assert store.record_findings(*NEWER, ["x"], "success")
    assert not store.record_findings(*KEY, ["y"], "success")


def test_findings_accumulate_per_head(store: Store) -> None:
    store.upsert_job(KEY)
    store.record_findings(*KEY, ["a", "b"], "failure")
    store.record_findings(*KEY, ["c"], "failure")  # a retried publish adds, never forgets
    assert store.posted_finding_ids("octo/ledger", 7) == {"a", "b", "c"}


def test_killed_worker_leaves_the_job_retried_not_lost(store: Store, clock: Clock) -> None:
    store.upsert_job(KEY)
    first = store.lease_job(KEY, "worker-1", ttl=60)
    assert first.outcome == "leased" and first.job is not None and first.job.attempts == 1
    # worker-1 is killed: it never finishes. The lease is live for a while ...
    assert store.lease_job(KEY, "worker-2", ttl=60).outcome == "running"  # elsewhere
    assert store.expired_jobs() == []
    assert store.requeue_expired() == []
    clock.advance(61)
    expired = store.expired_jobs()
    assert [j.key for j in expired] == [KEY]
    requeued = store.requeue_expired()  # the reaper
    assert [(j.key, j.state) for j in requeued] == [(KEY, "queued")]
    assert store.requeue_expired() == []  # once
    second = store.lease_job(KEY, "worker-2", ttl=60)
    assert second.outcome == "leased" and second.job is not None and second.job.attempts == 2
    # the dead worker's late finish is refused; the live one settles the job
    assert first.job is not None
    assert not store.finish_job(first.job.id, "worker-1", "done")
    assert store.finish_job(second.job.id, "worker-2", "done")
    done = store.job(KEY)
    assert done is not None and done.state == "done" and done.lease_owner is None


def test_a_job_queued_too_long_is_handed_out_again(store: Store, clock: Clock) -> None:
    store.upsert_job(KEY)  # its message was lost with the queue
    assert store.requeue_expired(stale_queued=600) == []
    clock.advance(601)
    assert [j.key for j in store.requeue_expired(stale_queued=600)] == [KEY]
    assert store.requeue_expired(stale_queued=600) == []  # touched: not every minute


def test_attempts_are_bounded(store_factory: Callable[..., Store], clock: Clock) -> None:
    store = store_factory(clock=clock, max_attempts=2)
    store.upsert_job(KEY)
    for _ in range(2):
        assert store.lease_job(KEY, "w", 10).outcome == "leased"
        clock.advance(11)
    lease = store.lease_job(KEY, "w", 10)
    assert lease.outcome == "exhausted" and lease.job is not None
    assert lease.job.state == "failed"
    assert "2 attempts" in lease.job.error


def test_an_expired_job_out_of_attempts_is_handed_to_the_reaper_as_failed(
    store_factory: Callable[..., Store], clock: Clock
) -> None:
    store = store_factory(clock=clock, max_attempts=1)
    store.upsert_job(KEY)
    assert store.lease_job(KEY, "killed", 10).outcome == "leased"
    clock.advance(11)
    [job] = store.requeue_expired()  # the reaper finishes its check run
    assert job.state == "failed" and "1 attempts (lease expired)" in job.error
    assert store.requeue_expired() == []


def test_the_pr_lock_serializes_jobs_of_one_pr(store: Store, clock: Clock) -> None:
    store.upsert_job(KEY)
    store.upsert_job(NEWER)
    other_pr = ("octo/ledger", 8, "a" * 40)
    store.upsert_job(other_pr)
    held = store.lease_job(KEY, "w1", 60)
    assert held.outcome == "leased" and held.job is not None
    assert store.lease_job(NEWER, "w2", 60).outcome == "busy"  # same PR: waits
    assert store.lease_job(other_pr, "w2", 60).outcome == "leased"  # another PR runs
    assert store.renew_lease(held.job.id, "w1", 60)
    assert store.finish_job(held.job.id, "w1", "superseded")
    assert store.lease_job(NEWER, "w2", 60).outcome == "leased"


def test_rerun_requeues_a_finished_job(store: Store) -> None:
    store.upsert_job(KEY)
    lease = store.lease_job(KEY, "w", 60)
    assert lease.job is not None
    store.finish_job(lease.job.id, "w", "done")
    job, created = store.upsert_job(KEY)
    assert not created and job.state == "done"
    job, created = store.upsert_job(KEY, rerun=True, payload="deep")
    assert created and job.state == "queued" and job.attempts == 0 and job.payload == "deep"


def test_installations_and_repositories(store: Store) -> None:
    store.sync_installation(42, "created", added=["octo/a", "octo/b"], account="octo")
    store.note_repository("octo/a", 42, clone_url="file:///a", default_branch="trunk")
    assert [r.full_name for r in store.repositories()] == ["octo/a", "octo/b"]
    repo = store.repositories()[0]
    assert (repo.clone_url, repo.default_branch) == ("file:///a", "trunk")
    store.sync_installation(42, "removed", removed=["octo/b"])
    assert [r.full_name for r in store.repositories()] == ["octo/a"]
    store.sync_installation(42, "deleted")
    assert store.repositories() == []
    inst = store.installation(42)
    assert inst is not None and not inst.active and inst.account == "octo"


def test_nightly_issue_state(store: Store) -> None:
    assert store.nightly_issue("octo/a") is None
    items = [NightlyItem("f1", "t1", "a.py", 3), NightlyItem("f2", "t2", "b.py", 4, fixed=True)]
    store.save_nightly_issue("octo/a", 12, items, "d" * 40)
    issue = store.nightly_issue("octo/a")
    assert issue is not None and issue.issue_number == 12 and list(issue.items) == items


def test_two_stores_share_one_database(store_factory: Callable[..., Store]) -> None:
    web, worker = store_factory(), store_factory()
    assert web.claim_delivery("shared")
    assert not worker.claim_delivery("shared")
    web.upsert_job(KEY)
    assert worker.lease_job(KEY, "w", 60).outcome == "leased"


def test_concurrent_leases_of_one_pr_have_one_winner(store_factory: Callable[..., Store]) -> None:
    workers = [store_factory() for _ in range(4)]  # four processes' worth of connections
    keys = [("octo/ledger", 9, f"{i}" * 40) for i in range(4)]
    for key in keys:
        workers[0].upsert_job(key)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def lease(store: Store, key: tuple[str, int, str]) -> None:
        barrier.wait()
        outcomes.append(store.lease_job(key, f"w-{key[2][0]}", 60).outcome)

    threads = [
        threading.Thread(target=lease, args=pair) for pair in zip(workers, keys, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["busy", "busy", "busy", "leased"]


def test_concurrent_leases_of_one_job_have_one_winner(store_factory: Callable[..., Store]) -> None:
    workers = [store_factory() for _ in range(4)]  # duplicate messages for one job
    workers[0].upsert_job(KEY)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def lease(store: Store, owner: str) -> None:
        barrier.wait()
        outcomes.append(store.lease_job(KEY, owner, 60).outcome)

    threads = [threading.Thread(target=lease, args=(w, f"w{i}")) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["leased", "running", "running", "running"]
    job = workers[0].job(KEY)
    assert job is not None and job.attempts == 1
