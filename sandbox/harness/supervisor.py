"""The supervisor: read the manifest, run candidate units in a bounded pool, answer once.

It is the only process holding the original stdout (the channel to the host): at start that fd
is moved to a private descriptor and fd 1 becomes a copy of stderr, so nothing but the final
JSON answer can reach the host. It is non-dumpable (same-uid code cannot ptrace it or open its
/proc entries) and a child subreaper (daemonized leftovers come back to it and are killed after
the batch; as PID 1 in Docker it sends ``kill(-1, SIGKILL)`` instead).

Base and head apart: with ``users`` in the manifest (Docker) the supervisor runs as uid 0 with
only CAP_SETUID/SETGID/KILL, and every process that runs PR code — a pytest worker, a call
server, the CrossHair worker (head's uid: it runs both versions) — drops to its side's uid
before it reads anything, then creates its scratch (HOME, TMPDIR, Hypothesis storage, cwd)
in that side's own 0700 directory (``side_dirs``). The trusted driver and the zygote keep our
uid. Without ``users`` (the process backend) the sides share this process's uid.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import PROTOCOL_VERSION, hardening, kinds
from .launcher import WorkerRun, WorkerSpec, run_worker
from .zygote import ZygoteClient

HARNESS_PARENT = str(Path(__file__).resolve().parent.parent)


@dataclass(frozen=True)
class CandidateJob:
    index: int
    id: str
    kind: str
    dir: Path  # the candidate's files in the (read-only) job dir
    files: tuple[str, ...]
    params: dict[str, Any]
    sides: tuple[str, ...]
    timeout_s: float


@dataclass(frozen=True)
class Scratch:
    """Where one worker works. The worker creates it itself, after dropping to ``identity``."""

    root: str  # HOME, TMPDIR and Hypothesis storage of one worker
    cand_dir: str  # writable copy of the candidate's files; the worker's cwd
    identity: tuple[int, int] | None = None  # (uid, gid) the worker drops to; None: ours
    copy_from: str | None = None  # the candidate's files (read-only job dir)

    def config(self) -> dict[str, Any]:
        return {
            "identity": list(self.identity) if self.identity else None,
            "scratch": {"root": self.root, "cand_dir": self.cand_dir, "copy_from": self.copy_from},
        }


class Job:
    """Everything a kind needs from the manifest, and the one way to start a worker."""

    def __init__(self, manifest: dict[str, Any], job_dir: Path, started: float) -> None:
        if manifest.get("version") != PROTOCOL_VERSION:
            raise ValueError(f"unsupported manifest version {manifest.get('version')!r}")
        self.seed = int(manifest.get("seed", 0))
        self.parallelism = max(1, int(manifest.get("parallelism", 1)))
        self.output_bytes = int(manifest.get("output_bytes", 32_000))
        self.memory_mb = int(manifest.get("memory_mb", 1024))
        self.trees: dict[str, str | None] = dict(manifest.get("trees") or {})
        self.import_roots = [str(r) for r in manifest.get("import_roots") or ["."]]
        default_timeout = float(manifest.get("candidate_timeout_s", 60))
        self.candidates = [
            CandidateJob(
                index=n,
                id=str(c["id"]),
                kind=str(c["kind"]),
                dir=job_dir / str(c.get("dir", f"candidates/{n}")),
                files=tuple(c.get("files") or ()),
                params=dict(c.get("params") or {}),
                sides=tuple(c.get("sides") or ()),
                timeout_s=float(c["timeout_s"]) if c.get("timeout_s") else default_timeout,
            )
            for n, c in enumerate(manifest.get("candidates") or [])
        ]
        self._started = started
        self._lock = threading.Lock()
        self.ready_s: float | None = None
        self.scratch_root = Path(tempfile.mkdtemp(prefix="dc-scratch-", dir=os.getcwd()))
        # Per side: the uid its processes drop to and the directory only that uid can write
        # (Docker: a tmpfs per side, 0700, owned by that uid). Without ``users`` every side
        # runs as this process's uid in a 0700 directory of ours: no boundary between sides.
        self.users: dict[str, tuple[int, int]] = {
            str(side): (int(ids[0]), int(ids[1]))
            for side, ids in (manifest.get("users") or {}).items()
        }
        self.side_dirs: dict[str, str] = {
            str(k): str(v) for k, v in (manifest.get("side_dirs") or {}).items()
        }
        self._serial = 0
        self.fork_server = bool(manifest.get("fork_server", True))
        self.zygote: ZygoteClient | None = None

    def start_zygote(self) -> None:
        """Fork workers from a process that imported pytest and Hypothesis once."""
        if not self.fork_server or not self.candidates:
            return
        root = tempfile.mkdtemp(prefix="zygote-", dir=self.scratch_root)
        try:
            self.zygote = ZygoteClient(self.worker_env(Scratch(root, root)), root)
        except OSError as exc:
            hardening.warn(f"cannot start the zygote ({exc}); workers start from scratch")

    def prepare_sides(self) -> str | None:
        """Check (or make) each side's directory; why a side cannot be isolated, or None."""
        for side in ("base", "head"):
            path = self.side_dirs.setdefault(side, str(self.scratch_root / "sides" / side))
            if side not in self.users:
                os.makedirs(path, mode=0o700, exist_ok=True)
                continue
            if os.geteuid() != 0:
                return f"the {side} side needs uid {self.users[side][0]} but we are not root"
            try:
                st = os.stat(path)
                if st.st_uid == 0 and st.st_mode & 0o1777 == 0o1777:
                    path = self.side_dirs[side] = _claim(path, self.users[side])
                    st = os.stat(path)
            except OSError as exc:
                return f"the {side} side's directory {path}: {exc.strerror}"
            if st.st_uid != self.users[side][0] or st.st_mode & 0o077:
                return f"the {side} side's directory {path} is not private to its uid"
        return None

    def identity(self, side: str | None) -> tuple[int, int] | None:
        return self.users.get(side) if side else None

    def side_scratch(self, side: str, name: str) -> str:
        """A fresh path in the side's own directory (created by the side's process)."""
        with self._lock:
            self._serial += 1
            return os.path.join(self.side_dirs[side], f"{name}-{self._serial}")

    def close(self) -> None:
        if self.zygote is not None:
            self.zygote.close()

    def tree(self, side: str) -> str | None:
        return self.trees.get(side)

    def sys_path(self, side: str) -> list[str]:
        tree = self.tree(side)
        if tree is None:
            return []
        return [os.path.normpath(os.path.join(tree, root)) for root in self.import_roots]

    def scratch(self, cand: CandidateJob, label: str, side: str | None = None) -> Scratch:
        """A worker's scratch: in ``side``'s directory, as that side's uid; without a side
        (the trusted driver), in ours."""
        if side is None:
            with self._lock:
                self._serial += 1
                root = str(self.scratch_root / f"{cand.index}-{label}-{self._serial}")
        else:
            root = self.side_scratch(side, f"{cand.index}-{label}")
        return Scratch(
            root=root,
            cand_dir=os.path.join(root, "candidate"),
            identity=self.identity(side),
            copy_from=str(cand.dir),
        )

    def worker_env(self, scratch: Scratch) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": scratch.root,
            "TMPDIR": scratch.root,
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            # Only the harness at startup; the worker adds the side's tree once it runs.
            "PYTHONPATH": HARNESS_PARENT,
            "HYPOTHESIS_STORAGE_DIRECTORY": os.path.join(scratch.root, ".hypothesis"),
        }

    def run_worker(
        self,
        entry: str,
        config: dict[str, Any],
        scratch: Scratch,
        timeout_s: float,
        output_bytes: int | None = None,
    ) -> WorkerRun:
        spec = WorkerSpec(
            entry=entry,
            config={**config, **scratch.config()},
            env=self.worker_env(scratch),
            cwd="/",  # the worker makes its scratch and enters it after its uid drop
            timeout_s=timeout_s,
            output_bytes=self.output_bytes if output_bytes is None else output_bytes,
        )
        return run_worker(spec, on_launch=self._launched, zygote=self.zygote)

    def _launched(self) -> None:
        with self._lock:
            if self.ready_s is None:
                self.ready_s = round(time.monotonic() - self._started, 3)


