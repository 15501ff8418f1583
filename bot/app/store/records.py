"""The store's read models: frozen values its callers see, never a table row or a session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

JobState = Literal["queued", "running", "done", "superseded", "failed"]
JOB_STATES: tuple[JobState, ...] = ("queued", "running", "done", "superseded", "failed")
JobKey = tuple[str, int, str]  # (repository full name, PR number, head SHA)


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
    holds the PR lock: try later), ``running`` (the job runs under a live lease elsewhere),
    ``exhausted`` (out of attempts: the job is ``failed`` now, its check run must be finished),
    ``gone`` (nothing to run: superseded, finished or unknown)."""

    outcome: Literal["leased", "busy", "running", "exhausted", "gone"]
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
