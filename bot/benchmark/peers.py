"""Peers for ``deepcheck bench --peers``: the same case, the same wall-clock budget, two tools.

Each peer is told the changed function (deepcheck finds it on its own) and runs in the sandbox,
never on the host:

- ``hypothesis``: a ``pytest`` candidate holds the base and head modules side by side and the
  test below, which asks Hypothesis' ghostwriter for the ``--equivalent`` test of
  ``base.f`` and ``head.f`` (what ``hypothesis write --equivalent`` prints), then runs it in
  rounds of fresh seeds until it fails or the budget is spent. A failing ghostwritten test is a
  report; a test Hypothesis cannot run (no strategy for an untyped argument) is ``unsupported``.
- ``crosshair``: the sandbox's ``crosshair`` kind, i.e. CrossHair's ``diffbehavior`` between base
  and head with the budget as its time box. ``different`` means a difference CrossHair found and
  the harness reproduced concretely; ``flaky`` one it reported that did not reproduce (plain
  ``crosshair diffbehavior`` would print both).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.benchmark.corpus import Case
from sandbox.runner import Runner
from sandbox.spec import Limits, SandboxSpec
from sandbox.workspace import Candidate, Workspace

PEERS = ("hypothesis", "crosshair")

GHOSTWRITER_TEST = """
import importlib.util, json, pathlib, sys, time, traceback
import pytest

HERE = pathlib.Path(__file__).parent
CONF = json.loads((HERE / "peer_config.json").read_text())


# The ghostwriter imports black only to format what it writes; the sandbox image has no black,
# so a stand-in that returns the source unchanged (formatting never changes behaviour).
sys.modules.setdefault("black", type(sys)("black"))
sys.modules["black"].Mode = lambda *a, **k: None
sys.modules["black"].format_str = lambda src, mode=None: src


def _load(file, name):
    # Top-level names, as `hypothesis write --equivalent base_mod.f head_mod.f` would see them
    # (the corpus modules import their siblings absolutely, from the checkout).
    spec = importlib.util.spec_from_file_location(name, HERE / file)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _get(mod, qualname):
    obj = mod
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def test_ghostwritten_equivalence():
    from hypothesis import settings, HealthCheck
    from hypothesis.errors import HypothesisException, Unsatisfiable, InvalidArgument
    from hypothesis.extra import ghostwriter

    base = _load("base_mod.py", "base_mod")
    head = _load("head_mod.py", "head_mod")
    settings.register_profile("peer", max_examples=100, deadline=None, database=None,
                              suppress_health_check=list(HealthCheck))
    settings.load_profile("peer")
    try:
        source = ghostwriter.equivalent(
            _get(base, CONF["qualname"]), _get(head, CONF["qualname"]), allow_same_errors=True
        )
        ns = {"__name__": "ghostwritten"}
        exec(compile(source, "ghostwritten.py", "exec"), ns)
    except Exception as exc:
        pytest.fail("PEER:unsupported|ghostwriter: " + type(exc).__name__ + ": " + str(exc)[:300])
    tests = [v for k, v in ns.items() if k.startswith("test_") and callable(v)]
    if not tests or "st.nothing()" in source:
        pytest.fail("PEER:unsupported|no strategy for some argument (st.nothing())")
    deadline = time.monotonic() + CONF["budget_s"]
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        for t in tests:
            try:
                t()
            except (Unsatisfiable, InvalidArgument) as exc:
                pytest.fail("PEER:unsupported|" + type(exc).__name__ + ": " + str(exc)[:300])
            except HypothesisException as exc:
                pytest.fail("PEER:unsupported|" + type(exc).__name__ + ": " + str(exc)[:300])
            except BaseException as exc:
                pytest.fail("PEER:different|round " + str(rounds) + ": " + type(exc).__name__
                            + ": " + str(exc)[:300])
"""


@dataclass
class PeerResult:
    peer: str
    status: str  # different | flaky | equal | unsupported | error | timeout
    reported: bool  # a user of the tool would see a difference reported
    seconds: float
    detail: str = ""


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def _package(module: str) -> str:
    return module.rsplit(".", 1)[0] if "." in module else ""


def candidates(case: Case, base_text: str, head_text: str, budget_s: float) -> list[Candidate]:
    config = {"package": _package(case.module), "qualname": case.function, "budget_s": budget_s}
    hyp = Candidate(
        "peer-hypothesis",
        "pytest",
        files={
            "test_peer_ghostwriter.py": GHOSTWRITER_TEST,
            "peer_config.json": json.dumps(config),
            "base_mod.py": base_text,
            "head_mod.py": head_text,
        },
        sides=("head",),
        timeout_s=budget_s + 30.0,
    )
    ch = Candidate(
        "peer-crosshair",
        "crosshair",
        params={"module": case.module, "qualname": case.function, "deadline_s": budget_s},
        timeout_s=budget_s + 30.0,
    )
    return [hyp, ch]


def interpret(peer: str, result: Any, seconds: float) -> PeerResult:
    """A peer's verdict from its ``CandidateResult`` (None: no answer)."""
    if result is None:
        return PeerResult(peer, "error", False, seconds, "no result")
    if peer == "crosshair":
        status = str(result.data.get("status", "error"))
        outcome = next(iter(result.sides.values()), None)
        if outcome is not None and outcome.status.value == "timeout":
            status = "timeout"
        detail = str(result.data.get("detail", ""))[:300]
        return PeerResult(peer, status, status in ("different", "flaky"), seconds, detail)
    outcome = result.sides.get("head")
    if outcome is None:
        return PeerResult(peer, "error", False, seconds, "no head outcome")
    if outcome.status.value == "passed":
        return PeerResult(peer, "equal", False, seconds)
    if outcome.status.value == "timeout":
        return PeerResult(peer, "timeout", False, seconds, outcome.detail[:300])
    message = " ".join(str(t.get("message", "")) for t in outcome.tests) or outcome.detail
    if "PEER:different|" in message:
        return PeerResult(peer, "different", True, seconds, message.split("|", 1)[1][:300])
    if "PEER:unsupported|" in message:
        return PeerResult(peer, "unsupported", False, seconds, message.split("|", 1)[1][:300])
    return PeerResult(peer, "error", False, seconds, message[:300])


def run_peers(case: Case, repo: Path, runner: Runner, budget_s: float) -> list[dict[str, Any]]:
    """Both peers on a materialized case (``repo``: main~1 base, main head), one at a time."""
    base_dir = repo.parent / "base-tree"
    if base_dir.exists():
        shutil.rmtree(base_dir)
    shutil.copytree(repo, base_dir)
    _git(base_dir, "checkout", "-q", "main~1")
    base_text = (base_dir / case.path).read_text(encoding="utf-8")
    head_text = (repo / case.path).read_text(encoding="utf-8")
    out = []
    for cand in candidates(case, base_text, head_text, budget_s):
        peer = cand.id.removeprefix("peer-")
        ws = Workspace(head=repo, base=base_dir, candidates=(cand,))
        spec = SandboxSpec(
            limits=Limits(candidate_timeout_s=budget_s + 30.0, wall_timeout_s=budget_s + 120.0),
            parallelism=1,
        )
        started = time.monotonic()
        run = runner.run(ws, spec)
        seconds = round(time.monotonic() - started, 3)
        if not run.ok:
            res = PeerResult(peer, "error", False, seconds, str(run.infrastructure_error)[:300])
        else:
            res = interpret(peer, run.candidates.get(cand.id), seconds)
        out.append(asdict(res))
    return out
