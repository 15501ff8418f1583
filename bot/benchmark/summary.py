"""Per-tier figures from per-case results: detection, false positives, time, CPU, peers."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from bot.benchmark.runner import BLOCKING, CaseResult


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100.0
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _rate(n: int, d: int) -> float:
    return round(n / d, 4) if d else 0.0


def summarize(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Per-tier figures: detection, false positives, fix labels, time and sandbox spend."""
    out: dict[str, Any] = {}
    for tier in dict.fromkeys(r.tier for r in results):
        rs = [r for r in results if r.tier == tier]
        bugs = [r for r in rs if r.kind == "bug"]
        refs = [r for r in rs if r.kind == "refactor"]
        fixes = [r for r in rs if r.kind == "fix"]
        secs = [r.seconds for r in rs]
        ops: dict[str, dict[str, Any]] = {}
        for r in bugs:
            o = ops.setdefault(r.operator, {"bugs": 0, "caught": 0, "cpu_s": []})
            o["bugs"] += 1
            o["caught"] += int(r.caught)
            o["cpu_s"].append(r.cpu_s)
        by_op = {
            op: {
                "bugs": o["bugs"],
                "caught": o["caught"],
                "detection": _rate(o["caught"], o["bugs"]),
                "cpu_s_mean": round(statistics.fmean(o["cpu_s"]), 3),
            }
            for op, o in sorted(ops.items())
        }
        cats: dict[str, list[int]] = {}
        for r in bugs:
            cats.setdefault(r.category, [0, 0])
            cats[r.category][0] += 1
            cats[r.category][1] += int(r.caught)
        out[tier] = {
            "cases": len(rs),
            "bugs": len(bugs),
            "caught": sum(r.caught for r in bugs),
            "detection": _rate(sum(r.caught for r in bugs), len(bugs)),
            "refactors": len(refs),
            "false_positives": sum(r.caught for r in refs),
            "false_positive_rate": _rate(sum(r.caught for r in refs), len(refs)),
            "fixes": len(fixes),
            "fix_labels": {k: sum(1 for r in fixes if r.label == k) for k in (*BLOCKING, "none")},
            "seconds_median": round(percentile(secs, 50), 2),
            "seconds_p90": round(percentile(secs, 90), 2),
            "cpu_s_mean": round(statistics.fmean([r.cpu_s for r in rs]), 2) if rs else 0.0,
            "cpu_s_median": round(percentile([r.cpu_s for r in rs], 50), 2),
            "sandbox_cpu_s_mean": round(statistics.fmean([r.sandbox_cpu_s for r in rs]), 2)
            if rs
            else 0.0,
            # caught only by direct calls of a helper its public callers never reproduced
            "outside_domain_only": sum(r.caught and r.outside_domain for r in rs),
            "functions_analysed": sum(r.analysed for r in rs),
            "functions_unchecked": sum(r.unchecked for r in rs),
            "unchecked_share": _rate(sum(r.unchecked for r in rs), sum(r.analysed for r in rs)),
            "sandbox_runs_mean": round(statistics.fmean([r.sandbox_runs for r in rs]), 2)
            if rs
            else 0.0,
            "examples_mean": round(statistics.fmean([r.examples for r in rs]), 1) if rs else 0.0,
            "timeouts": sum(r.status == "timeout" for r in rs),
            "errors": sum(r.status == "error" for r in rs),
            "by_operator": by_op,
            "by_category": {c: {"bugs": v[0], "caught": v[1]} for c, v in sorted(cats.items())},
        }
    return out


def summarize_peers(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Each peer's detection, false positives and time, and as ratios against deepcheck on the
    same cases (the tier the peers ran with)."""
    with_peers = [r for r in results if r.peers]
    if not with_peers:
        return {}
    tier = with_peers[0].tier
    mine = [r for r in with_peers if r.tier == tier]
    dc = _side_summary([(r.kind, r.caught, r.seconds) for r in mine if r.status == "ok"])
    out: dict[str, Any] = {"tier": tier, "cases": len(mine), "deepcheck": dc}
    names = sorted({p["peer"] for r in mine for p in r.peers})
    for name in names:
        rows = [
            (r.kind, bool(p["reported"]), float(p["seconds"]), str(p["status"]))
            for r in mine
            if r.status == "ok"
            for p in r.peers
            if p["peer"] == name
        ]
        s = _side_summary([(k, c, t) for k, c, t, _st in rows])
        s["statuses"] = {
            st: sum(1 for *_x, x in rows if x == st) for st in sorted({x for *_y, x in rows})
        }
        s["ratios_vs_deepcheck"] = {
            "detection": round(s["detection"] / dc["detection"], 3) if dc["detection"] else None,
            "false_positives": (
                round(s["false_positives"] / dc["false_positives"], 3)
                if dc["false_positives"]
                else None
            ),
            "seconds_median": (
                round(s["seconds_median"] / dc["seconds_median"], 3)
                if dc["seconds_median"]
                else None
            ),
        }
        out[name] = s
    return out


def _side_summary(rows: Sequence[tuple[str, bool, float]]) -> dict[str, Any]:
    bugs = [c for k, c, _t in rows if k == "bug"]
    refs = [c for k, c, _t in rows if k == "refactor"]
    fixes = [c for k, c, _t in rows if k == "fix"]
    secs = [t for _k, _c, t in rows]
    return {
        "bugs": len(bugs),
        "caught": sum(bugs),
        "detection": _rate(sum(bugs), len(bugs)),
        "refactors": len(refs),
        "false_positives": sum(refs),
        "fixes": len(fixes),
        "fixes_reported": sum(fixes),
        "seconds_median": round(percentile(secs, 50), 2),
        "seconds_p90": round(percentile(secs, 90), 2),
    }
