"""Kind ``differential`` end to end: trusted driver, two call servers, real Hypothesis search.

One sandbox start per backend holds every scenario; each test reads its candidate's answer.
"""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from harness_fixtures import BACKENDS, candidate, make_runner, make_tree, run_job

from sandbox import RunResult, Status

LEDGER = """
from decimal import Decimal
import random
import sys
import time


def compound(principal, rate, periods):
    amount = principal
    for _ in range(periods):
        amount = amount * (1 + rate)
    return amount.quantize(Decimal("0.01"))


def double(x):
    return x * 2


def ratio(a, b):
    return a // b if b else 0


def noisy(x):
    return x + random.random()


def sleepy(x):
    if x == 3 and HEAD:
        time.sleep(60)
    return x


def chatty(x):
    print('{"value": 999}' * 50_000)
    sys.stderr.write("noise\\n" * 1000)
    return [x, Decimal("NaN"), {"k": (x, None)}]


class Account:
    @staticmethod
    def fee(x):
        return x + 1

    def balance(self, x):
        return x


class Price:
    def __init__(self, amount, currency="USD"):
        if amount < 0:
            raise ValueError("negative price")
        self.amount = amount
        self.currency = currency


def net(price, fee):
    return price.amount - fee


def months(n):
    for i in range(n):
        yield i + 1


def same_months(n):
    return (i + 1 for i in range(n))


def endless(n):
    while True:
        yield n


def outer():
    def inner(x):
        return x
    return inner


class Counter:
    def __init__(self, start: int, step: int):
        if step == 0:
            raise ValueError("step must not be zero")
        self.start = start
        self.step = step

    def nth(self, n):
        return self.start + self.step * n

    def total(self, n):
        return self.start * n + self.step * n * (n - 1) // 2


class Gauge:
    def __init__(self, level):
        if level < 0 and HEAD:
            raise ValueError("negative level")
        self.level = level

    def read(self):
        return self.level


class Unit:
    def __init__(self, amount):
        self.amount = amount
        self.factor = self._factor()

    def _factor(self):
        raise NotImplementedError("an abstract unit")

    def scaled(self):
        return self.amount * self.factor


class Meter(Unit):
    def _factor(self):
        return 100


class Foot(Unit):
    def _factor(self):
        return 30


def total_cm(unit):
    return unit.amount * unit.factor


class Span:
    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    @classmethod
    def parse(cls, text):
        lo, _, hi = text.partition("-")
        return cls(int(lo), int(hi))

    def width(self):
        return self.hi - self.lo


class Purse:
    def __init__(self, cash):
        self.cash = cash
        self.stamp = random.random()

    def spend(self, amount):
        self.stamp = random.random()
        self.cash -= amount


class Shelf:
    def __init__(self, size):
        self.size = size
        self.items = []

    def put(self, x):
        self.items.append(x)
        if len(self.items) > self.size:
            self.items.pop(0)
"""

HEAD_CHANGES = {
    "range(periods)": "range(1, periods)",
    "return price.amount - fee": "return price.amount - abs(fee)",
    "    for i in range(n):\n        yield i + 1": "    for i in range(1, n):\n        yield i + 1",
    "return a // b if b else 0": "return a // b",
    "return self.start + self.step * n": "return self.start + self.step * (n - 1)",
    "return self.start * n + self.step * n * (n - 1) // 2": (
        "return sum(self.start + self.step * i for i in range(n))"
    ),
    "return self.amount * self.factor": "return self.amount * 100",
    "return unit.amount * unit.factor": "return unit.amount * 100",
    "return self.hi - self.lo": "return self.hi - self.lo - (self.lo > 1)",
    "self.cash -= amount\n": "self.cash -= amount + (amount > 3)\n        self.extra = 1\n",
    "self.items.pop(0)": "self.items.pop()",
}

DEC = {"type": "decimals", "min": "0", "max": "1000", "places": 2}
RATE = {"type": "decimals", "min": "0", "max": "1", "places": 2}
PERIODS = {"type": "integers", "min": 0, "max": 10}
INTS = {"type": "integers", "min": -50, "max": 50}


