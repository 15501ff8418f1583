"""Installations and their repositories, for the nightly scan."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update
from sqlmodel import col, select

from bot.app.store.engine import StoreBase
from bot.app.store.records import Installation, Repository
from bot.app.store.tables import InstallationRow, RepositoryRow, to_repository


class Installations(StoreBase):
    """Which installations are active and how to reach their repositories."""

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
            inst = s.get(InstallationRow, installation_id)
            if inst is None:
                inst = InstallationRow(id=installation_id, account=account, updated_at=now)
            inst.active = not gone
            inst.updated_at = now
            if account:
                inst.account = account
            s.add(inst)
            if gone:
                s.execute(
                    update(RepositoryRow)
                    .where(col(RepositoryRow.installation_id) == installation_id)
                    .values(active=False, updated_at=now)
                )
            for name in added:
                repo = s.get(RepositoryRow, name) or RepositoryRow(
                    full_name=name, installation_id=installation_id, updated_at=now
                )
                repo.installation_id, repo.active, repo.updated_at = installation_id, True, now
                s.add(repo)
            for name in removed:
                row = s.get(RepositoryRow, name)
                if row is not None:
                    row.active, row.updated_at = False, now
                    s.add(row)

    def note_repository(
        self, full_name: str, installation_id: int, *, clone_url: str = "", default_branch: str = ""
    ) -> None:
        """Remember how to reach a repository (from a PR event or a job)."""
        now = self.clock()
        with self._session() as s:
            row = s.get(RepositoryRow, full_name) or RepositoryRow(
                full_name=full_name, installation_id=installation_id, updated_at=now
            )
            row.installation_id, row.updated_at = installation_id, now
            row.clone_url = clone_url or row.clone_url
            row.default_branch = default_branch or row.default_branch
            s.add(row)

    def installation(self, installation_id: int) -> Installation | None:
        with self._session() as s:
            row = s.get(InstallationRow, installation_id)
            return None if row is None else Installation(row.id, row.account, row.active)

    def repositories(self, *, active_only: bool = True) -> list[Repository]:
        with self._session() as s:
            query = select(RepositoryRow).order_by(RepositoryRow.full_name)
            if active_only:
                query = query.where(col(RepositoryRow.active) == True)  # noqa: E712
            return [to_repository(r) for r in s.exec(query).all()]
