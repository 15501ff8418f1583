"""The same pytest candidates give the same outcomes in the process and Docker backends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox import Candidate, SandboxSpec, Workspace
from sandbox.docker_runner import DockerRunner
from sandbox.process_runner import ProcessRunner
from sandbox.results import RunResult

pytestmark = pytest.mark.docker

TreeFactory = Callable[[str, dict[str, str]], Path]

CANDIDATES = (
    Candidate(
        "interest",
        "pytest",
        {
            "test_interest.py": (
                "from decimal import Decimal\n\nfrom ledger import compound\n\n\n"
                "def test_one_period():\n"
                "    assert compound(Decimal('100'), Decimal('0.1'), 1) == Decimal('110.0')\n\n\n"
                "def test_zero_periods():\n"
                "    assert compound(Decimal('100'), Decimal('0.1'), 0) == Decimal('100')\n"
            )
        },
    ),
    Candidate(
        "hypothesis",
        "pytest",
        {
            "test_prop.py": (
                "from decimal import Decimal\n\nfrom hypothesis import given, strategies as st\n\n"
                "from ledger import compound\n\n\n"
                "@given(st.integers(0, 5))\n"
                "def test_zero_rate_is_identity(n):\n"
                "    assert compound(Decimal('7'), Decimal('0'), n) == Decimal('7')\n"
            )
        },
    ),
    Candidate("broken", "pytest", {"test_broken.py": "import ledger.nope\n"}),
)

LEDGER = (
    "def compound(principal, rate, periods):\n"
    "    for _ in range({range}):\n"
    "        principal = principal * (1 + rate)\n"
    "    return principal\n"
)


def _shape(result: RunResult) -> dict[str, dict[str, tuple[str, tuple[tuple[str, str], ...]]]]:
    assert result.ok, result.infrastructure_error
    return {
        cid: {
            side: (str(o.status), tuple(sorted((t["nodeid"], t["outcome"]) for t in o.tests)))
            for side, o in cand.sides.items()
        }
        for cid, cand in result.candidates.items()
    }


def test_process_and_docker_agree(docker_runner: DockerRunner, make_tree: TreeFactory) -> None:
    base = make_tree("base", {"ledger/__init__.py": LEDGER.replace("{range}", "periods")})
    head = make_tree("head", {"ledger/__init__.py": LEDGER.replace("{range}", "1, periods")})
    ws = Workspace(head=head, base=base, candidates=CANDIDATES)
    process = ProcessRunner()
    if process.unavailable_reason():
        pytest.fail(f"process backend unavailable: {process.unavailable_reason()}")
    in_process = _shape(process.run(ws, SandboxSpec(seed=3)))
    in_docker = _shape(docker_runner.run(ws, SandboxSpec(seed=3)))
    assert in_docker == in_process
    assert in_docker["interest"]["base"][0] == "passed"
    assert in_docker["interest"]["head"][0] == "failed"
    assert in_docker["broken"]["head"][0] == "error"
