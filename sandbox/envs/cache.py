"""The environment cache on the host's disk, shared by every worker of the machine.

Layout under the root (``<cache>/envs``)::

    store/<sha256>/<file>.whl     every wheel fetched or built, by content
    resolutions/<key>.json        a declaration's resolved set (reused for ``resolve_ttl_s``)
    entries/<key>.json            one built environment: kind, where, size, last use
    venvs/<key>/                  a process-backend virtualenv (Docker layers live in the engine)
    locks/<key>.lock              held while that environment is built or removed
    locks/slot-<n>.lock           a build holds one of the ``builds`` slots

Locks are ``flock`` locks: released by the kernel when a worker dies. Eviction is LRU by
``last_used``, above a count or a byte cap, and never takes an environment being built.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sandbox.envs.errors import EnvError

__all__ = ["Entry", "EnvCache", "StoredWheel"]


@dataclass(frozen=True)
class StoredWheel:
    file: str
    sha256: str
    bytes: int


@dataclass
class Entry:
    key: str
    kind: str  # "venv" | "docker"
    location: str  # the venv's python, or the image tag
    bytes: int
    created: float
    last_used: float
    packages: list[str] = field(default_factory=list)
    wheels: list[str] = field(default_factory=list)  # sha256 of the store's wheels it used


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


class EnvCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _dir(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def scratch(self) -> Path:
        """A fresh directory on the cache's filesystem (so finished products move by rename)."""
        base = self._dir("tmp")
        path = base / f"{os.getpid()}-{time.monotonic_ns()}"
        path.mkdir()
        return path

    def venv_dir(self, key: str) -> Path:
        return self._dir("venvs") / key

    # -- locks ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _flock(self, name: str, timeout: float, busy: str) -> Iterator[None]:
        path = self._dir("locks") / name
        deadline = time.monotonic() + timeout
        with path.open("a") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise EnvError(busy) from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def lock(self, key: str, timeout: float) -> contextlib.AbstractContextManager[None]:
        """Held while the environment ``key`` is built (a second worker waits, then reuses)."""
        busy = f"another worker has been building environment {key[:12]} for over {timeout:.0f} s"
        return self._flock(f"{key}.lock", timeout, busy)

    @contextlib.contextmanager
    def slot(self, slots: int, timeout: float) -> Iterator[None]:
        """One of ``slots`` build slots of this host (a global limit on concurrent builds)."""
        deadline = time.monotonic() + timeout
        while True:
            for n in range(slots):
                path = self._dir("locks") / f"slot-{n}.lock"
                handle = path.open("a")
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.close()
                    continue
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                    handle.close()
                return
            if time.monotonic() > deadline:
                raise EnvError(
                    f"{slots} environment builds were running for over {timeout:.0f} s",
                    fix="raise DEEPCHECK_ENV_BUILDS or try again",
                )
            time.sleep(0.2)

    def is_locked(self, key: str) -> bool:
        path = self._dir("locks") / f"{key}.lock"
        with path.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
        return False

    # -- the wheel store ----------------------------------------------------------------------

    def store(self, wheel: Path) -> StoredWheel:
        """Move ``wheel`` into the store (by content); returns what it is."""
        sha = _sha256(wheel)
        target = self._dir("store") / sha / wheel.name
        if not target.exists():
            target.parent.mkdir(exist_ok=True)
            partial = target.with_name(target.name + f".{os.getpid()}.partial")
            shutil.copyfile(wheel, partial)
            os.replace(partial, target)
        return StoredWheel(wheel.name, sha, target.stat().st_size)

    def stored(self, wheel: StoredWheel) -> Path | None:
        path = self.root / "store" / wheel.sha256 / wheel.file
        return path if path.is_file() else None

    # -- resolutions ----------------------------------------------------------------------------

    def resolution(self, key: str, ttl: float) -> tuple[list[StoredWheel], list[str]] | None:
        path = self.root / "resolutions" / f"{key}.json"
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if time.time() - float(doc["created"]) > ttl:
                return None
            wheels = [StoredWheel(**w) for w in doc["wheels"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if any(self.stored(w) is None for w in wheels):
            return None
        return wheels, [str(n) for n in doc.get("notes", [])]

    def save_resolution(self, key: str, wheels: list[StoredWheel], notes: list[str]) -> None:
        doc = {"created": time.time(), "wheels": [asdict(w) for w in wheels], "notes": notes}
        _write_json(self._dir("resolutions") / f"{key}.json", doc)

    # -- entries ------------------------------------------------------------------------------

    def entry(self, key: str) -> Entry | None:
        try:
            return Entry(**json.loads((self.root / "entries" / f"{key}.json").read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def save(self, entry: Entry) -> None:
        _write_json(self._dir("entries") / f"{entry.key}.json", asdict(entry))

    def touch(self, entry: Entry) -> None:
        entry.last_used = time.time()
        self.save(entry)

    def entries(self) -> list[Entry]:
        """Every recorded environment, most recently used first."""
        found = []
        folder = self.root / "entries"
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            entry = self.entry(path.stem)
            if entry is not None:
                found.append(entry)
        return sorted(found, key=lambda e: e.last_used, reverse=True)

    def summary(self) -> dict[str, object]:
        """What ``deepcheck doctor`` shows: every environment (most recent first) and sizes."""
        entries = self.entries()
        store = self.root / "store"
        return {
            "root": str(self.root),
            "entries": [
                {"key": e.key[:16], "kind": e.kind, "location": e.location, "bytes": e.bytes,
                 "last_used": e.last_used, "packages": e.packages}
                for e in entries
            ],
            "bytes": sum(e.bytes for e in entries),
            "wheel_store_bytes": tree_bytes(store) if store.is_dir() else 0,
        }  # fmt: skip

    def forget(self, entry: Entry) -> None:
        (self.root / "entries" / f"{entry.key}.json").unlink(missing_ok=True)
        if entry.kind == "venv":
            shutil.rmtree(self.root / "venvs" / entry.key, ignore_errors=True)

    def evict(
        self,
        *,
        max_entries: int,
        max_bytes: int,
        keep: str | None = None,
        remove: Callable[[Entry], bool] = lambda _e: True,
    ) -> list[Entry]:
        """Remove least recently used environments until both caps hold; returns them.
        ``remove`` deletes what lives outside the cache (a Docker image); False: in use, kept."""
        entries = self.entries()
        gone: list[Entry] = []
        total = sum(e.bytes for e in entries)
        count = len(entries)
        for entry in reversed(entries):  # least recently used first
            if count <= max_entries and total <= max_bytes:
                break
            if entry.key == keep or self.is_locked(entry.key):
                continue
            with self.lock(entry.key, timeout=1.0):
                if not remove(entry):
                    continue
                self.forget(entry)
            gone.append(entry)
            count -= 1
            total -= entry.bytes
        if gone:
            self._prune_store()
        return gone

    def _prune_store(self, grace_s: float = 600.0) -> None:
        """Drop resolutions and stored wheels no remaining environment uses (older than
        ``grace_s``: a build in progress keeps what it just fetched)."""
        used = {sha for e in self.entries() for sha in e.wheels}
        old = time.time() - grace_s
        folder = self.root / "resolutions"
        for path in folder.glob("*.json") if folder.is_dir() else []:
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                shas = {w["sha256"] for w in json.loads(path.read_text())["wheels"]}
                if not shas <= used and path.stat().st_mtime < old:
                    path.unlink()
        store = self.root / "store"
        for sub in store.iterdir() if store.is_dir() else []:
            with contextlib.suppress(OSError):
                if sub.name not in used and sub.stat().st_mtime < old:
                    shutil.rmtree(sub, ignore_errors=True)


def _write_json(path: Path, doc: object) -> None:
    partial = path.with_name(path.name + f".{os.getpid()}.partial")
    partial.write_text(json.dumps(doc, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)