def _claim(shared: str, identity: tuple[int, int]) -> str:
    """A side's own 0700 directory in a fresh world-writable tmpfs (bubblewrap cannot mount one
    owned by another uid): made by a child that became that uid, before any PR code runs (we
    are single-threaded here); then the tmpfs root is closed to everyone but us."""
    own = os.path.join(shared, "own")
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            hardening.become(identity)
            os.mkdir(own, 0o700)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    os.chmod(shared, 0o711)
    if os.waitstatus_to_exitcode(status) != 0:
        raise PermissionError(1, f"cannot make {own} as uid {identity[0]}")
    return own


def _failed_unit(cand: CandidateJob, detail: str) -> dict[str, Any]:
    outcome = {
        "status": "infrastructure",
        "detail": detail[-4000:],
        "duration_s": 0.0,
        "tests": [],
        "log": "",
        "log_truncated_bytes": 0,
    }
    return {
        "sides": {s: dict(outcome) for s in cand.sides},
        "data": {"status": "error", "detail": detail[-4000:]},
    }


def run_job(job: Job) -> list[dict[str, Any]]:
    planned: list[tuple[CandidateJob, kinds.Kind | None, list[kinds.Unit]]] = []
    failed: dict[int, str] = {}
    for cand in job.candidates:
        kind = kinds.get(cand.kind)
        try:
            units = kind.units(cand, job) if kind else []
        except Exception:  # a harness bug (or a malformed candidate) costs only this candidate
            failed[cand.index] = traceback.format_exc()
            units = []
        planned.append((cand, kind, units))
    answers: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=job.parallelism, thread_name_prefix="unit") as pool:
        futures = [[(u.label, pool.submit(u.run)) for u in units] for _, _, units in planned]
        for (cand, kind, _), unit_futures in zip(planned, futures, strict=True):
            head = {"id": cand.id, "kind": cand.kind}
            if cand.index in failed:
                answers.append({**head, **_failed_unit(cand, failed[cand.index])})
                continue
            if kind is None:
                answers.append(
                    {
                        **head,
                        **_failed_unit(
                            cand, f"unknown kind {cand.kind!r}; this harness knows {kinds.names()}"
                        ),
                    }
                )
                continue
            try:
                results = {label: fut.result() for label, fut in unit_futures}
                answers.append({**head, **kind.answer(cand, job, results)})
            except Exception:  # a harness bug must not lose the other candidates' answers
                answers.append({**head, **_failed_unit(cand, traceback.format_exc())})
    return answers


