"""The App's database: every part of the store in one object."""

from __future__ import annotations

from bot.store.deliveries import Deliveries
from bot.store.installations import Installations
from bot.store.jobs import Jobs
from bot.store.results import Results

__all__ = ["Store"]


class Store(Deliveries, Installations, Jobs, Results):
    """The App's database. ``Store(url)`` creates the tables it needs (idempotent)."""
