"""What the GitHub App remembers: the only SQLModel (and SQLAlchemy) importer.

SQLite by default (a file in the data directory, WAL journal, ``BEGIN IMMEDIATE`` writes so
threads of one process never deadlock on a lock upgrade); PostgreSQL when the URL says so
(``postgresql://`` is driven by psycopg 3). Every method is one short transaction; callers
see frozen read models, never a table row or a session.

What lives here:

- deliveries: ``claim_delivery`` → ``complete_delivery``, or ``release_delivery`` when the
  enqueue failed, so a manual redelivery (same ``X-GitHub-Delivery``) is a no-op once done.
  A claim left behind by a killed process expires after ``claim_ttl`` seconds.
- installations and their repositories (``sync_installation``), for the nightly scan.
- pull requests: the latest head SHA known for each PR, and the per-PR lock (a lease on the
  PR row) that serializes jobs for one PR across every worker.
- jobs keyed by (repository, PR, head SHA): queued → running → done | superseded | failed,
  with attempts and a lease. A worker killed mid-job leaves a lease that expires; the reaper
  (``expired_jobs``) hands the job to the queue again until ``max_attempts``.
- results: the finding ids posted for a PR head and its conclusion; a result for an older
  head never replaces a newer one.
- the nightly tracking issue of each repository and the findings it lists.

Times are seconds since the epoch from an injected clock, so tests advance time by hand.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, UniqueConstraint, and_, delete, event, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlmodel import Field, Session, SQLModel, col, create_engine, select

from bot.errors import InfrastructureError

__all__ = [
    "JOB_STATES",
    "Delivery",
    "Installation",
    "Job",
    "JobKey",
    "JobState",
    "Lease",
    "NightlyIssue",
    "NightlyItem",
    "Repository",
    "Result",
    "Store",
    "database_url",
]

JobState = Literal["queued", "running", "done", "superseded", "failed"]
JOB_STATES: tuple[JobState, ...] = ("queued", "running", "done", "superseded", "failed")
JobKey = tuple[str, int, str]  # (repository full name, PR number, head SHA)
Clock = Callable[[], float]


# -- tables ------------------------------------------------------------------------------------


class _DeliveryRow(SQLModel, table=True):
    __tablename__ = "deliveries"
    id: str = Field(primary_key=True, max_length=200)
    state: str = Field(max_length=16)  # claimed | done
    claimed_at: float
    completed_at: float | None = None


class _InstallationRow(SQLModel, table=True):
    __tablename__ = "installations"
    id: int = Field(primary_key=True)
    account: str = Field(default="", max_length=200)
    active: bool = True
    updated_at: float


class _RepositoryRow(SQLModel, table=True):
    __tablename__ = "repositories"
    full_name: str = Field(primary_key=True, max_length=300)
    installation_id: int = Field(index=True)
    active: bool = True
    clone_url: str = Field(default="", max_length=2000)
    default_branch: str = Field(default="", max_length=300)
    updated_at: float


class _PullRequestRow(SQLModel, table=True):
    __tablename__ = "pull_requests"
    repo: str = Field(primary_key=True, max_length=300)
    number: int = Field(primary_key=True)
    head_sha: str = Field(default="", max_length=64)
    lock_job: int | None = None  # the job holding the per-PR lock
    lock_expires: float | None = None
    updated_at: float


class _JobRow(SQLModel, table=True):
    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("repo", "number", "head_sha", name="uq_job_key"),)
    id: int | None = Field(default=None, primary_key=True)
    repo: str = Field(max_length=300, index=True)
    number: int
    head_sha: str = Field(max_length=64)
    base_sha: str = Field(default="", max_length=64)
    state: str = Field(default="queued", max_length=16)
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=200)
    lease_expires: float | None = None
    payload: str = ""  # the queued command, serialized by the caller (never a secret)
    error: str = Field(default="", max_length=2000)
    created_at: float
    updated_at: float


class _ResultRow(SQLModel, table=True):
    __tablename__ = "results"
    repo: str = Field(primary_key=True, max_length=300)
    number: int = Field(primary_key=True)
    head_sha: str = Field(primary_key=True, max_length=64)
    conclusion: str = Field(max_length=32)
    finding_ids: str = "[]"  # JSON list
    created_at: float


class _NightlyRow(SQLModel, table=True):
    __tablename__ = "nightly_issues"
    repo: str = Field(primary_key=True, max_length=300)
    issue_number: int | None = None
    items: str = "[]"  # JSON list of NightlyItem fields
    head_sha: str = Field(default="", max_length=64)
    updated_at: float


# -- read models -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    id: str
    state: str
    claimed_at: float
    completed_at: float | None


@dataclass(frozen=True)
class Installation:
    id: int
    account: str
    active: bool


@dataclass(frozen=True)
class Repository:
    full_name: str
    installation_id: int
    active: bool
    clone_url: str
    default_branch: str


@dataclass(frozen=True)
class Job:
    id: int
    repo: str
    number: int
    head_sha: str
    base_sha: str
    state: JobState
    attempts: int
    lease_owner: str | None
    lease_expires: float | None
    payload: str
    error: str
    created_at: float
    updated_at: float

    @property
    def key(self) -> JobKey:
        return (self.repo, self.number, self.head_sha)


@dataclass(frozen=True)
class Lease:
    """What ``lease_job`` answered: ``leased`` (run it), ``busy`` (another job of this PR
    holds the PR lock: try later), ``gone`` (nothing to run: superseded, finished, running
    under a live lease elsewhere, unknown, or out of attempts)."""

    outcome: Literal["leased", "busy", "gone"]
    job: Job | None = None


@dataclass(frozen=True)
class Result:
    repo: str
    number: int
    head_sha: str
    conclusion: str
    finding_ids: tuple[str, ...]
    created_at: float


@dataclass(frozen=True)
class NightlyItem:
    id: str
    title: str
    path: str
    line: int
    fixed: bool = False


@dataclass(frozen=True)
class NightlyIssue:
    repo: str
    issue_number: int | None
    items: tuple[NightlyItem, ...]
    head_sha: str
    updated_at: float


def _job(row: _JobRow) -> Job:
    assert row.id is not None
    state: JobState = row.state  # type: ignore[assignment]
    return Job(
        id=row.id, repo=row.repo, number=row.number, head_sha=row.head_sha,
        base_sha=row.base_sha, state=state, attempts=row.attempts,
        lease_owner=row.lease_owner, lease_expires=row.lease_expires, payload=row.payload,
        error=row.error, created_at=row.created_at, updated_at=row.updated_at,
    )  # fmt: skip


def _result(row: _ResultRow) -> Result:
    ids = tuple(str(i) for i in json.loads(row.finding_ids))
    return Result(row.repo, row.number, row.head_sha, row.conclusion, ids, row.created_at)


def _repository(row: _RepositoryRow) -> Repository:
    return Repository(
        row.full_name, row.installation_id, row.active, row.clone_url, row.default_branch
    )


# -- engine ------------------------------------------------------------------------------------


def database_url(url: str) -> str:
    """A SQLAlchemy URL: a bare path means SQLite; ``postgres(ql)://`` means psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url)}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def _redacted(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rsplit("@", 1)[1]
    return f"{scheme}{sep}{rest}"


