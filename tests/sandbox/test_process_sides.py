"""Base and head apart on the process backend (docs/security.md, "Base and head apart"): with
bubblewrap on a root host the sides run as two uids as in Docker, and the ``sides`` probe is
contained; anywhere else every side runs as the one uid there is, and it is not (the limit,
pinned: should that start passing, the backend grew a boundary and the docs must say so)."""

from __future__ import annotations

import os

import pytest
from harness_fixtures import make_runner

from sandbox import SandboxSpec, Status
from sandbox.doctor import PROBE_LIMITS, ProbeContext, ProbeReport, run_probe_group
from sandbox.probes import load_probes
from sandbox.results import RunResult


def _sides(backend: str) -> tuple[RunResult, ProbeReport]:
    [probe] = [p for p in load_probes() if p.id == "sides"]
    result, [report] = run_probe_group(
        make_runner(backend), [probe], ProbeContext(connect_to=None),
        SandboxSpec(limits=PROBE_LIMITS),
    )  # fmt: skip
    assert result.ok, result.infrastructure_error
    return result, report


@pytest.mark.skipif(os.geteuid() != 0, reason="two uids need root on the host")
def test_bubblewrap_as_root_keeps_the_sides_apart() -> None:
    result, report = _sides("bwrap")
    sides = result.candidates["sides"].sides
    assert {s: o.status for s, o in sides.items()} == {
        "base": Status.PASSED,
        "head": Status.PASSED,
    }, {s: o.detail for s, o in sides.items()}
    assert report.contained


def test_one_uid_does_not_keep_the_sides_apart() -> None:
    backend = "plain" if os.geteuid() == 0 else "bwrap"
    result, report = _sides(backend)
    assert not report.contained
    head = result.candidates["sides"].sides["head"]
    assert "head reached the base side" in head.detail, head.detail
    assert "/sides/base" in head.detail
