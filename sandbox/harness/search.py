"""The Hypothesis searches of the differential driver: equivalence and one per invariant.

Each search is a Hypothesis test over the argument strategies, seeded with the manifest seed,
without a database. The test body records the last failing example: Hypothesis replays the
shrunk (minimal) one last, so that record is the witness. Past the search's time budget the
body stops calling and lets only the current best failing example fail again, so the final
replay stays consistent and the answer comes back in time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis.errors import Flaky

from . import state
from .callclient import CallClient
from .callspec import RECEIVER, CallSpec
from .codec import New, Raised, encode, safe_repr
from .compare import equivalent
from .invariants import Invariant, evaluate


class _Found(Exception):
    """Raised in the test body: this example shows what we are looking for."""


class _OutOfTime(BaseException):
    """Raised in the test body past the deadline with nothing found: ends the search at once.
    A ``BaseException`` (not a failure to Hypothesis, which lets it through): otherwise the
    examples left would each be generated and skipped, and with a night's ``max_examples``
    that alone eats the time of the searches after this one."""


def _found() -> NoReturn:
    """Every ``_Found`` is raised here: Hypothesis tells failures apart by where they were
    raised, so a witness re-failed past the deadline must come from the same line as when it
    was first found (else its replay is "inconsistent" and a real difference reads as flaky)."""
    raise _Found


@dataclass
class Witness:
    args: dict[str, Any]
    base: Any
    head: Any
    # Equal results, but the receiver's attributes ``attrs`` differ after the call.
    base_state: Any = None
    head_state: Any = None
    attrs: tuple[str, ...] = ()

    def to_json(self, spec: CallSpec) -> dict[str, Any]:
        out: dict[str, Any] = {
            "args": spec.encoded_args(self.args),
            "call": spec.call_text(self.args),
            "base": safe_repr(self.base),
            "head": safe_repr(self.head),
            "base_value": encode(self.base),
            "head_value": encode(self.head),
        }
        steps = spec.steps_text(self.args)
        if steps:  # the reproducing test builds the receiver, makes the steps, then calls
            out["prelude"] = {
                "receiver": spec.receiver_text(self.args),
                "steps": steps,
                "method": spec.method_text(self.args),
            }
        if self.attrs:
            names = list(self.attrs)
            out["base"] = state.shown(self.base, self.base_state, names)
            out["head"] = state.shown(self.head, self.head_state, names)
            own = {s: state.attributes(v) or {} for s, v in
                   (("base", self.base_state), ("head", self.head_state))}  # fmt: skip
            out["state"] = {
                "attributes": names,
                "steps": steps,
                "receiver": spec.receiver_text(self.args),
                "method": spec.method_text(self.args),
                **{s: {k: encode(own[s].get(k)) for k in names} for s in own},
            }
        receiver = spec.encoded_receiver(self.args)
        if receiver is not None:
            out["receiver"] = receiver
        classes = _classes(self.args)
        if spec.receiver is not None and spec.receiver.subclasses:  # a subclass drawn as self
            drawn = spec.receiver.chosen(self.args.get(RECEIVER, {}))
            if drawn != spec.receiver.class_name:
                classes.add((spec.module, drawn.split(".")[0]))
        made = sorted(classes)
        if made:
            out["imports"] = [list(pair) for pair in made]  # the call text constructs these
        return out


def _classes(value: Any, depth: int = 0) -> set[tuple[str, str]]:
    """(module, class) of every ``New`` in drawn values."""
    if depth > 20:
        return set()
    if isinstance(value, New):
        found = {(value.module, value.cls.split(".")[0])}
        for v in (*value.pos, *(x for _k, x in value.kw)):
            found |= _classes(v, depth + 1)
        return found
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return set().union(*(_classes(v, depth + 1) for v in value)) if value else set()
    return set()


@dataclass
class _Run:
    """Bookkeeping of one search."""

    deadline: float
    examples: int = 0
    both_raised: int = 0
    last_raised: Any = None
    found: list[Witness] = field(default_factory=list)
    out_of_time: bool = False

    def past_deadline(self, args: dict[str, Any]) -> bool | None:
        """None: go on calling; True: re-fail (it is the best witness); False: skip it.
        With nothing found, past the deadline raises ``_OutOfTime`` (the search ends)."""
        if time.monotonic() < self.deadline:
            return None
        self.out_of_time = True
        if not self.found:
            raise _OutOfTime
        return _same(self.found[-1].args, args)


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return json.dumps(encode(a), sort_keys=True) == json.dumps(encode(b), sort_keys=True)


class Searcher:
    def __init__(
        self,
        spec: CallSpec,
        clients: dict[str, CallClient],
        seed_value: int,
        max_examples: int,
        reruns: int,
        examples: list[dict[str, Any]] | None = None,
    ) -> None:
        self.examples = examples or []
        self.spec = spec
        self.clients = clients
        self.seed = seed_value
        self.max_examples = max_examples
        self.reruns = reruns
        self.states: dict[str, Any] = {}  # each side's receiver after the last call
        self.unstable: set[str] = set()  # attributes that change between identical calls
        self.stable: set[str] = set()

    # -- calls ---------------------------------------------------------------------------

    def call_sides(self, args: dict[str, Any], sides: tuple[str, ...]) -> dict[str, Any]:
        """Call the sides concurrently with the same arguments."""
        request = self.spec.request(args)
        present = [s for s in sides if s in self.clients]
        for side in present:
            self.clients[side].send(request)
        out = {}
        self.states = {}
        for side in present:
            client = self.clients[side]
            out[side] = client.receive(time.monotonic() + client.call_timeout_s)
            self.states[side] = client.state
        return out

    def state_difference(self, args: dict[str, Any]) -> list[str]:
        """Attributes of the receiver that base and head left different after the last call
        (equal results), each shown to be stable: an attribute seen differing for the first
        time is probed by calling both sides once more with the same arguments in fresh call
        servers, and one that changed (a timestamp, a process id, an ``id()``) is ignored
        from then on."""
        if self.spec.receiver is None:
            return []
        first = dict(self.states)
        names = state.differing(first.get("base"), first.get("head"), self.unstable)
        unknown = [k for k in names if k not in self.stable]
        if unknown:
            for client in self.clients.values():
                client.restart()  # a new process: values fixed per process show up too
            self.call_sides(args, ("base", "head"))
            again = dict(self.states)
            kept = set(state.same_on(first.get("base"), again.get("base"), unknown))
            kept &= set(state.same_on(first.get("head"), again.get("head"), unknown))
            self.stable |= kept
            self.unstable |= set(unknown) - kept
            self.states = first
        return [k for k in names if k in self.stable]

    def _caller(self, side: str, args: dict[str, Any]) -> Callable[..., Any]:
        def call(**overrides: Any) -> Any:
            return self.clients[side].call(self.spec.request({**args, **overrides}))

        return call

    def _hypothesis(self, body: Callable[[dict[str, Any]], None]) -> Callable[[], None]:
        config = settings(
            max_examples=self.max_examples,
            database=None,
            deadline=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
            print_blob=False,
        )
        test = given(self.spec.strategy())(body)
        for explicit in self.examples:  # the host's boundary values, tried first and as-is
            test = example(explicit)(test)
        wrapped: Callable[[], None] = seed(self.seed)(config(test))
        return wrapped

    # -- equivalence ---------------------------------------------------------------------

    def equivalence(self, budget_s: float) -> dict[str, Any]:
        run = _Run(deadline=time.monotonic() + budget_s)

        def body(args: dict[str, Any]) -> None:
            late = run.past_deadline(args)
            if late is not None:
                if late:
                    _found()
                return
            got = self.call_sides(args, ("base", "head"))
            run.examples += 1
            if isinstance(got["base"], Raised) and isinstance(got["head"], Raised):
                run.both_raised += 1
                run.last_raised = got["head"]
            if not equivalent(got["base"], got["head"]):
                run.found.append(Witness(args, got["base"], got["head"]))
                _found()
            attrs = self.state_difference(args)
            if attrs:
                after = (self.states.get("base"), self.states.get("head"))
                run.found.append(Witness(args, got["base"], got["head"], *after, tuple(attrs)))
                _found()

        status, detail = "equal", ""
        try:
            self._hypothesis(body)()
        except _OutOfTime:
            pass
        except _Found:
            status = "different"
        except Flaky as exc:
            status, detail = "flaky", f"Hypothesis could not replay the failure: {exc}"[:500]
        out: dict[str, Any] = {"status": status, "examples": run.examples, "detail": detail}
        if status == "equal" and run.examples and run.both_raised == run.examples:
            exc = run.last_raised
            out["detail"] = (
                f"every call raised on both sides (e.g. {exc.type}: {exc.message}); "
                "the arguments may not fit the function"
            )
        if run.out_of_time:
            out["detail"] = (detail + " (search stopped at its time budget)").strip()
        if status == "flaky" and run.out_of_time and run.found:
            # The time budget ran out while Hypothesis replayed its shrunk failure (later calls
            # are skipped, so the replay looks inconsistent): that is not flakiness. The
            # smallest witness found that re-runs the same on both sides still counts.
            for witness in reversed(run.found[-3:]):
                if self._reproduces(witness):
                    detail = "(search stopped at its time budget while shrinking)"
                    return {**out, "status": "different", "detail": detail,
                            "witness": witness.to_json(self.spec)}  # fmt: skip
        if status != "equal" and run.found:
            witness = run.found[-1]
            if status == "different" and not self._reproduces(witness):
                out["status"] = "flaky"
                out["detail"] = f"the witness did not reproduce in {self.reruns} re-run(s)"
            out["witness"] = witness.to_json(self.spec)
        return out

    def _reproduces(self, witness: Witness) -> bool:
        for _ in range(self.reruns):
            got = self.call_sides(witness.args, ("base", "head"))
            if not (
                equivalent(got["base"], witness.base) and equivalent(got["head"], witness.head)
            ):
                return False
            names = list(witness.attrs)
            if names and not (
                state.same_on(witness.base_state, self.states.get("base"), names) == names
                and state.same_on(witness.head_state, self.states.get("head"), names) == names
            ):
                return False
        return True

    # -- invariants ----------------------------------------------------------------------

    def invariant(self, inv: Invariant, budget_s: float) -> dict[str, Any]:
        run = _Run(deadline=time.monotonic() + budget_s)
        applicable = 0
        both: list[Witness] = []
        base_only: list[Witness] = []

        def verdicts(args: dict[str, Any]) -> tuple[dict[str, Any], dict[str, bool | None]]:
            got = self.call_sides(args, ("base", "head"))
            own = self.spec.method_args(args)  # invariants see the method's arguments only
            held = {s: evaluate(inv, own, r, self._caller(s, args)) for s, r in got.items()}
            return got, held

        def body(args: dict[str, Any]) -> None:
            nonlocal applicable
            late = run.past_deadline(args)
            if late is not None:
                if late:
                    _found()
                return
            got, held = verdicts(args)
            run.examples += 1
            if any(v is not None for v in held.values()):
                applicable += 1
            witness = Witness(args, got.get("base"), got.get("head"))
            if held.get("head") is False:
                if held.get("base") is False:
                    both.append(witness)
                    return
                run.found.append(witness)
                _found()
            if held.get("base") is False:
                base_only.append(witness)

        out: dict[str, Any] = {"id": inv.id, "status": "holds", "examples": 0}
        try:
            self._hypothesis(body)()
        except _OutOfTime:
            pass
        except _Found:
            out["status"] = "violated-head"
        except Flaky:
            out["status"] = "flaky"
        out["examples"] = run.examples
        if out["status"] in ("violated-head", "flaky") and run.found:
            witness = run.found[-1]
            for _ in range(self.reruns):
                _, held = verdicts(witness.args)
                if held.get("head") is not False or held.get("base") is False:
                    out["status"] = "flaky"
            out["witness"] = witness.to_json(self.spec)
        elif out["status"] == "holds":
            if both:
                out["status"], out["witness"] = "violated-both", both[0].to_json(self.spec)
            elif base_only:
                out["status"], out["witness"] = "violated-base", base_only[0].to_json(self.spec)
            elif applicable == 0:
                out["status"] = "not-applicable"
        if inv.message:
            out["message"] = inv.message
        if run.out_of_time:
            out["detail"] = "search stopped at its time budget"
        return out
