"""What each queued command does in the App: the worker's functions wired to the ports.

``bot.app.queue`` calls a :class:`Handlers` object; :class:`AppHandlers` is the App's, built by
``deepcheck serve`` / ``deepcheck worker`` (:mod:`bot.cli.serve`). Pull requests go to
:mod:`bot.app.worker.tasks`, nightly scans to :mod:`bot.app.worker.nightly`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.app.github.host import CodeHost, Runner
from bot.app.jobs import CheckPR, NightlyScan, Reply, SyncInstallation
from bot.app.settings import Settings
from bot.app.store import Store
from bot.app.worker.lease import worker_id
from bot.app.worker.nightly import due_scans, run_nightly_scan
from bot.app.worker.tasks import (
    LEASE_SECONDS,
    CheckOutcome,
    Requeue,
    command_from_payload,
    give_up,
    run_check_pr,
    run_reply,
    run_sync_installation,
)
from bot.engine.repo_image import with_environments
from bot.errors import DeepcheckError
from bot.llm.client import LLMSession
from rules.ruleset import RuleSet

__all__ = ["AppHandlers", "default_clone_url"]

log = logging.getLogger("deepcheck.tasks")


def default_clone_url(settings: Settings, full_name: str) -> str:
    """``https://github.com/<name>.git`` (or the GitHub Enterprise host of the API URL)."""
    api = settings.github_api_url.rstrip("/")
    if api == "https://api.github.com":
        return f"https://github.com/{full_name}.git"
    return f"{api.removesuffix('/api/v3')}/{full_name}.git"


@dataclass
class AppHandlers:
    """What each queued command does in the App: the functions above, wired to the ports."""

    settings: Settings
    store: Store
    host_for: Callable[[int], CodeHost]
    runner: Runner
    rules: RuleSet
    lease_seconds: float = LEASE_SECONDS
    generators: list[str] | None = None  # None: every candidate generator
    llm_for: Callable[[int], LLMSession | None] | None = None  # per installation (quota)
    requeue: Requeue | None = None  # the queue's door for a revived job (``attach_queue``)

    def attach_queue(self, requeue: Requeue) -> None:
        """The queue hands over how to queue a command again (a superseded job revived)."""
        self.requeue = requeue

    def check_pr(self, cmd: CheckPR, owner: str) -> CheckOutcome:
        # the repository's declared dependencies: a layer (Docker) or a virtualenv (process)
        runner, image_for = with_environments(
            self.runner,
            base_image=self.settings.sandbox_image or None,
            host_sdists=self.settings.env_sdists,
        )
        llm = self.llm_for(cmd.repo.installation_id) if self.llm_for is not None else None
        try:
            return run_check_pr(
                cmd, host=self.host_for(cmd.repo.installation_id), store=self.store,
                runner=runner, rules=self.rules, settings=self.settings,
                owner=worker_id(owner), lease_seconds=self.lease_seconds,
                generators=self.generators, image_for=image_for, llm=llm,
                requeue=self.requeue,
            )  # fmt: skip
        finally:
            if llm is not None:
                llm.close()

    def reply(self, cmd: Reply) -> None:
        run_reply(cmd, host=self.host_for(cmd.repo.installation_id))

    def sync_installation(self, cmd: SyncInstallation) -> None:
        run_sync_installation(cmd, store=self.store)

    def nightly_scan(self, cmd: NightlyScan) -> int | None:
        runner, image_for = with_environments(
            self.runner,
            base_image=self.settings.sandbox_image or None,
            host_sdists=self.settings.env_sdists,
        )
        return run_nightly_scan(
            cmd, host=self.host_for(cmd.repo.installation_id), store=self.store,
            runner=runner, rules=self.rules, settings=self.settings, image_for=image_for,
        )  # fmt: skip

    def due_nightly_scans(self) -> list[NightlyScan]:
        return due_scans(
            self.store, self.host_for, clone_url=lambda n: default_clone_url(self.settings, n)
        )

    def expired_checks(self) -> list[CheckPR]:
        """Jobs whose worker died, to queue again; a job out of attempts is given up here:
        its check run ends ``neutral`` with the reason, never left in progress."""
        out = []
        for job in self.store.requeue_expired():
            try:
                cmd = command_from_payload(job.payload)
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("job %s: unreadable payload (%s); dropped", job.id, exc)
                continue
            if job.state != "failed":
                out.append(cmd)
                continue
            try:
                give_up(self.host_for(cmd.repo.installation_id), self.store, cmd, job.error)
            except DeepcheckError as exc:
                log.warning("job %s: its check run could not be finished: %s", job.id, exc)
        return out
