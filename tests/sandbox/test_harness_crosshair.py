"""Kind ``crosshair``: symbolic diffbehavior between base and head, confirmed concretely."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from harness_fixtures import BACKENDS, candidate, make_runner, make_tree, run_job

from sandbox import RunResult, Status

FEES = """
from .rates import GRACE_DAYS


def late_fee(amount: int, days: int) -> int:
    if days <= GRACE_DAYS:
        return 0
    return amount // 10


def same(x: int) -> int:
    return x * 2 + 1


class Fees:
    @staticmethod
    def flat(days: int) -> int:
        return 5 if days > 30 else 0

    def per_account(self, days: int) -> int:
        return days
"""


def _xh(cid: str, qualname: str, **params: Any) -> Any:
    p = {"module": "billing.fees", "qualname": qualname, "deadline_s": 6, **params}
    return candidate(cid, "crosshair", params=p, timeout_s=40)


SCENARIOS = [
    _xh("boundary", "late_fee"),
    _xh("same", "same"),
    _xh("static", "Fees.flat"),
    _xh("instance", "Fees.per_account"),
]


@pytest.fixture(scope="module", params=BACKENDS)
def answer(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    runner = make_runner(request.param)
    root = tmp_path_factory.mktemp("billing")
    files = {"billing/__init__.py": "", "billing/rates.py": "GRACE_DAYS = 5\n"}
    base = make_tree(root / "base", {**files, "billing/fees.py": FEES})
    head_src = FEES.replace("days <= GRACE_DAYS", "days < GRACE_DAYS").replace(
        "days > 30", "days >= 30"
    )
    head = make_tree(root / "head", {**files, "billing/fees.py": head_src})
    return run_job(runner, base, head, SCENARIOS, parallelism=4)


def test_finds_the_boundary_change_and_confirms_it(answer: RunResult) -> None:
    cand = answer.candidates["boundary"]
    data = cand.data
    assert data["status"] == "different", data
    witness = data["witness"]
    assert witness["args"]["days"] == 5
    assert witness["call"].startswith("late_fee(amount=")
    amount = witness["args"]["amount"]
    assert (witness["base"], witness["head"]) == ("0", repr(amount // 10))
    assert data["examples"] > 0
    assert cand.sides["head"].status == Status.PASSED


def test_equal_functions_are_equal(answer: RunResult) -> None:
    assert answer.candidates["same"].data["status"] == "equal"


def test_static_method_and_instance_method(answer: RunResult) -> None:
    static = answer.candidates["static"].data
    assert static["status"] == "different", static
    assert static["witness"]["args"]["days"] == 30
    instance = answer.candidates["instance"].data
    assert instance["status"] == "unsupported"
    assert "instance method" in instance["detail"]


def test_needs_a_base(tmp_path: Path) -> None:
    head = make_tree(tmp_path / "head", {"billing/__init__.py": "", "billing/fees.py": FEES})
    result = run_job(make_runner("plain"), None, head, [_xh("nobase", "same")])
    assert result.candidates["nobase"].data["status"] == "unsupported"