def _sqlite_engine(url: str) -> Engine:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=NullPool if path and path != ":memory:" else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Store:
    """The App's database. ``Store(url)`` creates the tables it needs (idempotent)."""

    def __init__(
        self,
        url: str,
        *,
        clock: Clock = time.time,
        claim_ttl: float = 600.0,
        max_attempts: int = 3,
    ) -> None:
        self.url = database_url(url)
        self.clock = clock
        self.claim_ttl = claim_ttl
        self.max_attempts = max_attempts
        try:
            if self.url.startswith("sqlite"):
                self.engine = _sqlite_engine(self.url)
            else:
                self.engine = create_engine(self.url, pool_pre_ping=True)
            SQLModel.metadata.create_all(self.engine, tables=_TABLES)
        except SQLAlchemyError as exc:
            raise InfrastructureError(
                f"database {_redacted(self.url)} unavailable: {_first_line(exc)}"
            ) from None
        self.dialect = self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def reset(self) -> None:
        """Delete every row of every table (tests)."""
        names = ", ".join(t.name for t in _TABLES)
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY")
            else:
                for table in _TABLES:
                    conn.execute(table.delete())

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise InfrastructureError(f"database error: {_first_line(exc)}") from None

    def _insert(self, table: type[SQLModel]) -> Any:
        return (pg_insert if self.dialect == "postgresql" else sqlite_insert)(table)

    # -- deliveries ------------------------------------------------------------------------------

    def claim_delivery(self, delivery_id: str) -> bool:
        """True when this caller owns the delivery now; False for a redelivery of one that is
        done or claimed by a live process."""
        now = self.clock()
        with self._session() as s:
            ins = self._insert(_DeliveryRow).values(id=delivery_id, state="claimed", claimed_at=now)
            if s.execute(ins.on_conflict_do_nothing().returning(ins.table.c.id)).first():
                return True
            stale = (
                update(_DeliveryRow)
                .where(col(_DeliveryRow.id) == delivery_id)
                .where(col(_DeliveryRow.state) == "claimed")
                .where(col(_DeliveryRow.claimed_at) < now - self.claim_ttl)
                .values(claimed_at=now)
            )
            return bool(s.execute(stale).rowcount == 1)  # type: ignore[attr-defined]

    def release_delivery(self, delivery_id: str) -> None:
        """Forget a claim whose enqueue failed, so a redelivery is processed."""
        with self._session() as s:
            s.execute(
                delete(_DeliveryRow)
                .where(col(_DeliveryRow.id) == delivery_id)
                .where(col(_DeliveryRow.state) == "claimed")
            )

    def complete_delivery(self, delivery_id: str) -> None:
        with self._session() as s:
            s.execute(
                update(_DeliveryRow)
                .where(col(_DeliveryRow.id) == delivery_id)
                .values(state="done", completed_at=self.clock())
            )

    def delivery(self, delivery_id: str) -> Delivery | None:
        with self._session() as s:
            row = s.get(_DeliveryRow, delivery_id)
            return (
                None
                if row is None
                else Delivery(row.id, row.state, row.claimed_at, row.completed_at)
            )

    # -- installations -----------------------------------------------------------------------------

    def sync_installation(
        self,
        installation_id: int,
        action: str,
        *,
        added: Iterable[str] = (),
        removed: Iterable[str] = (),
        account: str = "",
    ) -> None:
        """Apply an ``installation`` / ``installation_repositories`` event."""
        now = self.clock()
        gone = action in ("deleted", "suspend")
        with self._session() as s:
            inst = s.get(_InstallationRow, installation_id)
            if inst is None:
                inst = _InstallationRow(id=installation_id, account=account, updated_at=now)
            inst.active = not gone
            inst.updated_at = now
            if account:
                inst.account = account
            s.add(inst)
            if gone:
                s.execute(
                    update(_RepositoryRow)
                    .where(col(_RepositoryRow.installation_id) == installation_id)
                    .values(active=False, updated_at=now)
                )
            for name in added:
                repo = s.get(_RepositoryRow, name) or _RepositoryRow(
                    full_name=name, installation_id=installation_id, updated_at=now
                )
                repo.installation_id, repo.active, repo.updated_at = installation_id, True, now
                s.add(repo)
            for name in removed:
                row = s.get(_RepositoryRow, name)
                if row is not None:
                    row.active, row.updated_at = False, now
                    s.add(row)

    def note_repository(
        self, full_name: str, installation_id: int, *, clone_url: str = "", default_branch: str = ""
    ) -> None:
        """Remember how to reach a repository (from a PR event or a job)."""
        now = self.clock()
        with self._session() as s:
            row = s.get(_RepositoryRow, full_name) or _RepositoryRow(
                full_name=full_name, installation_id=installation_id, updated_at=now
            )
            row.installation_id, row.updated_at = installation_id, now
            row.clone_url = clone_url or row.clone_url
            row.default_branch = default_branch or row.default_branch
            s.add(row)

    def installation(self, installation_id: int) -> Installation | None:
        with self._session() as s:
            row = s.get(_InstallationRow, installation_id)
            return None if row is None else Installation(row.id, row.account, row.active)

    def repositories(self, *, active_only: bool = True) -> list[Repository]:
        with self._session() as s:
            query = select(_RepositoryRow).order_by(_RepositoryRow.full_name)
            if active_only:
                query = query.where(col(_RepositoryRow.active) == True)  # noqa: E712
            return [_repository(r) for r in s.exec(query).all()]

    # -- pull requests and jobs --------------------------------------------------------------------

    def latest_head(self, repo: str, number: int) -> str | None:
        """The newest head SHA known for a PR (arrival order, corrected by ``note_head``)."""
        with self._session() as s:
            row = s.get(_PullRequestRow, (repo, number))
            return row.head_sha if row is not None and row.head_sha else None

    def note_head(self, repo: str, number: int, head_sha: str) -> None:
        """Record the PR's head as GitHub reports it now (the truth beats arrival order)."""
        if not head_sha:
            return
        now = self.clock()
        with self._session() as s:
            self._ensure_pr(s, repo, number, now)
            s.execute(
                update(_PullRequestRow)
                .where(col(_PullRequestRow.repo) == repo)
                .where(col(_PullRequestRow.number) == number)
                .values(head_sha=head_sha, updated_at=now)
            )

    def _ensure_pr(self, s: Session, repo: str, number: int, now: float) -> None:
        ins = self._insert(_PullRequestRow).values(repo=repo, number=number, updated_at=now)
        s.execute(ins.on_conflict_do_nothing())

    def upsert_job(
        self, key: JobKey, *, base_sha: str = "", payload: str = "", rerun: bool = False
    ) -> tuple[Job, bool]:
        """The job for ``key`` and whether this call queued it.

        An existing queued or running job is returned as is (a redelivery). A finished one is
        queued again only with ``rerun`` (``/deep-check`` on the same head). A new head
        becomes the PR's latest head.
        """
        repo, number, head = key
        if not head:
            raise ValueError("a job needs a head SHA")
        now = self.clock()
        with self._session() as s:
            self._ensure_pr(s, repo, number, now)
            ins = self._insert(_JobRow).values(
                repo=repo, number=number, head_sha=head, base_sha=base_sha, state="queued",
                attempts=0, payload=payload, error="", created_at=now, updated_at=now,
            )  # fmt: skip
            inserted = s.execute(ins.on_conflict_do_nothing().returning(ins.table.c.id)).first()
            created = inserted is not None
            row = self._job_row(s, key)
            if created:
                s.execute(
                    update(_PullRequestRow)
                    .where(col(_PullRequestRow.repo) == repo)
                    .where(col(_PullRequestRow.number) == number)
                    .values(head_sha=head, updated_at=now)
                )
            elif rerun and row.state in ("done", "failed", "superseded"):
                row.state, row.attempts, row.error = "queued", 0, ""
                row.lease_owner, row.lease_expires = None, None
                row.payload = payload or row.payload
                row.base_sha = base_sha or row.base_sha
                row.updated_at = now
                s.add(row)
                created = True
            return _job(row), created

    def _job_row(self, s: Session, key: JobKey) -> _JobRow:
        repo, number, head = key
        query = select(_JobRow).where(
            col(_JobRow.repo) == repo, col(_JobRow.number) == number, col(_JobRow.head_sha) == head
        )
        if self.dialect == "postgresql":
            query = query.with_for_update()
        return s.exec(query).one()

    def job(self, key: JobKey) -> Job | None:
        repo, number, head = key
        with self._session() as s:
            row = s.exec(
                select(_JobRow).where(
                    col(_JobRow.repo) == repo,
                    col(_JobRow.number) == number,
                    col(_JobRow.head_sha) == head,
                )
            ).first()
            return None if row is None else _job(row)

    def jobs(self, repo: str, number: int) -> list[Job]:
        with self._session() as s:
            rows = s.exec(
                select(_JobRow)
                .where(col(_JobRow.repo) == repo, col(_JobRow.number) == number)
                .order_by(col(_JobRow.id))
            ).all()
            return [_job(r) for r in rows]

    def supersede_older(self, repo: str, number: int, head_sha: str) -> int:
        """Mark queued jobs of this PR for any other head superseded; how many were."""
        with self._session() as s:
            res = s.execute(
                update(_JobRow)
                .where(col(_JobRow.repo) == repo)
                .where(col(_JobRow.number) == number)
                .where(col(_JobRow.head_sha) != head_sha)
                .where(col(_JobRow.state) == "queued")
                .values(state="superseded", updated_at=self.clock())
            )
            return int(res.rowcount)  # type: ignore[attr-defined]

    def lease_job(self, key: JobKey, owner: str, ttl: float) -> Lease:
        """Take the job and its PR's lock for ``ttl`` seconds (see :class:`Lease`)."""
        repo, number, _head = key
        now = self.clock()
        with self._session() as s:
            query = select(_JobRow).where(
                col(_JobRow.repo) == key[0],
                col(_JobRow.number) == key[1],
                col(_JobRow.head_sha) == key[2],
            )
            if self.dialect == "postgresql":  # two messages for one job: one lease
                query = query.with_for_update()
            row = s.exec(query).first()
            if row is None or row.state not in ("queued", "running"):
                return Lease("gone", None if row is None else _job(row))
            assert row.id is not None
            if row.state == "running" and (row.lease_expires or 0) > now:
                return Lease("gone", _job(row))  # a duplicate message: the job is running
            if row.attempts >= self.max_attempts:
                row.state, row.updated_at = "failed", now
                row.error = row.error or f"gave up after {row.attempts} attempts"
                row.lease_owner = row.lease_expires = None
                s.add(row)
                self._unlock_pr(s, repo, number, row.id)
                return Lease("gone", _job(row))
            self._ensure_pr(s, repo, number, now)
            took = s.execute(
                update(_PullRequestRow)
                .where(col(_PullRequestRow.repo) == repo)
                .where(col(_PullRequestRow.number) == number)
                .where(
                    or_(
                        col(_PullRequestRow.lock_job) == None,  # noqa: E711
                        col(_PullRequestRow.lock_job) == row.id,
                        col(_PullRequestRow.lock_expires) < now,
                    )
                )
                .values(lock_job=row.id, lock_expires=now + ttl)
            )
            if took.rowcount != 1:  # type: ignore[attr-defined]
                return Lease("busy", _job(row))
            row.state, row.attempts = "running", row.attempts + 1
            row.lease_owner, row.lease_expires, row.updated_at = owner, now + ttl, now
            s.add(row)
            return Lease("leased", _job(row))

    def renew_lease(self, job_id: int, owner: str, ttl: float) -> bool:
        """Extend a live lease (and the PR lock); False when the lease was lost."""
        now = self.clock()
        with self._session() as s:
            res = s.execute(
                update(_JobRow)
                .where(col(_JobRow.id) == job_id)
                .where(col(_JobRow.state) == "running")
                .where(col(_JobRow.lease_owner) == owner)
                .values(lease_expires=now + ttl, updated_at=now)
            )
            if res.rowcount != 1:  # type: ignore[attr-defined]
                return False
            s.execute(
                update(_PullRequestRow)
                .where(col(_PullRequestRow.lock_job) == job_id)
                .values(lock_expires=now + ttl)
            )
            return True

    def finish_job(self, job_id: int, owner: str, state: JobState, error: str = "") -> bool:
        """Settle a leased job; False (and nothing changed) when ``owner`` lost the lease."""
        if state not in ("done", "superseded", "failed", "queued"):
            raise ValueError(f"cannot finish a job as {state!r}")
        now = self.clock()
        with self._session() as s:
            row = s.get(_JobRow, job_id)
            if row is None or row.state != "running" or row.lease_owner != owner:
                return False
            row.state, row.error, row.updated_at = state, error[:2000], now
            row.lease_owner = row.lease_expires = None
            s.add(row)
            self._unlock_pr(s, row.repo, row.number, job_id)
            return True

    def _unlock_pr(self, s: Session, repo: str, number: int, job_id: int) -> None:
        s.execute(
            update(_PullRequestRow)
            .where(col(_PullRequestRow.repo) == repo)
            .where(col(_PullRequestRow.number) == number)
            .where(col(_PullRequestRow.lock_job) == job_id)
            .values(lock_job=None, lock_expires=None)
        )

    def expired_jobs(self) -> list[Job]:
        """Running jobs whose lease ran out (their worker died): the reaper queues them again."""
        now = self.clock()
        with self._session() as s:
            rows = s.exec(
                select(_JobRow).where(
                    and_(
                        col(_JobRow.state) == "running",
                        col(_JobRow.lease_expires) < now,
                    )
                )
            ).all()
            return [_job(r) for r in rows]

    def requeue_expired(self, *, stale_queued: float | None = 3600.0) -> list[Job]:
        """Jobs for the reaper to hand to the queue again: running jobs whose lease ran out
        (their worker died) go back to ``queued`` (their PR lock released; out of attempts:
        ``failed``), and jobs ``queued`` for more than ``stale_queued`` seconds (a message
        lost with a queue) are returned too. A job handed out twice is harmless: only one
        message leases it."""
        now = self.clock()
        out: list[Job] = []
        with self._session() as s:
            expired = col(_JobRow.state) == "running"
            query = select(_JobRow).where(expired, col(_JobRow.lease_expires) < now)
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
                if row.state == "queued":
                    out.append(_job(row))
            if stale_queued is not None:
                query = select(_JobRow).where(
                    col(_JobRow.state) == "queued", col(_JobRow.updated_at) < now - stale_queued
                )
                if self.dialect == "postgresql":
                    query = query.with_for_update(skip_locked=True)
                for row in s.exec(query).all():
                    row.updated_at = now
                    s.add(row)
                    out.append(_job(row))
        return out

    # -- results -----------------------------------------------------------------------------------

    def record_findings(
        self, repo: str, number: int, head_sha: str, finding_ids: Iterable[str], conclusion: str
    ) -> bool:
        """Store what was posted for one head; False (nothing stored) when a newer head is
        known for the PR — a stale result never overwrites a newer one."""
        now = self.clock()
        ids = sorted(set(finding_ids))
        with self._session() as s:
            pr = s.get(_PullRequestRow, (repo, number))
            if pr is not None and pr.head_sha and pr.head_sha != head_sha:
                return False
            row = s.get(_ResultRow, (repo, number, head_sha))
            if row is None:
                row = _ResultRow(
                    repo=repo, number=number, head_sha=head_sha, conclusion=conclusion,
                    created_at=now,
                )  # fmt: skip
            previous = json.loads(row.finding_ids)
            row.finding_ids = json.dumps(sorted(set(previous) | set(ids)))
            row.conclusion, row.created_at = conclusion, now
            s.add(row)
            return True

    def result(self, repo: str, number: int, head_sha: str) -> Result | None:
        with self._session() as s:
            row = s.get(_ResultRow, (repo, number, head_sha))
            return None if row is None else _result(row)

    def latest_result(self, repo: str, number: int) -> Result | None:
        """The result for the PR's latest known head (None when that head has none yet)."""
        head = self.latest_head(repo, number)
        return None if head is None else self.result(repo, number, head)

    def posted_finding_ids(self, repo: str, number: int) -> set[str]:
        """Every finding id already posted on this PR, over all heads."""
        with self._session() as s:
            rows = s.exec(
                select(_ResultRow).where(
                    col(_ResultRow.repo) == repo, col(_ResultRow.number) == number
                )
            ).all()
            return {i for r in rows for i in _result(r).finding_ids}

    # -- nightly -------------------------------------------------------------------------------

    def nightly_issue(self, repo: str) -> NightlyIssue | None:
        with self._session() as s:
            row = s.get(_NightlyRow, repo)
            if row is None:
                return None
            items = tuple(NightlyItem(**i) for i in json.loads(row.items))
            return NightlyIssue(row.repo, row.issue_number, items, row.head_sha, row.updated_at)

    def save_nightly_issue(
        self, repo: str, issue_number: int | None, items: Sequence[NightlyItem], head_sha: str
    ) -> None:
        now = self.clock()
        data = json.dumps([_item_dict(i) for i in items])
        with self._session() as s:
            row = s.get(_NightlyRow, repo) or _NightlyRow(repo=repo, updated_at=now)
            row.issue_number, row.items, row.head_sha, row.updated_at = (
                issue_number, data, head_sha, now,
            )  # fmt: skip
            s.add(row)


def _item_dict(item: NightlyItem) -> Mapping[str, object]:
    return {"id": item.id, "title": item.title, "path": item.path, "line": item.line,
            "fixed": item.fixed}  # fmt: skip


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


_TABLES = [
    t.__table__  # type: ignore[union-attr]
    for t in (
        _DeliveryRow, _InstallationRow, _RepositoryRow, _PullRequestRow, _JobRow, _ResultRow,
        _NightlyRow,
    )
]  # fmt: skip
