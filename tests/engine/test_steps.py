"""Step methods: what is called on a receiver before the method under test (pure)."""

from __future__ import annotations

import ast

from bot.engine.inputs.hierarchy import module_classes
from bot.engine.inputs.steps import changes_self, step_methods
from rules import load_rules

SOURCE = """
import collections.abc


class Cache(collections.abc.MutableMapping):
    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.data: dict[int, int] = {}

    def __getitem__(self, key: int) -> int:
        return self.data[key]

    def __setitem__(self, key: int, value: int) -> None:
        self.data[key] = value

    def __delitem__(self, key: int) -> None:
        del self.data[key]

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self):
        return iter(self.data)

    @property
    def full(self) -> bool:
        return len(self.data) >= self.maxsize

    @staticmethod
    def size_of(value: int) -> int:
        return 1

    def peek(self, key: int) -> int | None:
        return self.data.get(key)

    def _evict(self) -> None:
        self.data.clear()


class LRU(Cache):
    def __getitem__(self, key: int, cache_getitem=Cache.__getitem__) -> int:
        value = cache_getitem(self, key)
        self.touch(key)
        return value

    def touch(self, key: int) -> None:
        self.order.move_to_end(key)

    def resize(self, maxsize: int, *, strict: bool = False) -> None:
        self.maxsize = maxsize
"""


def test_the_state_changing_methods_of_the_class_and_its_in_module_bases() -> None:
    classes = module_classes(ast.parse(SOURCE))
    steps = step_methods(
        classes["LRU"], classes, path="cache.py", module_source=SOURCE, rules=load_rules()
    )
    names = [s["name"] for s in steps]
    # nearest definition first; properties, static methods, pure readers and private helpers
    # are not steps; MutableMapping's methods are not read
    assert names == ["__getitem__", "touch", "resize", "__setitem__", "__delitem__"]
    by_name = {s["name"]: [a["name"] for a in s["args"]] for s in steps}
    # a defaulted parameter keeps its default; a bound implementation is never drawn
    assert by_name["resize"] == ["maxsize"]
    assert by_name["__getitem__"] == ["key"]


def test_what_counts_as_changing_self() -> None:
    def fn(body: str) -> ast.FunctionDef:
        node = ast.parse(f"def m(self, x):\n    {body}\n").body[0]
        assert isinstance(node, ast.FunctionDef)
        return node

    for body in (
        "self.total += x",
        "self.items[x] = 1",
        "del self.items[x]",
        "self.items.append(x)",
        "helper(self, x)",
        "super().__setitem__(x, 1)",
        "heapq.heappush(self._heap, x)",
        "bisect.insort(self.items, x)",
        "Base.__setitem__(self, x, 1)",
    ):
        assert changes_self(fn(body)), body
    for body in (
        "return self.items.get(x)",
        "return len(self.items) + x",
        "y = x",
        "return type(self)(self.major + 1)",  # a new instance: self stays as it was
        "return self.parse(x) < self.key()",
        "self._update(x)",  # unknown method: not known to change anything
        "return Bit(self._bits)",  # a new value built from a field
        "return math.floor(self.x)",
    ):
        assert not changes_self(fn(body)), body
    # through the class's own methods, as far as they go
    update = fn("self.total += x")
    reader = fn("return self.total")
    assert changes_self(fn("self._update(x)"), {"_update": update})
    assert changes_self(fn("self.a(x)"), {"a": fn("self.b(x)"), "b": update})
    assert not changes_self(fn("self.a(x)"), {"a": fn("self.a(x)"), "b": reader})  # recursion
