"""The SQLModel tables behind the store, and their conversion to read models."""

from __future__ import annotations

import json

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.app.store.records import Job, JobState, Repository, Result


class DeliveryRow(SQLModel, table=True):
    __tablename__ = "deliveries"
    id: str = Field(primary_key=True, max_length=200)
    state: str = Field(max_length=16)  # claimed | done
    claimed_at: float
    completed_at: float | None = None


class InstallationRow(SQLModel, table=True):
    __tablename__ = "installations"
    id: int = Field(primary_key=True)
    account: str = Field(default="", max_length=200)
    active: bool = True
    updated_at: float


class RepositoryRow(SQLModel, table=True):
    __tablename__ = "repositories"
    full_name: str = Field(primary_key=True, max_length=300)
    installation_id: int = Field(index=True)
    active: bool = True
    clone_url: str = Field(default="", max_length=2000)
    default_branch: str = Field(default="", max_length=300)
    updated_at: float


class PullRequestRow(SQLModel, table=True):
    __tablename__ = "pull_requests"
    repo: str = Field(primary_key=True, max_length=300)
    number: int = Field(primary_key=True)
    head_sha: str = Field(default="", max_length=64)
    lock_job: int | None = None  # the job holding the per-PR lock
    lock_expires: float | None = None
    updated_at: float


class JobRow(SQLModel, table=True):
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


class QuotaRow(SQLModel, table=True):
    """LLM use per installation per UTC day, shared by every process (added atomically)."""

    __tablename__ = "llm_quota"
    installation: str = Field(primary_key=True, max_length=64)
    day: str = Field(primary_key=True, max_length=10)
    tokens: int = 0
    usd: float = 0.0


class ResultRow(SQLModel, table=True):
    __tablename__ = "results"
    repo: str = Field(primary_key=True, max_length=300)
    number: int = Field(primary_key=True)
    head_sha: str = Field(primary_key=True, max_length=64)
    conclusion: str = Field(max_length=32)
    finding_ids: str = "[]"  # JSON list
    created_at: float


class NightlyRow(SQLModel, table=True):
    __tablename__ = "nightly_issues"
    repo: str = Field(primary_key=True, max_length=300)
    issue_number: int | None = None
    items: str = "[]"  # JSON list of NightlyItem fields
    head_sha: str = Field(default="", max_length=64)
    updated_at: float


TABLES = [
    t.__table__  # type: ignore[union-attr]
    for t in (
        DeliveryRow, InstallationRow, RepositoryRow, PullRequestRow, JobRow, ResultRow,
        NightlyRow, QuotaRow,
    )
]  # fmt: skip


def to_job(row: JobRow) -> Job:
    assert row.id is not None
    state: JobState = row.state  # type: ignore[assignment]
    return Job(
        id=row.id, repo=row.repo, number=row.number, head_sha=row.head_sha,
        base_sha=row.base_sha, state=state, attempts=row.attempts,
        lease_owner=row.lease_owner, lease_expires=row.lease_expires, payload=row.payload,
        error=row.error, created_at=row.created_at, updated_at=row.updated_at,
    )  # fmt: skip


def to_result(row: ResultRow) -> Result:
    ids = tuple(str(i) for i in json.loads(row.finding_ids))
    return Result(row.repo, row.number, row.head_sha, row.conclusion, ids, row.created_at)


def to_repository(row: RepositoryRow) -> Repository:
    return Repository(
        row.full_name, row.installation_id, row.active, row.clone_url, row.default_branch
    )
