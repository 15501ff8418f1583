"""Methods compared by what callers see of the instance afterwards, after calls that build up
its state: real changes are caught; how a class stores its data is not behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.pipeline import CheckRequest, Deps, check
from rules.loader import load_rules
from sandbox.process_runner import ProcessRunner
from tests.fakes.gitrepos import make_repo


@pytest.fixture
def deps(tmp_path: Path) -> Deps:
    return Deps(runner=ProcessRunner(), rules=load_rules(), cache_dir=tmp_path / "cache")


def _verified(tmp_path: Path, deps: Deps, base: str, head: str) -> list[str]:
    repo = make_repo(tmp_path / "r", {"store.py": base}, {"store.py": head})
    report = check(CheckRequest(repo=repo, base="main~1", head="main"), deps)
    return [f.function for f in report.findings if f.verified]


STACK = """class Stack:
    def __init__(self) -> None:
        self._items: list[int] = []

    def push(self, x: int) -> None:
        self._items.append(x)

    def pop(self) -> int | None:
        return self._items.pop() if self._items else None

    @property
    def depth(self) -> int:
        return len(self._items)
"""

STACK_AS_TUPLE = """class Stack:
    def __init__(self) -> None:
        self._items: tuple[int, ...] = ()

    def push(self, x: int) -> None:
        self._items = self._items + (x,)

    def pop(self) -> int | None:
        if not self._items:
            return None
        top, self._items = self._items[-1], self._items[:-1]
        return top

    @property
    def depth(self) -> int:
        return len(self._items)
"""


def test_a_new_private_representation_is_not_a_difference(tmp_path: Path, deps: Deps) -> None:
    assert _verified(tmp_path, deps, STACK, STACK_AS_TUPLE) == []


def test_state_kept_private_is_seen_through_its_property(tmp_path: Path, deps: Deps) -> None:
    # push returns None on both sides; only the public depth tells them apart
    head = STACK.replace("self._items.append(x)", "self._items.append(x) if x else None")
    assert _verified(tmp_path, deps, STACK, head) == ["Stack.push"]


HEAP = """import heapq


class Queue:
    def __init__(self) -> None:
        self._heap: list[int] = []

    def push(self, x: int, /) -> None:
        heapq.heappush(self._heap, x)

    def pop(self) -> int | None:
        return heapq.heappop(self._heap) if self._heap else None
"""


def test_a_step_that_mutates_through_a_module_function_builds_the_state(
    tmp_path: Path, deps: Deps
) -> None:
    # pop differs only on a heap of two or more: push (positional-only, through heapq) first
    head = HEAP.replace("heapq.heappop(self._heap)", "self._heap.pop()")
    assert _verified(tmp_path, deps, HEAP, head) == ["Queue.pop"]


OWNER = """import os


class Job:
    def __init__(self) -> None:
        self.runs = 0
        self.owner = 0

    def start(self) -> None:
        self.owner = os.getpid()
        self.runs += 1
"""


def test_a_value_fixed_per_process_is_not_a_difference(tmp_path: Path, deps: Deps) -> None:
    head = OWNER.replace(
        "        self.owner = os.getpid()\n        self.runs += 1\n",
        "        self.runs += 1\n        self.owner = os.getpid()\n",
    )
    assert _verified(tmp_path, deps, OWNER, head) == []
