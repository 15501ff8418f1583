"""Fixtures shared by the harness tests: tiny source trees and the process backend.

The harness tests run the real supervisor through ``ProcessRunner`` (no mocks), with
bubblewrap and, via the ``runner`` parameter, without it.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

from sandbox import Candidate, RunResult, SandboxSpec, Workspace
from sandbox.process_runner import ProcessRunner
from sandbox.spec import Limits

BACKENDS = ("bwrap", "plain")


def make_tree(root: Path, files: Mapping[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def make_runner(backend: str) -> ProcessRunner:
    runner = ProcessRunner(use_bwrap=backend == "bwrap")
    reason = runner.unavailable_reason()
    if reason is not None:
        # bubblewrap is installed by `make test` (scripts/ensure-engine): CI must run both.
        if os.environ.get("CI") == "true":
            pytest.fail(f"process backend ({backend}) must run in CI, but: {reason}", pytrace=False)
        pytest.skip(f"process backend ({backend}) unavailable: {reason}")
    return runner


def candidate(
    cid: str, kind: str, files: Mapping[str, str] | None = None, **kw: object
) -> Candidate:
    files = {k: textwrap.dedent(v) for k, v in (files or {}).items()}
    return Candidate(id=cid, kind=kind, files=files, **kw)  # type: ignore[arg-type]


def run_job(
    runner: ProcessRunner,
    base: Path | None,
    head: Path,
    candidates: list[Candidate],
    *,
    parallelism: int = 4,
    candidate_timeout_s: float = 30.0,
    output_bytes: int = 32_000,
    wall_timeout_s: float = 120.0,
    seed: int = 0,
) -> RunResult:
    spec = SandboxSpec(
        limits=Limits(
            candidate_timeout_s=candidate_timeout_s,
            output_bytes=output_bytes,
            wall_timeout_s=wall_timeout_s,
        ),
        parallelism=parallelism,
        seed=seed,
    )
    result = runner.run(Workspace(head=head, base=base, candidates=tuple(candidates)), spec)
    assert result.infrastructure_error is None, (result.infrastructure_error, result.harness_log)
    return result