def _args(**strategies: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"name": n, "kind": "positional_or_keyword", "strategy": s} for n, s in strategies.items()
    ]


def _diff(cid: str, qualname: str, args: list[dict[str, Any]], **params: Any) -> Any:
    base_params = {
        "module": "ledger.interest",
        "qualname": qualname,
        "args": args,
        "max_examples": 100,
        "reruns": 3,
        "deadline_s": 10,
        "call_timeout_s": 2,
    }
    return candidate(cid, "differential", params={**base_params, **params}, timeout_s=40)


INVARIANTS = [
    {
        "id": "one-period-growth",
        "when": "args['periods'] == 1",
        "check": "result == (args['principal'] * (1 + args['rate'])).quantize(Decimal('0.01'))",
        "message": "one period applies the rate once",
    },
    {
        "id": "never-grows",
        "when": "args['rate'] > 0 and args['principal'] > 10",
        "check": "result <= args['principal']",
    },
    {"id": "negative-periods", "when": "args['periods'] < 0", "check": "result == 0"},
    {"id": "monotone-in-periods", "check": "call(periods=args['periods'] + 1) >= result"},
]


def _line_of(text: str) -> int:
    return LEDGER.splitlines().index(text) + 1


# Coverage: the call server records which watched (changed) lines the calls executed.
DOUBLE_LINE = _line_of("    return x * 2")
RATIO_LINE = _line_of("    return a // b if b else 0")


def _watch(*lines: int) -> dict[str, Any]:
    return {"head": {"path": "ledger/interest.py", "lines": list(lines)}}


