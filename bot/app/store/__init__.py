"""What the GitHub App remembers: the only SQLModel (and SQLAlchemy) importer
(this package).

SQLite by default (a file in the data directory, WAL journal, ``BEGIN IMMEDIATE`` writes so
threads of one process never deadlock on a lock upgrade); PostgreSQL when the URL says so
(``postgresql://`` is driven by psycopg 3). Every method is one short transaction; callers
see frozen read models, never a table row or a session.

What lives here:

- deliveries: ``claim_delivery`` → ``complete_delivery``, or ``release_delivery`` when the
  enqueue failed, so a manual redelivery (same ``X-GitHub-Delivery``) is a no-op once done.
  A claim left behind by a killed process expires after ``claim_ttl`` seconds.
- installations and their repositories (``sync_installation``), for the nightly scan.
- pull requests: the head SHA GitHub last reported for each PR (``note_head``; the order
  deliveries arrive in moves nothing), and the per-PR lock (a lease on the PR row) that
  serializes jobs for one PR across every worker.
- jobs keyed by (repository, PR, head SHA): queued → running → done | superseded | failed,
  with attempts and a lease (``holds_lease`` before each write to GitHub). A superseded job
  whose head turns out current is revived (``revive_job``). A worker killed mid-job leaves a
  lease that expires; the reaper (``requeue_expired``) hands the job to the queue again until
  ``max_attempts``, then returns it ``failed`` so its check run is finished.
- the daily LLM quota per installation (``llm_quota``, :mod:`bot.app.store.quota`), added to
  with one atomic upsert.
- results: the finding ids posted for a PR head and its conclusion; a result for an older
  head never replaces a newer one.
- the nightly tracking issue of each repository and the findings it lists.

Times are seconds since the epoch from an injected clock, so tests advance time by hand.

The package: ``tables`` (the SQLModel tables), ``records`` (the read models), ``engine`` (the
engine and its sessions), one module per concern (``deliveries``, ``installations``,
``pull_requests``, ``jobs``, ``results``, ``quota``), and ``store``, which makes them one
:class:`Store`.
"""

from __future__ import annotations

from bot.app.store.engine import database_url
from bot.app.store.records import (
    JOB_STATES,
    Delivery,
    Installation,
    Job,
    JobKey,
    JobState,
    Lease,
    NightlyIssue,
    NightlyItem,
    Repository,
    Result,
)
from bot.app.store.store import Store

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
