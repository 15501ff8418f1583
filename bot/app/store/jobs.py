"""Jobs keyed by (repository, PR, head SHA), their leases and the per-PR lock."""

from __future__ import annotations

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from bot.app.store.pull_requests import PullRequests
from bot.app.store.records import Job, JobKey, JobState, Lease
from bot.app.store.tables import JobRow, PullRequestRow, to_job


class Jobs(PullRequests):
    """queued → running → done | superseded | failed, with attempts and a lease."""

    def upsert_job(
        self, key: JobKey, *, base_sha: str = "", payload: str = "", rerun: bool = False
    ) -> tuple[Job, bool]:
        """The job for ``key`` and whether this call queued it.

        An existing queued or running job is returned as is (a redelivery). A finished one is
        queued again only with ``rerun`` (``/deep-check`` on the same head). Arrival order
        says nothing about the PR's head: only ``note_head`` (GitHub's answer) moves it.
        """
        repo, number, head = key
        if not head:
            raise ValueError("a job needs a head SHA")
        now = self.clock()
        with self._session() as s:
            self._ensure_pr(s, repo, number, now)
            ins = self._insert(JobRow).values(
                repo=repo, number=number, head_sha=head, base_sha=base_sha, state="queued",
                attempts=0, payload=payload, error="", created_at=now, updated_at=now,
            )  # fmt: skip
            inserted = s.execute(ins.on_conflict_do_nothing().returning(ins.table.c.id)).first()
            created = inserted is not None
            row = self._job_row(s, key)
            if not created and rerun and row.state in ("done", "failed", "superseded"):
                row.state, row.attempts, row.error = "queued", 0, ""
                row.lease_owner, row.lease_expires = None, None
                row.payload = payload or row.payload
                row.base_sha = base_sha or row.base_sha
                row.updated_at = now
                s.add(row)
                created = True
            return to_job(row), created

    def _job_row(self, s: Session, key: JobKey) -> JobRow:
        repo, number, head = key
        query = select(JobRow).where(
            col(JobRow.repo) == repo, col(JobRow.number) == number, col(JobRow.head_sha) == head
        )
        if self.dialect == "postgresql":
            query = query.with_for_update()
        return s.exec(query).one()

    def job(self, key: JobKey) -> Job | None:
        repo, number, head = key
        with self._session() as s:
            row = s.exec(
                select(JobRow).where(
                    col(JobRow.repo) == repo,
                    col(JobRow.number) == number,
                    col(JobRow.head_sha) == head,
                )
            ).first()
            return None if row is None else to_job(row)

    def jobs(self, repo: str, number: int) -> list[Job]:
        with self._session() as s:
            rows = s.exec(
                select(JobRow)
                .where(col(JobRow.repo) == repo, col(JobRow.number) == number)
                .order_by(col(JobRow.id))
            ).all()
            return [to_job(r) for r in rows]

    def mark_superseded(self, key: JobKey) -> bool:
        """A queued job whose head is no longer the PR's (GitHub said so): ``superseded``.
        True when this call changed it (its check run is to be concluded once)."""
        repo, number, head = key
        with self._session() as s:
            res = s.execute(
                update(JobRow)
                .where(col(JobRow.repo) == repo, col(JobRow.number) == number)
                .where(col(JobRow.head_sha) == head, col(JobRow.state) == "queued")
                .values(state="superseded", updated_at=self.clock())
            )
            return int(res.rowcount) == 1  # type: ignore[attr-defined]

    def revive_job(self, key: JobKey) -> Job | None:
        """A ``superseded`` job whose head turned out to be current goes back to ``queued``;
        the job when it did (None: it was not superseded)."""
        repo, number, head = key
        with self._session() as s:
            res = s.execute(
                update(JobRow)
                .where(col(JobRow.repo) == repo, col(JobRow.number) == number)
                .where(col(JobRow.head_sha) == head, col(JobRow.state) == "superseded")
                .values(state="queued", error="", updated_at=self.clock())
            )
            if int(res.rowcount) != 1:  # type: ignore[attr-defined]
                return None
            return to_job(self._job_row(s, key))

    def holds_lease(self, job_id: int, owner: str) -> bool:
        """True while ``owner`` holds the job's live lease (checked before writing to GitHub)."""
        with self._session() as s:
            row = s.get(JobRow, job_id)
            return (
                row is not None and row.state == "running" and row.lease_owner == owner
                and (row.lease_expires or 0) > self.clock()
            )  # fmt: skip

    def lease_job(self, key: JobKey, owner: str, ttl: float) -> Lease:
        """Take the job and its PR's lock for ``ttl`` seconds (see :class:`Lease`)."""
        repo, number, _head = key
        now = self.clock()
        with self._session() as s:
            query = select(JobRow).where(
                col(JobRow.repo) == key[0],
                col(JobRow.number) == key[1],
                col(JobRow.head_sha) == key[2],
            )
            if self.dialect == "postgresql":  # two messages for one job: one lease
                query = query.with_for_update()
            row = s.exec(query).first()
            if row is None or row.state not in ("queued", "running"):
                return Lease("gone", None if row is None else to_job(row))
            assert row.id is not None
            if row.state == "running" and (row.lease_expires or 0) > now:
                return Lease("running", to_job(row))  # a duplicate message, or a rerun
            if row.attempts >= self.max_attempts:
                row.state, row.updated_at = "failed", now
                last = f" (the last: {row.error})" if row.error else ""
                row.error = f"gave up after {row.attempts} attempts{last}"
                row.lease_owner = row.lease_expires = None
                s.add(row)
                self._unlock_pr(s, repo, number, row.id)
                return Lease("exhausted", to_job(row))
            self._ensure_pr(s, repo, number, now)
            took = s.execute(
                update(PullRequestRow)
                .where(col(PullRequestRow.repo) == repo)
                .where(col(PullRequestRow.number) == number)
                .where(
                    or_(
                        col(PullRequestRow.lock_job) == None,  # noqa: E711
                        col(PullRequestRow.lock_job) == row.id,
                        col(PullRequestRow.lock_expires) < now,
                    )
                )
                .values(lock_job=row.id, lock_expires=now + ttl)
            )
            if took.rowcount != 1:  # type: ignore[attr-defined]
                return Lease("busy", to_job(row))
            row.state, row.attempts = "running", row.attempts + 1
            row.lease_owner, row.lease_expires, row.updated_at = owner, now + ttl, now
            s.add(row)
            return Lease("leased", to_job(row))

    def renew_lease(self, job_id: int, owner: str, ttl: float) -> bool:
        """Extend a live lease (and the PR lock); False when the lease was lost."""
        now = self.clock()
        with self._session() as s:
            res = s.execute(
                update(JobRow)
                .where(col(JobRow.id) == job_id)
                .where(col(JobRow.state) == "running")
                .where(col(JobRow.lease_owner) == owner)
                .values(lease_expires=now + ttl, updated_at=now)
            )
            if res.rowcount != 1:  # type: ignore[attr-defined]
                return False
            s.execute(
                update(PullRequestRow)
                .where(col(PullRequestRow.lock_job) == job_id)
                .values(lock_expires=now + ttl)
            )
            return True

    def finish_job(self, job_id: int, owner: str, state: JobState, error: str = "") -> bool:
        """Settle a leased job; False (and nothing changed) when ``owner`` lost the lease."""
        if state not in ("done", "superseded", "failed", "queued"):
            raise ValueError(f"cannot finish a job as {state!r}")
        now = self.clock()
        with self._session() as s:
            row = s.get(JobRow, job_id)
            if row is None or row.state != "running" or row.lease_owner != owner:
                return False
            row.state, row.error, row.updated_at = state, error[:2000], now
            row.lease_owner = row.lease_expires = None
            s.add(row)
            self._unlock_pr(s, row.repo, row.number, job_id)
            return True

    def _unlock_pr(self, s: Session, repo: str, number: int, job_id: int) -> None:
        s.execute(
            update(PullRequestRow)
            .where(col(PullRequestRow.repo) == repo)
            .where(col(PullRequestRow.number) == number)
            .where(col(PullRequestRow.lock_job) == job_id)
            .values(lock_job=None, lock_expires=None)
        )

    def expired_jobs(self) -> list[Job]:
        """Running jobs whose lease ran out (their worker died): the reaper queues them again."""
        now = self.clock()
        with self._session() as s:
            rows = s.exec(
                select(JobRow).where(
                    and_(
                        col(JobRow.state) == "running",
                        col(JobRow.lease_expires) < now,
                    )
                )
            ).all()
            return [to_job(r) for r in rows]

    def requeue_expired(self, *, stale_queued: float | None = 3600.0) -> list[Job]:
        """Jobs for the reaper: running jobs whose lease ran out (their worker died) go back
        to ``queued`` (their PR lock released), and jobs ``queued`` for more than
        ``stale_queued`` seconds (a message lost with a queue) are returned too: hand those to
        the queue again (a job handed out twice is harmless: only one message leases it).
        An expired job out of attempts becomes ``failed`` and is returned as such: the reaper
        finishes its check run."""
        now = self.clock()
        out: list[Job] = []
        with self._session() as s:
            expired = col(JobRow.state) == "running"
            query = select(JobRow).where(expired, col(JobRow.lease_expires) < now)
            if self.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            for row in s.exec(query).all():
                assert row.id is not None
                if row.attempts >= self.max_attempts:
                    row.state = "failed"
                    row.error = f"gave up after {row.attempts} attempts (lease expired)"
                else:
                    row.state = "queued"
                row.lease_owner = row.lease_expires = None
                row.updated_at = now
                s.add(row)
                self._unlock_pr(s, row.repo, row.number, row.id)
                out.append(to_job(row))
            if stale_queued is not None:
                query = select(JobRow).where(
                    col(JobRow.state) == "queued", col(JobRow.updated_at) < now - stale_queued
                )
                if self.dialect == "postgresql":
                    query = query.with_for_update(skip_locked=True)
                for row in s.exec(query).all():
                    row.updated_at = now
                    s.add(row)
                    out.append(to_job(row))
        return out
