"""The differential driver (worker entry ``driver``): trusted, imports no PR code.

It starts one call server per side (``callserver.py``), runs the searches (``search.py``) within
``deadline_s`` and reports one ``differential`` record: the ``data`` answer of docs/protocol.md
plus, per side, whether the module imported and the server's capped log.
"""

from __future__ import annotations

import os
import time
from typing import Any

from hypothesis.errors import HypothesisException

from .callclient import CallClient
from .callspec import CallSpec
from .channel import ReportWriter
from .invariants import Invariant
from .search import Searcher
from .strategies import SpecError

DEFAULT_CALL_TIMEOUT_S = 5.0


def _start_clients(config: dict[str, Any], spec: CallSpec) -> dict[str, CallClient]:
    params = config["params"]
    call_timeout = float(params.get("call_timeout_s") or DEFAULT_CALL_TIMEOUT_S)
    clients: dict[str, CallClient] = {}
    for side, sys_path in config["sys_paths"].items():
        if sys_path is None:
            continue
        server = (config.get("servers") or {}).get(side) or {}
        module = spec.base_module if side == "base" else spec.module
        server_config: dict[str, Any] = {
            "sys_path": sys_path,
            "module": module,
            "qualname": spec.qualname,
            "identity": server.get("identity"),  # the side's uid (Docker)
        }
        if spec.receiver is not None:
            server_config["receiver"] = spec.receiver.class_name
            if spec.receiver.subclasses:
                server_config["receiver_subclasses"] = list(spec.receiver.subclasses)
            if spec.receiver.factories:
                server_config["receiver_factories"] = [n for n, _a in spec.receiver.factories]
            if spec.receiver.steps:
                server_config["receiver_steps"] = [n for n, _a in spec.receiver.steps]
            if spec.receiver.properties:
                server_config["receiver_properties"] = list(spec.receiver.properties)
        watch = (params.get("watch") or {}).get(side)
        if watch:  # the changed lines whose execution this side records
            server_config["watch"] = watch
        scratch = str(server.get("root") or os.path.join(os.getcwd(), side))
        client = CallClient(
            side, server_config, dict(os.environ), scratch, call_timeout, int(config["log_bytes"])
        )
        clients[side] = client
        client.start()
    return clients


def _imports(clients: dict[str, CallClient]) -> dict[str, str | None]:
    return {s: (None if c.ready.get("ready") else c.ready.get("error")) for s, c in clients.items()}


def _after_witness(max_examples: int) -> int:
    """The examples left to each invariant searched once the function has a witness (a base
    and head difference, or an invariant head broke): a fifth, at least 50. Compute goes where
    nothing has been found; a violation found in that fifth is still reported."""
    return min(max_examples, max(50, max_examples // 5))


def differential(
    config: dict[str, Any], clients: dict[str, CallClient], spec: CallSpec, started: float
) -> dict[str, Any]:
    params = config["params"]
    unsupported = [
        f"{s}: {c.ready['unsupported']}" for s, c in clients.items() if c.ready.get("unsupported")
    ]
    if unsupported:
        return {"status": "unsupported", "examples": 0, "detail": "; ".join(unsupported)}
    imports = _imports(clients)
    failed = {s: e for s, e in imports.items() if e}
    data: dict[str, Any] = {"status": "equal", "examples": 0, "detail": "", "imports": imports}
    if failed and len(failed) == len(clients):
        data.update(
            status="error", detail="; ".join(f"{s}: cannot import: {e}" for s, e in failed.items())
        )
        return data
    invariants = [Invariant.from_params(d) for d in params.get("invariants") or []]
    equivalence = bool(params.get("equivalence", True)) and "base" in clients
    searcher = Searcher(
        spec,
        clients,
        int(config["seed"]),
        int(params.get("max_examples", 100)),
        int(params.get("reruns", 3)),
        spec.explicit_examples(params.get("examples")),
    )
    deadline = started + float(params.get("deadline_s", 20))
    searches_left = int(equivalence) + len(invariants)

    def budget() -> float:
        return max(0.0, deadline - time.monotonic()) / max(1, searches_left)

    if equivalence:
        data.update(searcher.equivalence(budget()))
        searches_left -= 1
    else:
        why = "no base side" if "base" not in clients else "equivalence not requested"
        data.update(status="unsupported", detail=f"{why}: only invariants were checked")
    results = []
    witnessed = data.get("status") == "different"
    reduced = _after_witness(searcher.max_examples)
    for inv in invariants:
        if witnessed:  # the function has its witness: the rest only looks for easy violations
            searcher.max_examples = reduced
        results.append(searcher.invariant(inv, budget()))
        witnessed = witnessed or results[-1]["status"] == "violated-head"
        searches_left -= 1
    data["invariants"] = results
    data["coverage"] = {side: sorted(c.hits) for side, c in clients.items() if c.watched}
    notes = [f"{s} cannot import {spec.qualname}: {e}" for s, e in failed.items()]
    if notes:
        data["detail"] = "; ".join([*notes, data["detail"]]).strip("; ")
    return data


def run(config: dict[str, Any], writer: ReportWriter) -> int:
    started = time.monotonic()
    clients: dict[str, CallClient] = {}
    try:
        spec = CallSpec.from_params(config["params"])
        spec.strategy()  # spec errors surface before any server starts
        clients = _start_clients(config, spec)
        data = differential(config, clients, spec, started)
    except (SpecError, HypothesisException, SyntaxError, RecursionError) as exc:
        # RecursionError: a strategy that recursed too deep while drawing (a PR's pattern)
        detail = f"{type(exc).__name__}: {str(exc)[:300]}"
        data = {"status": "error", "examples": 0, "detail": detail}
    finally:
        for client in clients.values():
            client.stop()
    sides = {
        side: {
            "import_error": _imports({side: c})[side],
            "restarts": c.restarts,
            "log": c.log.text(),
            "log_truncated_bytes": c.log.dropped,
        }
        for side, c in clients.items()
    }
    writer.send({"type": "differential", "data": data, "sides": sides})
    return 0