SCENARIOS = [
    _diff("watch-hit", "double", _args(x=INTS), max_examples=5, watch=_watch(DOUBLE_LINE)),
    _diff("watch-miss", "double", _args(x=INTS), max_examples=5, watch=_watch(RATIO_LINE)),
    _diff("compound", "compound", _args(principal=DEC, rate=RATE, periods=PERIODS)),
    # Hypothesis alone rarely draws periods == 1: the host passes boundary values as examples.
    _diff(
        "invariants",
        "compound",
        _args(principal=DEC, rate=RATE, periods=PERIODS),
        invariants=INVARIANTS,
        equivalence=False,
        examples=[
            {
                "principal": {"$": "decimal", "v": "100.00"},
                "rate": {"$": "decimal", "v": "0.05"},
                "periods": 1,
            }
        ],
    ),
    _diff("equal", "double", _args(x=INTS)),
    # Once a function has its witness, the invariants after it get a fifth of the examples.
    _diff(
        "invariants-after-difference",
        "compound",
        _args(principal=DEC, rate=RATE, periods=PERIODS),
        invariants=[{"id": "always", "check": "True"}],
    ),
    # A night's max_examples and a short deadline: each search ends at its share of the time,
    # so the last one still runs (skipping a million examples one by one would starve it).
    _diff(
        "time-shares",
        "double",
        _args(x={"type": "integers", "min": -(10**9), "max": 10**9}),
        invariants=[{"id": f"always-{k}", "check": "True"} for k in range(4)],
        equivalence=False,
        max_examples=1_000_000,
        deadline_s=4,
    ),
    _diff(
        "invariants-unwitnessed",
        "double",
        _args(x=INTS),
        invariants=[{"id": "always", "check": "True"}],
    ),
    _diff("new-exception", "ratio", _args(a=INTS, b={"type": "integers", "min": -3, "max": 3})),
    _diff("flaky", "noisy", _args(x=INTS)),
    _diff(
        "hang",
        "sleepy",
        _args(x={"type": "integers", "min": 0, "max": 5}),
        call_timeout_s=1,
        reruns=1,
    ),
    _diff("chatty", "chatty", _args(x=INTS), max_examples=5),
    _diff("static", "Account.fee", _args(x=INTS), max_examples=20),
    _diff("instance", "Account.balance", _args(x=INTS)),
    _diff("nested", "outer.<locals>.inner", _args(x=INTS)),
    _diff(
        "method",
        "Counter.nth",
        _args(n=INTS),
        receiver={"class": "Counter", "args": _args(start=INTS, step=INTS)},
        invariants=[
            {"id": "method-args-only", "check": "len(args) == 1 and 'n' in args"},
            {"id": "linear", "check": "call(n=args['n'] + 1) - result == call(n=1) - call(n=0)"},
        ],
        deadline_s=30,  # three searches share it: enough on a loaded 2-core machine
    ),
    _diff(
        "method-equal",
        "Counter.total",
        _args(n={"type": "integers", "min": 0, "max": 20}),
        receiver={"class": "Counter", "args": _args(start=INTS, step=INTS)},
    ),
    _diff(
        "method-no-init",
        "Account.balance",
        _args(x=INTS),
        receiver={"class": "Account", "args": []},
        max_examples=20,
    ),
    _diff(
        "constructor-raises",
        "Gauge.read",
        [],
        receiver={"class": "Gauge", "args": _args(level=INTS)},
    ),
    # an abstract base: the receiver is drawn among the subclasses the host listed
    _diff(
        "method-subclass",
        "Unit.scaled",
        [],
        receiver={"class": "Unit", "args": _args(amount=INTS), "subclasses": ["Meter", "Foot"]},
    ),
    _diff(
        "instance-subclass",
        "total_cm",
        _args(
            unit={
                "type": "instance",
                "module": "ledger.interest",
                "class": "Unit",
                "args": _args(amount=INTS),
                "subclasses": ["Meter", "Foot"],
            }
        ),
    ),
    # an instance made by an alternative constructor (Span.parse('2-7')), not by __init__
    _diff(
        "method-factory",
        "Span.width",
        [],
        receiver={
            "class": "Span",
            "args": _args(lo={"type": "integers", "min": 0, "max": 1}, hi=INTS),
            "factories": [
                {"name": "parse", "args": _args(text={"type": "sampled_from", "values": ["2-7"]})}
            ],
        },
    ),
    # a mutator returning None: compared by the receiver's state after the call
    _diff(
        "method-state",
        "Purse.spend",
        _args(amount=INTS),
        receiver={"class": "Purse", "args": _args(cash=INTS)},
    ),
    # the difference needs a full shelf: calls made on the receiver first (steps)
    _diff(
        "method-steps",
        "Shelf.put",
        _args(x=INTS),
        receiver={
            "class": "Shelf",
            "args": _args(size={"type": "integers", "min": 1, "max": 3}),
            "steps": [{"name": "put", "args": _args(x=INTS)}],
        },
    ),
    _diff("bad-spec", "double", _args(x={"type": "quaternions"})),
    # an argument of the code's own class, built by each side from its own module
    _diff(
        "instance-arg",
        "net",
        _args(
            price={
                "type": "instance",
                "module": "ledger.interest",
                "class": "Price",
                "args": _args(amount=INTS, currency={"type": "sampled_from", "values": ["EUR"]}),
            },
            fee=INTS,
        ),
    ),
    # generators compare by what they yield, not by their (equal, scrubbed) reprs
    _diff("generator", "months", _args(n={"type": "integers", "min": 0, "max": 5})),
    _diff("generator-equal", "same_months", _args(n={"type": "integers", "min": 0, "max": 5})),
    _diff("generator-endless", "endless", _args(n=INTS), max_examples=3),
    _diff(
        "head-import-error",
        "double",
        _args(x=INTS),
        module="ledger.broken",
        base_module="ledger.interest",
        max_examples=10,
    ),
]


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("ledger")
    head_src = LEDGER.replace("HEAD", "True")
    for old, new in HEAD_CHANGES.items():
        assert old in head_src
        head_src = head_src.replace(old, new)
    base = make_tree(
        root / "base",
        {"ledger/__init__.py": "", "ledger/interest.py": LEDGER.replace("HEAD", "False")},
    )
    head = make_tree(
        root / "head",
        {
            "ledger/__init__.py": "",
            "ledger/interest.py": head_src,
            "ledger/broken.py": "import ledger.missing_module\n",
        },
    )
    return base, head


@pytest.fixture(scope="module", params=BACKENDS)
def answer(request: pytest.FixtureRequest, trees: tuple[Path, Path]) -> RunResult:
    runner = make_runner(request.param)
    return run_job(runner, trees[0], trees[1], SCENARIOS, parallelism=4, output_bytes=4_000)


