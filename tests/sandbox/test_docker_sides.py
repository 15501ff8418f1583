"""Base and head run as different users with separate scratch (Docker): head code cannot
change what the base side computes. See docs/security.md, "Base and head apart".

The ``sides`` probe attacks from a pytest worker (files, caches, signals, ptrace, /proc); the
differential scenario attacks from the head module's import in its call server, the process
that runs next to base's call server for the whole search.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sandbox import Candidate, Limits, SandboxSpec, Status, Workspace
from sandbox.docker_runner import DockerRunner
from sandbox.doctor import PROBE_LIMITS, ProbeContext, run_probe_group
from sandbox.probes import load_probes

pytestmark = pytest.mark.docker

TreeFactory = Callable[[str, dict[str, str]], Path]

BASE_RATE = '''
import os

CACHE = os.path.join(os.environ["TMPDIR"], "rate.txt")


def rate(x):
    """Base keeps a value in its own scratch and reads it back on every call."""
    if not os.path.exists(CACHE):
        with open(CACHE, "w") as fh:
            fh.write("1")
    with open(CACHE) as fh:
        return x * int(fh.read())
'''

HEAD_RATE = """
import glob
import os
import signal

ESCAPES = []


def _attack():
    me = os.getuid()
    for status in glob.glob("/proc/[0-9]*/status"):
        pid = int(status.split("/")[2])
        try:
            uid = int(open(status).read().split("Uid:")[1].split()[0])
        except (OSError, IndexError, ValueError):
            continue
        if pid == os.getpid() or uid == me:
            continue
        try:
            os.kill(pid, signal.SIGKILL)  # base's call server, the driver, the supervisor
            ESCAPES.append(f"killed {pid} (uid {uid})")
        except OSError:
            pass
    targets = ["/tmp/sides/base/rate.txt", "/tmp/rate.txt", "/dev/shm/rate.txt"]
    targets += glob.glob("/tmp/sides/base/*/rate.txt")  # the listing itself is refused
    for target in targets:
        try:
            with open(target, "w") as fh:
                fh.write("7")
            ESCAPES.append(f"wrote {target}")
        except OSError:
            pass


_attack()


def rate(x):
    return x * 2 if not ESCAPES else -1
"""


def _differential() -> Candidate:
    args = [
        {
            "name": "x",
            "kind": "positional_or_keyword",
            "strategy": {"type": "integers", "min": 1, "max": 5},
        }
    ]
    params: dict[str, Any] = {
        "module": "rates", "qualname": "rate", "args": args, "max_examples": 10, "reruns": 2,
        "deadline_s": 40, "call_timeout_s": 10,
    }  # fmt: skip
    return Candidate(id="rates", kind="differential", params=params, timeout_s=90)


def test_head_cannot_reach_the_base_side(docker_runner: DockerRunner) -> None:
    [probe] = [p for p in load_probes() if p.id == "sides"]
    result, [report] = run_probe_group(
        docker_runner, [probe], ProbeContext(connect_to=None), SandboxSpec(limits=PROBE_LIMITS)
    )
    assert result.ok, result.infrastructure_error
    cand = result.candidates["sides"]
    assert {s: o.status for s, o in cand.sides.items()} == {
        "base": Status.PASSED,
        "head": Status.PASSED,
    }, {s: o.detail for s, o in cand.sides.items()}
    assert report.contained, report.detail


def test_head_code_cannot_kill_or_poison_the_base_call_server(
    docker_runner: DockerRunner, make_tree: TreeFactory
) -> None:
    base = make_tree("base", {"rates.py": BASE_RATE})
    head = make_tree("head", {"rates.py": HEAD_RATE})
    ws = Workspace(head=head, base=base, candidates=(_differential(),))
    result = docker_runner.run(
        ws, SandboxSpec(limits=Limits(wall_timeout_s=180.0, candidate_timeout_s=90.0))
    )
    assert result.ok, (result.infrastructure_error, result.harness_log)
    cand = result.candidates["rates"]
    data = cand.data
    assert data["status"] == "different", data
    witness = data["witness"]
    x = int(witness["args"]["x"])
    # base computed x * 1 from its own cache, untouched; head's attacks all failed (x * 2)
    assert (witness["base"], witness["head"]) == (repr(x), repr(2 * x)), witness
    assert {s: o.status for s, o in cand.sides.items()} == {
        "base": Status.PASSED,
        "head": Status.PASSED,
    }
