"""The limit of the process backend, as a test: it runs every side as its one uid, so the
``sides`` probe is not contained there (docs/security.md, "Base and head apart"). Should this
start passing, the backend grew a boundary and the docs must say so."""

from __future__ import annotations

from harness_fixtures import make_runner

from sandbox import SandboxSpec
from sandbox.doctor import PROBE_LIMITS, ProbeContext, run_probe_group
from sandbox.probes import load_probes


def test_the_process_backend_does_not_keep_the_sides_apart() -> None:
    [probe] = [p for p in load_probes() if p.id == "sides"]
    runner = make_runner("bwrap")
    result, [report] = run_probe_group(
        runner, [probe], ProbeContext(connect_to=None), SandboxSpec(limits=PROBE_LIMITS)
    )
    assert result.ok, result.infrastructure_error
    assert not report.contained
    head = result.candidates["sides"].sides["head"]
    assert "head reached the base side" in head.detail, head.detail
    assert "/sides/base" in head.detail
