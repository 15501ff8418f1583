"""Pull requests: the latest head SHA known for each PR."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from bot.app.store.engine import StoreBase
from bot.app.store.tables import PullRequestRow


class PullRequests(StoreBase):
    """The PR rows: their latest head (the PR row also carries the per-PR lock)."""

    def latest_head(self, repo: str, number: int) -> str | None:
        """The PR's head as GitHub last reported it (``note_head``); None before any answer."""
        with self._session() as s:
            row = s.get(PullRequestRow, (repo, number))
            return row.head_sha if row is not None and row.head_sha else None

    def note_head(self, repo: str, number: int, head_sha: str) -> None:
        """Record the PR's head as GitHub reports it now (the truth beats arrival order)."""
        if not head_sha:
            return
        now = self.clock()
        with self._session() as s:
            self._ensure_pr(s, repo, number, now)
            s.execute(
                update(PullRequestRow)
                .where(col(PullRequestRow.repo) == repo)
                .where(col(PullRequestRow.number) == number)
                .values(head_sha=head_sha, updated_at=now)
            )

    def _ensure_pr(self, s: Session, repo: str, number: int, now: float) -> None:
        ins = self._insert(PullRequestRow).values(repo=repo, number=number, updated_at=now)
        s.execute(ins.on_conflict_do_nothing())
