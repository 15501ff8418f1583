"""Webhook deliveries: each ``X-GitHub-Delivery`` is processed once."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import col

from bot.app.store.engine import StoreBase
from bot.app.store.records import Delivery
from bot.app.store.tables import DeliveryRow


class Deliveries(StoreBase):
    """claim → complete, or release when the enqueue failed; a stale claim expires."""

    def claim_delivery(self, delivery_id: str) -> bool:
        """True when this caller owns the delivery now; False for a redelivery of one that is
        done or claimed by a live process."""
        now = self.clock()
        with self._session() as s:
            ins = self._insert(DeliveryRow).values(id=delivery_id, state="claimed", claimed_at=now)
            if s.execute(ins.on_conflict_do_nothing().returning(ins.table.c.id)).first():
                return True
            stale = (
                update(DeliveryRow)
                .where(col(DeliveryRow.id) == delivery_id)
                .where(col(DeliveryRow.state) == "claimed")
                .where(col(DeliveryRow.claimed_at) < now - self.claim_ttl)
                .values(claimed_at=now)
            )
            return bool(s.execute(stale).rowcount == 1)  # type: ignore[attr-defined]

    def release_delivery(self, delivery_id: str) -> None:
        """Forget a claim whose enqueue failed, so a redelivery is processed."""
        with self._session() as s:
            s.execute(
                delete(DeliveryRow)
                .where(col(DeliveryRow.id) == delivery_id)
                .where(col(DeliveryRow.state) == "claimed")
            )

    def complete_delivery(self, delivery_id: str) -> None:
        with self._session() as s:
            s.execute(
                update(DeliveryRow)
                .where(col(DeliveryRow.id) == delivery_id)
                .values(state="done", completed_at=self.clock())
            )

    def delivery(self, delivery_id: str) -> Delivery | None:
        with self._session() as s:
            row = s.get(DeliveryRow, delivery_id)
            return (
                None
                if row is None
                else Delivery(row.id, row.state, row.claimed_at, row.completed_at)
            )
