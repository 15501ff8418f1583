"""The detection-against-compute plots of ``deepcheck bench`` (matplotlib, Agg)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.benchmark.runner import CaseResult
from bot.benchmark.summary import summarize
from bot.benchmark.sweep import SweepPoint


def plot(results: Sequence[CaseResult], path: Path) -> Path:
    """Detection against CPU seconds per PR: per tier (share of bugs caught within x CPU
    seconds) and per generator (detection at each tier against that tier's mean CPU)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    tiers = list(dict.fromkeys(r.tier for r in results))
    for tier in tiers:
        bugs = [r for r in results if r.tier == tier and r.kind == "bug"]
        if not bugs:
            continue
        costs = sorted(r.cpu_s for r in bugs)
        xs = [0.0, *costs]
        ys = [0.0] + [
            100.0 * sum(1 for r in bugs if r.caught and r.cpu_s <= x) / len(bugs) for x in costs
        ]
        left.step(xs, ys, where="post", label=f"{tier} (n={len(bugs)})")
    left.set_xlabel("CPU seconds per PR")
    left.set_ylabel("bugs caught with a verified witness (%)")
    left.set_title("Detection within a CPU budget, per tier")
    left.set_ylim(0, 100)
    left.grid(alpha=0.3)
    left.legend(loc="lower right", fontsize=8)
    summary = summarize(results)
    operators = sorted({r.operator for r in results if r.kind == "bug"})
    for op in operators:
        pts = [
            (s["by_operator"][op]["cpu_s_mean"], 100.0 * s["by_operator"][op]["detection"])
            for t, s in summary.items()
            if op in s["by_operator"]
        ]
        if pts:
            pts.sort()
            right.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=op)
    for t, s in summary.items():
        if s["bugs"]:
            right.annotate(t, (s["cpu_s_mean"], 100.0 * s["detection"]), fontsize=8)
            right.scatter([s["cpu_s_mean"]], [100.0 * s["detection"]], color="black", zorder=3)
    right.set_xlabel("mean CPU seconds per PR")
    right.set_ylabel("detection (%)")
    right.set_title("Per generator (mutation operator), one point per tier; black: all")
    right.set_ylim(0, 100)
    right.grid(alpha=0.3)
    right.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_sweep(points: Sequence[SweepPoint], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for tier in dict.fromkeys(p.tier for p in points):
        ps = sorted((p for p in points if p.tier == tier and p.status == "ok"),
                    key=lambda p: p.changed)  # fmt: skip
        left.plot([p.changed for p in ps], [p.seconds for p in ps], marker="o", label=tier)
        right.plot([p.changed for p in ps], [p.analysed for p in ps], marker="o", label=tier)
    left.set_xlabel("functions changed in the PR")
    left.set_ylabel("seconds per PR")
    left.set_title("Cost against PR size")
    right.set_xlabel("functions changed in the PR")
    right.set_ylabel("functions analysed (the rest are listed as not analysed)")
    right.set_title("The tier's cap")
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
