"""The lease heartbeat: a running job keeps its lease (and its PR's lock) alive.

A worker that dies stops renewing; the lease then expires and the reaper queues the job again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from bot.app.store import Job, Store
from bot.errors import DeepcheckError

__all__ = ["Heartbeat", "worker_id"]

log = logging.getLogger("deepcheck.tasks")  # the tasks' logger, as before the split


class Heartbeat:
    """Renews the job's lease (and PR lock) while the job runs; a killed worker stops renewing."""

    def __init__(self, store: Store, job: Job, owner: str, ttl: float) -> None:
        self.store, self.job, self.owner, self.ttl = store, job, owner, ttl
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{job.id}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                if not self.store.renew_lease(self.job.id, self.owner, self.ttl):
                    log.warning("job %s: lease lost", self.job.id)
                    return
            except DeepcheckError as exc:
                log.warning("job %s: lease renewal failed: %s", self.job.id, exc)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def worker_id(task_id: str = "") -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{task_id or threading.get_ident()}"
