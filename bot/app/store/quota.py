"""The daily LLM quota in the App's database: one row per installation per UTC day.

Every process adds to the same row with one atomic statement (``INSERT … ON CONFLICT DO UPDATE
SET tokens = tokens + :n``, on SQLite and PostgreSQL alike), so no addition is lost and the cap
that ``bot.llm.budget.Ledger`` checks holds across web processes and workers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import delete
from sqlmodel import col

from bot.app.store.engine import StoreBase
from bot.app.store.tables import QuotaRow

__all__ = ["LLMQuotas", "StoreQuota"]


def utc_day() -> str:
    return datetime.now(UTC).date().isoformat()


class LLMQuotas(StoreBase):
    """Tokens and dollars per (installation, day)."""

    def quota_used(self, installation: str, day: str) -> tuple[int, float]:
        with self._session() as s:
            row = s.get(QuotaRow, (installation, day))
            return (0, 0.0) if row is None else (int(row.tokens), float(row.usd))

    def quota_add(self, installation: str, day: str, tokens: int, usd: float) -> None:
        """Add to the day's row atomically (one statement; concurrent adds never lose one)."""
        with self._session() as s:
            ins = self._insert(QuotaRow).values(
                installation=installation, day=day, tokens=tokens, usd=usd
            )
            s.execute(
                ins.on_conflict_do_update(
                    index_elements=["installation", "day"],
                    set_={
                        "tokens": QuotaRow.__table__.c.tokens + ins.excluded.tokens,  # type: ignore[attr-defined]
                        "usd": QuotaRow.__table__.c.usd + ins.excluded.usd,  # type: ignore[attr-defined]
                    },
                )
            )
            s.execute(delete(QuotaRow).where(col(QuotaRow.day) < day))  # older days: gone

    def llm_quota(self, today: Callable[[], str] = utc_day) -> StoreQuota:
        """This database as a ``bot.llm.budget.Quota`` (what ``Ledger`` reads and adds to)."""
        return StoreQuota(self, today)


class StoreQuota:
    """The ``Quota`` protocol of ``bot.llm.budget`` over the store (structural: no import)."""

    def __init__(self, store: LLMQuotas, today: Callable[[], str] = utc_day) -> None:
        self._store, self._today = store, today

    def used(self, installation: str) -> tuple[int, float]:
        return self._store.quota_used(installation, self._today())

    def add(self, installation: str, tokens: int, usd: float) -> None:
        self._store.quota_add(installation, self._today(), tokens, usd)
