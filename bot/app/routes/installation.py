"""``installation`` and ``installation_repositories`` → keep the store's list of repositories.

Both always arrive (they cannot be chosen in the manifest). ``suspend`` / ``unsuspend`` are
synced too: a suspended installation gets no tokens, so its jobs must not start.
"""

from __future__ import annotations

from typing import Any

from bot.app.jobs import Command, SyncInstallation
from bot.app.routes.router import Delivery, PayloadError, Router
from bot.app.settings import Settings

router = Router()


@router.register("installation", "created", "deleted", "suspend", "unsuspend")
def sync_installation(delivery: Delivery, settings: Settings) -> list[Command]:
    action = delivery.get("action", str)
    names = _names(delivery.payload.get("repositories") or [])
    return [
        SyncInstallation(
            installation_id=delivery.get("installation.id", int),
            action=action,
            repositories_added=names if action == "created" else (),
            repositories_removed=names if action == "deleted" else (),
        )
    ]


@router.register("installation_repositories", "added", "removed")
def sync_repositories(delivery: Delivery, settings: Settings) -> list[Command]:
    return [
        SyncInstallation(
            installation_id=delivery.get("installation.id", int),
            action=delivery.get("action", str),
            repositories_added=_names(delivery.payload.get("repositories_added") or []),
            repositories_removed=_names(delivery.payload.get("repositories_removed") or []),
        )
    ]


def _names(repositories: Any) -> tuple[str, ...]:
    if not isinstance(repositories, list):
        raise PayloadError("installation payload: repositories is not a list")
    names: list[str] = []
    for repository in repositories:
        name = repository.get("full_name") if isinstance(repository, dict) else None
        if not isinstance(name, str):
            raise PayloadError("installation payload: a repository has no full_name")
        names.append(name)
    return tuple(names)