def _data(answer: RunResult, cid: str) -> dict[str, Any]:
    return answer.candidates[cid].data


def test_the_changed_lines_the_calls_executed_are_recorded(answer: RunResult) -> None:
    hit, miss = _data(answer, "watch-hit"), _data(answer, "watch-miss")
    assert hit["status"] == miss["status"] == "equal"
    assert hit["coverage"] == {"head": [DOUBLE_LINE]}  # watched on head only
    assert miss["coverage"] == {"head": []}  # double never runs ratio's line
    assert "coverage" not in _data(answer, "equal") or _data(answer, "equal")["coverage"] == {}


def test_finds_the_off_by_one_with_a_minimal_reproducible_witness(
    answer: RunResult, trees: tuple[Path, Path]
) -> None:
    data = _data(answer, "compound")
    assert data["status"] == "different", data
    assert data["examples"] >= 1
    w = data["witness"]
    assert w["call"].startswith("compound(principal=Decimal('")
    args = {
        "principal": Decimal(w["args"]["principal"]["v"]),
        "rate": Decimal(w["args"]["rate"]["v"]),
        "periods": w["args"]["periods"],
    }
    assert args["periods"] >= 1 and args["principal"] <= 1, "Hypothesis shrank the witness"
    base = _load(trees[0] / "ledger" / "interest.py", "base_interest").compound(**args)
    head = _load(trees[1] / "ledger" / "interest.py", "head_interest").compound(**args)
    assert (w["base"], w["head"]) == (repr(base), repr(head))
    assert base != head
    assert w["base_value"] == {"$": "decimal", "v": str(base)}
    p, r, n = args["principal"], args["rate"], args["periods"]
    assert w["call"] == f"compound(principal={p!r}, rate={r!r}, periods={n})"


def test_invariants_are_classified_per_side(answer: RunResult) -> None:
    data = _data(answer, "invariants")
    assert data["status"] == "unsupported"  # equivalence was not requested
    by_id = {i["id"]: i for i in data["invariants"]}
    assert by_id["one-period-growth"]["status"] == "violated-head"
    witness = by_id["one-period-growth"]["witness"]
    assert (
        witness["call"] == "compound(principal=Decimal('100.00'), rate=Decimal('0.05'), periods=1)"
    )
    assert (witness["base"], witness["head"]) == ("Decimal('105.00')", "Decimal('100.00')")
    assert by_id["one-period-growth"]["message"] == "one period applies the rate once"
    assert by_id["never-grows"]["status"] == "violated-both"
    assert by_id["negative-periods"]["status"] == "not-applicable"
    assert by_id["monotone-in-periods"]["status"] == "holds"


def test_invariants_after_a_witness_get_a_fifth_of_the_examples(answer: RunResult) -> None:
    # max_examples 100: a fifth is 20, raised to the floor of 50
    after_difference = _data(answer, "invariants-after-difference")
    assert after_difference["status"] == "different"
    assert after_difference["invariants"][0] | {"message": None} == {
        "id": "always",
        "status": "holds",
        "examples": 50,
        "message": None,
    }
    unwitnessed = _data(answer, "invariants-unwitnessed")
    assert unwitnessed["status"] == "equal"
    assert unwitnessed["invariants"][0]["examples"] == 100
    # after head broke an invariant, the later ones are cut too
    by_id = {i["id"]: i for i in _data(answer, "invariants")["invariants"]}
    assert by_id["monotone-in-periods"]["status"] == "holds"
    assert by_id["monotone-in-periods"]["examples"] == 50 + 1  # and the host's explicit example


def test_every_invariant_gets_its_share_of_a_short_deadline(answer: RunResult) -> None:
    searches = _data(answer, "time-shares")["invariants"]
    assert [s["status"] for s in searches] == ["holds"] * 4
    assert all(s["examples"] > 0 for s in searches), searches
    assert all(s.get("detail") == "search stopped at its time budget" for s in searches), searches


def test_equal_functions_are_equal(answer: RunResult) -> None:
    data = _data(answer, "equal")
    assert data["status"] == "equal"
    assert data["examples"] == 100
    assert data["imports"] == {"base": None, "head": None}


