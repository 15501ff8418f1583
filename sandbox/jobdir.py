"""The job directory handed to the harness, and the harness's answer.

Layout (mounted read-only at ``/job`` in Docker)::

    manifest.json              # see write_job()
    candidates/<n>/<relpath>   # candidate n's files (n = index in manifest)

The harness answers with exactly one JSON document on its standard output (the supervisor is
the only process holding that stream; candidate output goes to pipes the supervisor reads and
caps). ``parse_answer`` turns it into a RunResult; anything else is an infrastructure failure.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

from sandbox.results import CandidateResult, RunResult
from sandbox.spec import SandboxSpec
from sandbox.workspace import Workspace

PROTOCOL_VERSION = 1
HARNESS_MODULE = "dc_harness"
HARNESS_SOURCE = Path(__file__).parent / "harness"


class JobError(ValueError):
    """A candidate that cannot be laid out (bad file path)."""


def _safe_relpath(rel: str) -> PurePosixPath:
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        raise JobError(f"candidate file path must be relative and inside the job: {rel!r}")
    return p


def write_job(
    job_dir: Path,
    workspace: Workspace,
    spec: SandboxSpec,
    trees: dict[str, str | None],
    *,
    users: dict[str, tuple[int, int]] | None = None,
    side_dirs: dict[str, str] | None = None,
) -> Path:
    """Write manifest and candidate files into job_dir; returns the manifest path.

    ``trees`` maps side -> path of that checkout *as the harness sees it* (``/src/base`` in
    Docker, the host path for the process backend), or None when absent. ``users``: the
    (uid, gid) each side's processes drop to; ``side_dirs``: each side's own scratch directory
    (the supervisor makes them when not given).
    """
    job_dir.mkdir(parents=True, exist_ok=True)
    candidates: list[dict[str, Any]] = []
    for n, cand in enumerate(workspace.candidates):
        cdir = job_dir / "candidates" / str(n)
        for rel, content in cand.files.items():
            target = cdir / _safe_relpath(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        entry = cand.to_json()
        entry["dir"] = f"candidates/{n}"
        entry["sides"] = [s for s in cand.sides if trees.get(s) is not None]
        candidates.append(entry)
    manifest = {
        "version": PROTOCOL_VERSION,
        "seed": spec.seed,
        "parallelism": spec.parallelism,
        "output_bytes": spec.limits.output_bytes,
        "candidate_timeout_s": spec.limits.candidate_timeout_s,
        "memory_mb": spec.limits.memory_mb,
        "trees": trees,
        "import_roots": list(workspace.import_roots),
        "candidates": candidates,
    }
    if users:
        manifest["users"] = {side: list(ids) for side, ids in users.items()}
    if side_dirs:
        manifest["side_dirs"] = dict(side_dirs)
    path = job_dir / "manifest.json"
    path.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return path


def parse_answer(
    backend: str, stdout: bytes, *, duration_s: float, start_s: float, harness_log: str
) -> RunResult:
    """Parse the supervisor's answer; anything unreadable is an infrastructure failure."""
    try:
        doc = json.loads(stdout.decode("utf-8"))
        if doc.get("version") != PROTOCOL_VERSION:
            raise ValueError(f"protocol version {doc.get('version')!r}")
        cands = {c["id"]: CandidateResult.from_json(c) for c in doc["candidates"]}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        head = stdout[:200].decode("utf-8", "replace")
        return RunResult(
            backend=backend,
            infrastructure_error=f"harness answer unreadable ({exc}); began with {head!r}",
            duration_s=duration_s,
            start_s=start_s,
            harness_log=harness_log,
        )
    return RunResult(
        backend=backend,
        candidates=cands,
        duration_s=duration_s,
        start_s=float(doc.get("ready_s", start_s)),
        harness_log=harness_log,
        cpu_s=max(0.0, float(doc.get("cpu_s", 0.0))),
    )
