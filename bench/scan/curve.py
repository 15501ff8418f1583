"""The detection-vs-budget curve of the scan corpus, from ``run.py``'s summaries.

    .venv/bin/python bench/scan/curve.py --out bench/scan/curve.png \\
        bench/scan/out/summary-after-standard-b0.5-realistic.json ...

x: the scan budget (``--budget``, CPU minutes per tree) and, as measured, the mean CPU one
scan of a tree took; y: bugs found at rest (% of the corpus's bugs). Clean-tree defects are
written next to each point (they must be 0).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("summaries", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "curve.png")
    args = ap.parse_args(argv)
    points = []
    tiers = []  # summaries without --budget: the tier's default, at its measured CPU
    for path in args.summaries:
        s = json.loads(path.read_text(encoding="utf-8"))
        cpu_min = s["cpu_s"].get("mean", 0.0) / 60
        found = 100.0 * s["found"] / s["bugs"]
        if s.get("budget") is None:
            tiers.append((s["tier"], cpu_min, found, s["clean_defects"]))
        else:
            points.append((s["budget"], cpu_min, found, s["clean_defects"]))
    points.sort()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    xs = [p[0] for p in points]
    ax.plot(xs, [p[2] for p in points], marker="o", label="found at rest vs --budget")
    ax.plot([p[1] for p in points], [p[2] for p in points], marker="x", linestyle=":",
            label="vs measured mean CPU per scanned tree")  # fmt: skip
    for tier, cpu, found, clean in tiers:
        ax.plot([cpu], [found], marker="s", color="black", linestyle="none")
        ax.annotate(f"--tier {tier}, no --budget: {found:.0f}% (clean: {clean})", (cpu, found),
                    textcoords="offset points", xytext=(4, -12), fontsize=8)  # fmt: skip
    for budget, _cpu, found, clean in points:
        ax.annotate(f"{found:.0f}% (clean: {clean})", (budget, found),
                    textcoords="offset points", xytext=(4, 6), fontsize=8)  # fmt: skip
    ax.set_xscale("log")
    ax.set_ylim(0, 100)
    ax.set_xlabel("CPU minutes per tree (log)")
    ax.set_ylabel("bugs found at rest (%)")
    ax.set_title("deepcheck scan: detection vs budget (bench/realistic, 65 bugs)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
