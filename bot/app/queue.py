"""The job queue: the only huey importer.

``make_huey(settings)`` picks the storage from ``DEEPCHECK_QUEUE_URL``: a SQLite file by default
(one process: the web server with an embedded consumer), Redis for ``redis://`` (N web
processes, M workers); tests use ``immediate=True`` (in-memory, runs at enqueue).

:class:`Queue` registers the App's tasks on one huey instance (stable names, so a web process
and a worker built from the same settings agree) and turns webhook commands into jobs:

- ``CheckPR`` with a head: the store gets the job first (keyed by repository, PR, head SHA; a
  second event for a head whose job is running or done adds nothing, one still queued gets a
  second message and only one of them leases it), then huey gets the message. Which head is
  the newest is GitHub's answer, asked by the worker, never the arrival order. Comments (no
  head yet) go straight to huey.
- jobs of one PR are serialized by the store's per-PR lock (a lease on the PR row that
  expires with a dead worker, unlike a huey lock on SQLite or Redis < 7.4, which has no TTL):
  a task that finds the PR busy is rescheduled with ``RetryTask`` — waiting is not an attempt;
  a failure is retried ``retries`` times, ``retry_delay`` seconds apart;
- ``reap`` (every minute) re-queues jobs whose lease expired: a worker killed mid-job loses
  nothing; ``nightly_tick`` (``periodic_task``, hourly by default) queues the nightly scans
  that are due.

The work itself is a :class:`Handlers` object (``bot.app.worker.handlers.AppHandlers`` in
production).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Huey, Task
from huey.consumer import Consumer
from huey.exceptions import RetryTask
from huey.storage import RedisStorage

from bot.app.jobs import CheckPR, Command, Ignore, NightlyScan, Reply, SyncInstallation
from bot.app.settings import Settings
from bot.app.store import Store
from bot.app.worker.tasks import Busy, command_payload

__all__ = [
    "Handlers",
    "Queue",
    "make_huey",
    "queue_path",
    "start_consumer",
    "stop_consumer",
]

log = logging.getLogger("deepcheck.queue")

QUEUE_NAME = "deepcheck"


class Handlers(Protocol):
    """What the tasks do; ``bot.app.worker.handlers.AppHandlers`` is the App's implementation."""

    def check_pr(self, cmd: CheckPR, owner: str) -> object: ...

    def reply(self, cmd: Reply) -> None: ...

    def sync_installation(self, cmd: SyncInstallation) -> None: ...

    def nightly_scan(self, cmd: NightlyScan) -> object: ...

    def due_nightly_scans(self) -> Sequence[NightlyScan]: ...

    def expired_checks(self) -> Sequence[CheckPR]: ...


def queue_path(url: str) -> Path:
    """The SQLite file of a ``sqlite:///relative``, ``sqlite:////absolute`` or bare path."""
    return Path(url.removeprefix("sqlite:///"))


def make_huey(settings: Settings, *, immediate: bool = False, name: str = QUEUE_NAME) -> Huey:
    """The huey instance for ``settings.queue_url`` (results are not kept: the store is the
    record). ``immediate`` runs each task when it is enqueued, in memory (tests)."""
    if immediate:
        return MemoryHuey(name, immediate=True, results=False, utc=True)
    url = settings.queue_url
    if settings.queue_backend == "redis":
        return RedisHuey(name, url=url, results=False, utc=True)
    path = queue_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), results=False, utc=True)