def test_a_new_exception_is_a_difference(answer: RunResult) -> None:
    data = _data(answer, "new-exception")
    assert data["status"] == "different"
    w = data["witness"]
    assert w["head"] == "Raised('ZeroDivisionError')"
    assert w["base"] == "0"
    assert w["args"]["b"] == 0
    assert w["head_value"]["$"] == "raised"


def test_nondeterminism_is_flaky_not_a_finding(answer: RunResult) -> None:
    assert _data(answer, "flaky")["status"] == "flaky"


def test_a_hung_call_is_a_timeout_outcome(answer: RunResult) -> None:
    data = _data(answer, "hang")
    assert data["status"] == "different", data
    assert data["witness"]["head"] == "Raised('Timeout')"
    assert data["witness"]["args"] == {"x": 3}


def test_prints_do_not_corrupt_the_protocol_and_logs_are_capped(answer: RunResult) -> None:
    cand = answer.candidates["chatty"]
    assert cand.data["status"] == "equal", cand.data
    head = cand.sides["head"]
    assert head.status == Status.PASSED
    assert len(head.log) <= 4_000
    assert head.log_truncated_bytes > 1_000_000


def test_static_methods_are_supported_instance_and_nested_are_not(answer: RunResult) -> None:
    assert _data(answer, "static")["status"] == "equal"
    assert _data(answer, "instance")["status"] == "unsupported"
    assert "instance method" in _data(answer, "instance")["detail"]
    assert _data(answer, "nested")["status"] == "unsupported"


def test_a_receiver_is_drawn_among_the_listed_subclasses(answer: RunResult) -> None:
    data = _data(answer, "method-subclass")
    assert data["status"] == "different", data
    witness = data["witness"]
    # only Foot shows the change (Unit cannot be built, Meter's factor is 100 on both sides)
    assert witness["call"].startswith("Foot(amount="), witness
    assert ["ledger.interest", "Foot"] in witness["imports"]
    assert witness["receiver"]["$class"] == "Foot"


def test_an_instance_argument_is_drawn_among_the_listed_subclasses(answer: RunResult) -> None:
    data = _data(answer, "instance-subclass")
    assert data["status"] == "different", data
    assert "Foot(" in data["witness"]["call"]
    assert ["ledger.interest", "Foot"] in data["witness"]["imports"]


def test_a_receiver_may_be_made_by_a_listed_factory(answer: RunResult) -> None:
    data = _data(answer, "method-factory")
    assert data["status"] == "different", data
    # the constructor's lo is 0 or 1 (no difference there): only Span.parse('2-7') shows it
    assert data["witness"]["call"] == "Span.parse(text='2-7').width()"
    assert data["witness"]["receiver"]["$factory"] == "parse"


def test_bad_strategy_spec_is_an_error(answer: RunResult) -> None:
    data = _data(answer, "bad-spec")
    assert data["status"] == "error"
    assert "quaternions" in data["detail"]
    assert answer.candidates["bad-spec"].sides["head"].status == Status.ERROR


def test_import_error_on_head_is_a_difference_and_said_so(answer: RunResult) -> None:
    cand = answer.candidates["head-import-error"]
    data = cand.data
    assert data["status"] == "different", data
    assert data["imports"]["base"] is None
    assert "ModuleNotFoundError" in data["imports"]["head"]
    assert "head cannot import" in data["detail"]
    assert data["witness"]["head"] == "Raised('ModuleNotFoundError')"
    assert cand.sides["head"].status == Status.ERROR
    assert cand.sides["base"].status == Status.PASSED


