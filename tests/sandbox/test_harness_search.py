"""The differential search under a time budget that runs out while Hypothesis shrinks: a real
difference stays a difference (it is not reported as flaky), with a witness that re-runs."""

from __future__ import annotations

import time
from typing import Any

from sandbox.harness.callspec import CallSpec
from sandbox.harness.search import Searcher


class SlowSide:
    """A call server stand-in: ``x`` on base; ``x + 1`` on head for x > 5; a few ms per call."""

    call_timeout_s = 1.0
    state = None  # no receiver: nothing after the call

    def __init__(self, side: str) -> None:
        self.side = side
        self.pending: dict[str, Any] = {}

    def send(self, request: dict[str, Any]) -> None:
        self.pending = request

    def receive(self, _deadline: float) -> int:
        time.sleep(0.005)
        x = int(self.pending["kw"]["x"])
        return x + 1 if self.side == "head" and x > 5 else x

    def call(self, request: dict[str, Any]) -> int:
        self.send(request)
        return self.receive(0)


SPEC = CallSpec.from_params(
    {
        "module": "m",
        "qualname": "f",
        "args": [{"name": "x", "strategy": {"type": "integers", "min": 0, "max": 10**6}}],
    }
)


def test_a_budget_that_ends_while_shrinking_never_turns_a_difference_flaky() -> None:
    outcomes = []
    for seed in range(40):
        for budget in (0.08, 0.12, 0.16):
            clients: dict[str, Any] = {"base": SlowSide("base"), "head": SlowSide("head")}
            out = Searcher(SPEC, clients, seed, 500, 2).equivalence(budget)
            outcomes.append(out["status"])
            if out["status"] == "different":
                x = out["witness"]["args"]["x"]
                assert x > 5, out  # a real witness, re-run on both sides
    # Before the fix about 2 % of these budgets ended while shrinking and read as flaky.
    assert "flaky" not in outcomes
    assert outcomes.count("different") >= len(outcomes) - 2