class Queue:
    """The App's tasks on ``huey`` and the door to them (``enqueue`` for the web endpoint)."""

    def __init__(
        self,
        huey: Huey,
        store: Store,
        handlers: Callable[[], Handlers],
        *,
        retries: int = 2,
        retry_delay: float = 30.0,
        busy_delay: float = 10.0,
        nightly: Callable[[Any], bool] | None = None,
        reap: Callable[[Any], bool] | None = None,
    ) -> None:
        self.huey = huey
        self.store = store
        self._handlers = handlers
        self._resolved: Handlers | None = None
        self._lock = threading.Lock()
        self.busy_delay = busy_delay
        self._register(
            retries, retry_delay, nightly or crontab(minute="0"), reap or crontab(minute="*")
        )

    def close(self) -> None:
        """Close the queue's storage connection (Redis; SQLite connections are per thread)."""
        if isinstance(self.huey.storage, RedisStorage):
            self.huey.storage.conn.close()

    def handlers(self) -> Handlers:
        """The handlers, built on first use in the process that runs tasks."""
        with self._lock:
            if self._resolved is None:
                self._resolved = self._handlers()
                attach = getattr(self._resolved, "attach_queue", None)
                if callable(attach):  # so a revived job can be queued again
                    attach(self.submit)
            return self._resolved

    def _register(self, retries: int, retry_delay: float, nightly: Any, reap: Any) -> None:
        huey = self.huey
        again = {"retries": retries, "retry_delay": retry_delay}

        def check_pr(cmd: CheckPR, task: Task) -> None:
            try:
                self.handlers().check_pr(cmd, str(task.id))
            except Busy as exc:
                log.info("%s: retrying in %ss", exc, self.busy_delay)
                raise RetryTask(delay=self.busy_delay) from None

        def reply(cmd: Reply) -> None:
            self.handlers().reply(cmd)

        def sync_installation(cmd: SyncInstallation) -> None:
            self.handlers().sync_installation(cmd)

        def nightly_scan(cmd: NightlyScan) -> None:
            self.handlers().nightly_scan(cmd)

        def nightly_tick() -> None:
            for cmd in self.handlers().due_nightly_scans():
                self.nightly_scan(cmd)

        def reap_expired() -> None:
            for cmd in self.handlers().expired_checks():
                log.warning("%s#%s@%s: lease expired, queued again", cmd.repo.full_name,
                            cmd.number, cmd.head_sha[:12])  # fmt: skip
                self.check_pr(cmd)

        # huey is untyped: the task wrappers are Any (calling one enqueues it)
        self.check_pr: Any = huey.task(name="check_pr", context=True, **again)(check_pr)
        self.reply: Any = huey.task(name="reply", **again)(reply)
        self.sync_installation: Any = huey.task(name="sync_installation", **again)(
            sync_installation
        )
        self.nightly_scan: Any = huey.task(name="nightly_scan", **again)(nightly_scan)
        self.nightly_tick: Any = huey.periodic_task(nightly, name="nightly_tick")(nightly_tick)
        self.reap: Any = huey.periodic_task(reap, name="reap")(reap_expired)

    # -- the door ----------------------------------------------------------------------------

    def enqueue(self, delivery_id: str, commands: Iterable[Command]) -> None:
        """Queue a delivery's commands, then mark the delivery complete (the web endpoint
        claimed it and releases the claim if this raises)."""
        for cmd in commands:
            self.submit(cmd)
        if delivery_id:
            self.store.complete_delivery(delivery_id)

    def submit(self, cmd: Command) -> bool:
        """Queue one command; False when it adds nothing (a job already known for that head)."""
        if isinstance(cmd, CheckPR):
            if cmd.head_sha:
                job, created = self.store.upsert_job(
                    cmd.key, base_sha=cmd.base_sha, payload=command_payload(cmd),
                    rerun=cmd.trigger == "rerequest",
                )  # fmt: skip
                if not created and job.state not in ("queued", "superseded"):
                    return False  # running or settled: nothing to add
                # queued: enqueue again (harmless: one message leases it), so a delivery
                # whose enqueue failed is not lost when GitHub redelivers it; superseded: the
                # worker asks GitHub, and runs it if its head is current again. Arrival order
                # supersedes nothing: a late delivery of an older push is not the newest head.
            self.check_pr(cmd)
        elif isinstance(cmd, Reply):
            self.reply(cmd)
        elif isinstance(cmd, SyncInstallation):
            self.sync_installation(cmd)
        elif isinstance(cmd, NightlyScan):
            self.nightly_scan(cmd)
        elif isinstance(cmd, Ignore):
            return False
        return True

    # -- consumers ---------------------------------------------------------------------------

    def consumer(self, *, workers: int = 1, periodic: bool = True, **options: Any) -> Consumer:
        return start_consumer(self.huey, workers=workers, periodic=periodic, start=False,
                              **options)  # fmt: skip


class _EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """A consumer whose threads run beside another main loop (uvicorn's): signal handling is
    left to the host process unless the consumer is the process (``embedded=False``)."""

    embedded = True

    def _set_signal_handlers(self) -> None:
        if not self.embedded and threading.current_thread() is threading.main_thread():
            super()._set_signal_handlers()


def start_consumer(
    huey: Huey,
    *,
    workers: int = 1,
    periodic: bool = True,
    embedded: bool = True,
    start: bool = True,
    **options: Any,
) -> Consumer:
    """A thread consumer; ``embedded`` leaves signal handling to the host process. Stop it
    with ``consumer.stop(graceful=True)``; ``start=False`` returns it unstarted (``run()``
    then blocks and handles SIGINT/SIGTERM itself, for ``deepcheck worker``)."""
    options.setdefault("initial_delay", 0.05)
    options.setdefault("max_delay", 1.0)
    options.setdefault("check_worker_health", False)
    consumer = _EmbeddedConsumer(huey, workers=workers, periodic=periodic,
                                 worker_type="thread", **options)  # fmt: skip
    consumer.embedded = embedded
    if start:
        consumer.start()
    return consumer


def stop_consumer(consumer: Consumer, timeout: float = 30.0) -> None:
    consumer.shutdown_timeout = timeout
    consumer.stop(graceful=True)