def test_instance_methods_get_a_receiver_built_from_drawn_arguments(
    answer: RunResult, trees: tuple[Path, Path]
) -> None:
    data = _data(answer, "method")
    assert data["status"] == "different", data
    w = data["witness"]
    start, step = w["receiver"]["start"], w["receiver"]["step"]
    n = w["args"]["n"]
    assert w["args"] == {"n": n}
    assert (start, abs(step), n) == (0, 1, 0), "Hypothesis shrank receiver and method args"
    assert w["call"] == f"Counter(start={start}, step={step}).nth(n={n})"
    base = _load(trees[0] / "ledger" / "interest.py", "base_counter")
    head = _load(trees[1] / "ledger" / "interest.py", "head_counter")
    expected = eval(w["call"], {"Counter": base.Counter})
    assert (w["base"], w["head"]) == (repr(expected), repr(eval(w["call"], vars(head))))
    by_id = {i["id"]: i["status"] for i in data["invariants"]}
    assert by_id == {"method-args-only": "holds", "linear": "holds"}


def test_equal_methods_are_equal_and_constructor_errors_are_outcomes(answer: RunResult) -> None:
    data = _data(answer, "method-equal")
    assert data["status"] == "equal", data
    assert data["examples"] == 100
    assert _data(answer, "method-no-init")["status"] == "equal"
    data = _data(answer, "constructor-raises")
    assert data["status"] == "different", data
    w = data["witness"]
    assert w["call"] == "Gauge(level=-1).read()"
    assert (w["base"], w["head"]) == ("-1", "Raised('ValueError')")


def test_generators_are_drained_and_compared_by_their_items(answer: RunResult) -> None:
    found = _data(answer, "generator")
    assert found["status"] == "different"
    assert found["witness"]["call"] == "months(n=1)"
    assert found["witness"]["base_value"] == {
        "$": "iterated",
        "type": "builtins.generator",
        "v": [1],
    }
    assert found["witness"]["head_value"] == {
        "$": "iterated",
        "type": "builtins.generator",
        "v": [],
    }
    assert _data(answer, "generator-equal")["status"] == "equal"
    # an endless generator is drained up to a cap, not forever
    assert _data(answer, "generator-endless")["status"] == "equal"


def test_arguments_of_the_codes_own_classes_are_constructed_per_side(answer: RunResult) -> None:
    found = _data(answer, "instance-arg")
    assert found["status"] == "different"
    witness = found["witness"]
    assert witness["call"] == "net(price=Price(amount=0, currency='EUR'), fee=-1)"
    assert witness["args"]["price"] == {
        "$": "new", "module": "ledger.interest", "class": "Price", "pos": [],
        "kw": {"amount": 0, "currency": "EUR"},
    }  # fmt: skip
    assert witness["imports"] == [["ledger.interest", "Price"]]


def test_a_mutator_is_compared_by_its_receivers_stable_shared_attributes(
    answer: RunResult,
) -> None:
    data = _data(answer, "method-state")
    assert data["status"] == "different", data
    w = data["witness"]
    # cash differs; stamp differs between any two calls (dropped); extra is head's only
    assert w["state"]["attributes"] == ["cash"]
    amount, cash = w["args"]["amount"], w["receiver"]["cash"]
    assert amount == 4 and cash == 0, "shrunk to the boundary"
    assert w["state"]["base"] == {"cash": cash - amount}
    assert w["state"]["head"] == {"cash": cash - amount - 1}
    made = (w["state"]["receiver"], w["state"]["method"])
    assert made == (f"Purse(cash={cash})", "spend(amount=4)")
    assert w["base"] == "None; after the call self.cash == -4"


def test_steps_made_on_the_receiver_first_reach_a_state_one_call_cannot(
    answer: RunResult, trees: tuple[Path, Path]
) -> None:
    data = _data(answer, "method-steps")
    assert data["status"] == "different", data
    w = data["witness"]
    size = w["receiver"]["size"]
    steps = w["prelude"]["steps"]
    assert len(steps) == size and all(s.startswith("put(x=") for s in steps), w
    assert w["call"].startswith(f"obj = Shelf(size={size}); obj.put(x=")
    assert w["state"]["attributes"] == ["items"] and w["state"]["steps"] == steps
    # the witness replays on the real classes: base keeps the newest items, head the oldest
    for tree, side in ((trees[0], "base"), (trees[1], "head")):
        shelf = _load(tree / "ledger" / "interest.py", f"{side}_shelf").Shelf(size)
        for step in [*steps, w["prelude"]["method"]]:
            eval(f"shelf.{step}", {"shelf": shelf})
        assert shelf.items == w["state"][side]["items"]
