"""Aggregation math, subset selection and the plot."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.benchmark.corpus import Case, select_cases
from bot.benchmark.output import write_results
from bot.benchmark.plot import plot
from bot.benchmark.runner import CaseResult
from bot.benchmark.summary import percentile, summarize


def _r(kind: str, caught: bool, *, tier: str = "standard", op: str = "boundary",
       seconds: float = 1.0, cpu: float = 1.0, label: str = "none", status: str = "ok",
       runs: int = 2, examples: int = 100, category: str = "money") -> CaseResult:  # fmt: skip
    return CaseResult(
        id=f"{kind}-{op}-{seconds}", kind=kind, operator=op, module="m", category=category,
        function="f", tier=tier, status=status, caught=caught, label=label, seconds=seconds,
        cpu_s=cpu, sandbox_runs=runs, examples=examples,
    )  # fmt: skip


def test_percentile_interpolates() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([3.0], 90) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(11))), 90) == pytest.approx(9.0)
    assert percentile([10.0, 0.0], 100) == 10.0


def test_summary_counts_detection_false_positives_and_fix_labels() -> None:
    results = [
        _r("bug", True, op="boundary", seconds=1, cpu=2),
        _r("bug", False, op="boundary", seconds=2, cpu=4),
        _r("bug", True, op="off-by-one", seconds=3, cpu=6, category="date"),
        _r("bug", False, op="off-by-one", seconds=4, cpu=8, status="timeout"),
        _r("refactor", True, op="rename-locals", seconds=5),
        _r("refactor", False, op="invert-branch", seconds=6),
        _r("fix", True, label="behavior-change", seconds=7),
        _r("fix", True, label="defect", seconds=8),
        _r("fix", False, seconds=9),
        _r("bug", True, tier="quick"),
    ]
    s = summarize(results)
    assert list(s) == ["standard", "quick"]
    std = s["standard"]
    assert (std["bugs"], std["caught"], std["detection"]) == (4, 2, 0.5)
    assert (std["refactors"], std["false_positives"], std["false_positive_rate"]) == (2, 1, 0.5)
    assert std["fix_labels"] == {"defect": 1, "behavior-change": 1, "none": 1}
    assert std["seconds_median"] == 5.0
    assert std["seconds_p90"] == pytest.approx(8.2)
    assert std["timeouts"] == 1 and std["errors"] == 0
    assert std["by_operator"]["boundary"] == {
        "bugs": 2, "caught": 1, "detection": 0.5, "cpu_s_mean": 3.0
    }  # fmt: skip
    assert std["by_category"] == {"date": {"bugs": 1, "caught": 1},
                                  "money": {"bugs": 3, "caught": 1}}  # fmt: skip
    assert std["sandbox_runs_mean"] == 2.0 and std["examples_mean"] == 100.0
    assert s["quick"]["detection"] == 1.0


def _case(kind: str, module: str, n: int) -> Case:
    return Case(id=f"{kind}-{module}-{n}", kind=kind, module=module, path="p.py", bundle="b",
                function="f", category="money", operator="boundary", title="t",
                description="d", patch="--- a/p.py\n")  # fmt: skip


def test_subset_is_stratified_and_deterministic() -> None:
    cases = [_case(k, m, n) for k in ("bug", "refactor", "fix") for m in "abc" for n in range(10)]
    one = select_cases(cases, 20, seed=1)
    assert one == select_cases(cases, 20, seed=1)
    assert len(one) == 20
    kinds = [c.kind for c in one]
    assert (kinds.count("bug"), kinds.count("refactor"), kinds.count("fix")) == (10, 6, 4)
    assert {c.module for c in one if c.kind == "bug"} == {"a", "b", "c"}
    assert select_cases(cases, None) == cases


def test_plot_and_json(tmp_path: Path) -> None:
    results = [_r("bug", True, tier=t, cpu=c) for t, c in (("quick", 1), ("standard", 3))]
    results += [_r("bug", False, tier="standard", op="off-by-one", cpu=2)]
    png = plot(results, tmp_path / "p.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    js, png2 = write_results(tmp_path / "out", results, config={"tiers": ["quick"]})
    assert js.exists() and png2.exists()


def test_peer_summary_ratios_against_deepcheck() -> None:
    from bot.benchmark.summary import summarize_peers

    def with_peers(kind: str, caught: bool, seconds: float, hyp: bool, ch: bool) -> CaseResult:
        r = _r(kind, caught, seconds=seconds)
        r.peers = [
            {"peer": "hypothesis", "status": "different" if hyp else "equal", "reported": hyp,
             "seconds": seconds * 2, "detail": ""},
            {"peer": "crosshair", "status": "different" if ch else "unsupported",
             "reported": ch, "seconds": seconds * 4, "detail": ""},
        ]  # fmt: skip
        return r

    results = [
        with_peers("bug", True, 1.0, True, False),
        with_peers("bug", True, 3.0, False, False),
        with_peers("refactor", False, 2.0, True, False),
    ]
    s = summarize_peers(results)
    assert s["deepcheck"]["detection"] == 1.0 and s["deepcheck"]["seconds_median"] == 2.0
    assert s["hypothesis"]["detection"] == 0.5
    assert s["hypothesis"]["false_positives"] == 1
    assert s["hypothesis"]["ratios_vs_deepcheck"] == {
        "detection": 0.5, "false_positives": None, "seconds_median": 2.0
    }  # fmt: skip
    assert s["crosshair"]["statuses"] == {"unsupported": 3}
    assert s["crosshair"]["ratios_vs_deepcheck"]["detection"] == 0.0
    assert summarize_peers([_r("bug", True)]) == {}


def test_peer_verdicts_from_sandbox_results() -> None:
    from bot.benchmark.peers import interpret
    from sandbox.results import CandidateResult, Outcome, Status

    def pytest_result(status: Status, message: str) -> CandidateResult:
        tests = ({"nodeid": "t", "outcome": status.value, "message": message},)
        return CandidateResult("peer-hypothesis", "pytest", {"head": Outcome(status, tests=tests)})

    got = interpret("hypothesis", pytest_result(Status.FAILED, "Failed: PEER:different|x"), 1.0)
    assert (got.status, got.reported) == ("different", True)
    got = interpret("hypothesis", pytest_result(Status.FAILED, "PEER:unsupported|st.nothing"), 1.0)
    assert (got.status, got.reported) == ("unsupported", False)
    assert interpret("hypothesis", pytest_result(Status.PASSED, ""), 1.0).status == "equal"
    ch = CandidateResult("peer-crosshair", "crosshair", {}, data={"status": "flaky"})
    assert interpret("crosshair", ch, 2.0).reported is True
    assert interpret("crosshair", None, 2.0).status == "error"


def test_sweep_changes_exactly_n_functions() -> None:
    import ast

    from bot.benchmark.sweep import SWEEP_FUNCTIONS, sweep_sources

    for n in (1, 5, 20, 50):
        base, head = sweep_sources(n)
        b = {f.name: ast.dump(f) for f in ast.parse(base).body if isinstance(f, ast.FunctionDef)}
        h = {f.name: ast.dump(f) for f in ast.parse(head).body if isinstance(f, ast.FunctionDef)}
        assert len(b) == len(h) == SWEEP_FUNCTIONS
        assert sum(b[k] != h[k] for k in b) == n