def _cleanup_failed(func: Any, path: str, exc_info: Any) -> None:
    hardening.warn(f"cannot remove scratch {path}: {exc_info[1]}")


def _cpu_seconds() -> float:
    """User + system CPU of this supervisor and every process it (transitively) waited for:
    the whole sandbox's compute, whichever backend runs it."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round(own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime, 3)


def main(argv: list[str]) -> int:
    started = time.monotonic()
    answer_fd = os.dup(1)
    os.dup2(2, 1)  # anything printed by mistake goes to stderr, never into the answer
    hardening.set_non_dumpable()
    if os.getpid() != 1 and not hardening.become_subreaper():
        hardening.warn("cannot become a child subreaper; daemonized leftovers may survive")
    if len(argv) != 1:
        hardening.warn("usage: python3 -m dc_harness /job/manifest.json")
        return 2
    manifest_path = Path(argv[0])
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        job = Job(manifest, manifest_path.parent, started)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        hardening.warn(f"cannot read manifest {manifest_path}: {exc}")
        return 2
    problem = job.prepare_sides()
    if problem:
        hardening.warn(f"cannot keep the sides apart: {problem}")
        shutil.rmtree(job.scratch_root, onerror=_cleanup_failed)
        return 2
    try:
        job.start_zygote()
        answers = run_job(job)
    finally:
        job.close()
        killed = hardening.reap_leftovers()
        if killed:
            hardening.warn(f"killed {killed} leftover process(es) after the batch")
        shutil.rmtree(job.scratch_root, onerror=_cleanup_failed)
    doc = {
        "version": PROTOCOL_VERSION,
        "ready_s": job.ready_s if job.ready_s is not None else round(time.monotonic() - started, 3),
        "cpu_s": _cpu_seconds(),
        "candidates": answers,
    }
    data = json.dumps(doc).encode()
    with os.fdopen(answer_fd, "wb") as out:
        out.write(data)
    return 0
