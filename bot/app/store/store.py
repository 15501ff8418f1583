"""The App's database: every part of the store in one object."""

from __future__ import annotations

from bot.app.store.deliveries import Deliveries
from bot.app.store.installations import Installations
from bot.app.store.jobs import Jobs
from bot.app.store.quota import LLMQuotas
from bot.app.store.results import Results

__all__ = ["Store"]


class Store(Deliveries, Installations, Jobs, Results, LLMQuotas):
    """The App's database. ``Store(url)`` creates the tables it needs (idempotent)."""
