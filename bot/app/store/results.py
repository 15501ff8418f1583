"""What was published: the finding ids of each PR head, and the nightly issues."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from sqlmodel import col, select

from bot.app.store.pull_requests import PullRequests
from bot.app.store.records import NightlyIssue, NightlyItem, Result
from bot.app.store.tables import NightlyRow, PullRequestRow, ResultRow, to_result


class Results(PullRequests):
    """A result for an older head never replaces a newer one."""

    def record_findings(
        self, repo: str, number: int, head_sha: str, finding_ids: Iterable[str], conclusion: str
    ) -> bool:
        """Store what was posted for one head; False (nothing stored) when a newer head is
        known for the PR — a stale result never overwrites a newer one."""
        now = self.clock()
        ids = sorted(set(finding_ids))
        with self._session() as s:
            pr = s.get(PullRequestRow, (repo, number))
            if pr is not None and pr.head_sha and pr.head_sha != head_sha:
                return False
            row = s.get(ResultRow, (repo, number, head_sha))
            if row is None:
                row = ResultRow(
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
            row = s.get(ResultRow, (repo, number, head_sha))
            return None if row is None else to_result(row)

    def latest_result(self, repo: str, number: int) -> Result | None:
        """The result for the PR's latest known head (None when that head has none yet)."""
        head = self.latest_head(repo, number)
        return None if head is None else self.result(repo, number, head)

    def posted_finding_ids(self, repo: str, number: int) -> set[str]:
        """Every finding id already posted on this PR, over all heads."""
        with self._session() as s:
            rows = s.exec(
                select(ResultRow).where(
                    col(ResultRow.repo) == repo, col(ResultRow.number) == number
                )
            ).all()
            return {i for r in rows for i in to_result(r).finding_ids}

    # -- nightly -------------------------------------------------------------------------------

    def nightly_issue(self, repo: str) -> NightlyIssue | None:
        with self._session() as s:
            row = s.get(NightlyRow, repo)
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
            row = s.get(NightlyRow, repo) or NightlyRow(repo=repo, updated_at=now)
            row.issue_number, row.items, row.head_sha, row.updated_at = (
                issue_number, data, head_sha, now,
            )  # fmt: skip
            s.add(row)


def _item_dict(item: NightlyItem) -> Mapping[str, object]:
    return {"id": item.id, "title": item.title, "path": item.path, "line": item.line,
            "fixed": item.fixed}  # fmt: skip
