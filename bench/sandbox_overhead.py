"""Overhead of the Docker sandbox versus a plain host subprocess, side by side.

For K = 1, 10, 100 trivial pytest candidates (each on base and head), the same workspace runs
through ``DockerRunner`` and through ``ProcessRunner(use_bwrap=False)`` (the harness as a host
subprocess), interleaved, ``--repeats`` times each. Also: container start → ready p50/p90 over
``--starts`` empty batches. Prints a table and writes JSON to ``bench/out/``.

Goal: ≤ 0.5 s added per batch, ≤ 1.5x at K = 100.

    .venv/bin/python bench/sandbox_overhead.py [--ks 1,10,100] [--repeats 3] [--starts 10]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from sandbox import Candidate, SandboxSpec, Workspace
from sandbox.docker_policy import ContainerRun
from sandbox.docker_runner import DockerRunner
from sandbox.process_runner import ProcessRunner

OUT = Path(__file__).parent / "out"
TEST = "from mod import f\n\n\ndef test_f():\n    assert f(1) == 2\n"


@dataclass(frozen=True)
class Batch:
    k: int
    docker_s: float
    host_s: float
    docker_all_s: list[float]
    host_all_s: list[float]
    docker_phases_s: dict[str, float]

    @property
    def added_s(self) -> float:
        return self.docker_s - self.host_s

    @property
    def ratio(self) -> float:
        return self.docker_s / self.host_s

    def to_json(self) -> dict[str, Any]:
        extra = {"side_runs": 2 * self.k, "added_s": self.added_s, "ratio": self.ratio}
        return {**asdict(self), **extra}


def _phases(runs: list[ContainerRun], totals: list[float]) -> dict[str, float]:
    """Median split of a Docker batch: where the time goes between run() entry and return."""
    med = statistics.median
    return {
        "create": med(r.create_s for r in runs),
        "start": med(r.started_s - r.create_s for r in runs),
        "harness_ready": med(r.ready_s - r.started_s for r in runs),
        "candidates": med(r.finished_s - r.ready_s for r in runs),
        "collect": med(r.wall_s - r.finished_s for r in runs),
        "remove_cleanup": med(t - r.wall_s for r, t in zip(runs, totals, strict=True)),
    }


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _trees(root: Path) -> tuple[Path, Path]:
    trees = []
    for side in ("base", "head"):
        tree = root / side
        tree.mkdir(parents=True)
        (tree / "mod.py").write_text("def f(x):\n    return x + 1\n")
        tree.chmod(0o755)
        (tree / "mod.py").chmod(0o644)
        trees.append(tree)
    return trees[0], trees[1]


def _workspace(base: Path, head: Path, k: int) -> Workspace:
    cands = tuple(Candidate(f"c{n}", "pytest", {"test_f.py": TEST}) for n in range(k))
    return Workspace(head=head, base=base, candidates=cands)


def _timed(runner: DockerRunner | ProcessRunner, ws: Workspace, spec: SandboxSpec) -> float:
    t = time.monotonic()
    result = runner.run(ws, spec)
    wall = time.monotonic() - t
    if not result.ok:
        raise SystemExit(f"{runner.name}: {result.infrastructure_error}")
    bad = [
        (c.id, s, o.status)
        for c in result.candidates.values()
        for s, o in c.sides.items()
        if o.status != "passed"
    ]
    if bad or len(result.candidates) != len(ws.candidates):
        raise SystemExit(f"{runner.name}: unexpected outcomes {bad[:5]}")
    return wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ks", default="1,10,100")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--starts", type=int, default=10)
    ap.add_argument("--parallelism", type=int, default=2)
    args = ap.parse_args(argv)
    ks = [int(k) for k in args.ks.split(",")]
    runs: list[ContainerRun] = []
    docker = DockerRunner(observe=runs.append)
    reason = docker.unavailable_reason()
    if reason:
        print(f"sandbox_overhead: {reason}", file=sys.stderr)
        return 3
    host = ProcessRunner(use_bwrap=False)
    spec = SandboxSpec(parallelism=args.parallelism)
    console = Console()
    doc: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "image": docker.image,
        "parallelism": args.parallelism,
        "repeats": args.repeats,
        "load_before": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory(prefix="deepcheck-bench-") as tmp:
        base, head = _trees(Path(tmp))
        # warm both (page cache, image layers)
        _timed(docker, _workspace(base, head, 1), spec)
        _timed(host, _workspace(base, head, 1), spec)

        # container start → ready, over empty batches
        runs.clear()
        empty = _workspace(base, head, 0)
        empty_docker = [_timed(docker, empty, spec) for _ in range(args.starts)]
        empty_host = [_timed(host, empty, spec) for _ in range(args.starts)]
        started = [r.started_s for r in runs]
        ready = [r.ready_s for r in runs]
        doc["start"] = {
            "starts": args.starts,
            "create_p50_s": _pct([r.create_s for r in runs], 0.5),
            "started_p50_s": _pct(started, 0.5),
            "started_p90_s": _pct(started, 0.9),
            "ready_p50_s": _pct(ready, 0.5),
            "ready_p90_s": _pct(ready, 0.9),
            "empty_batch_docker_p50_s": _pct(empty_docker, 0.5),
            "empty_batch_host_p50_s": _pct(empty_host, 0.5),
        }

        rows: list[Batch] = []
        for k in ks:
            ws = _workspace(base, head, k)
            d_times, h_times = [], []
            runs.clear()
            for _ in range(args.repeats):
                d_times.append(_timed(docker, ws, spec))
                h_times.append(_timed(host, ws, spec))
            batch = Batch(
                k,
                statistics.median(d_times),
                statistics.median(h_times),
                d_times,
                h_times,
                _phases(runs, d_times),
            )
            rows.append(batch)
            phases = ", ".join(f"{n} {v:.3f}" for n, v in batch.docker_phases_s.items())
            console.print(
                f"K={k}: docker {batch.docker_s:.2f} s ({phases}), host {batch.host_s:.2f} s"
            )
        doc["batches"] = [r.to_json() for r in rows]
    docker.close()

    s = doc["start"]
    console.print(
        f"container start (run → StartedAt) p50 {s['started_p50_s']:.3f} s, "
        f"p90 {s['started_p90_s']:.3f} s; → harness ready p50 {s['ready_p50_s']:.3f} s, "
        f"p90 {s['ready_p90_s']:.3f} s (create p50 {s['create_p50_s']:.3f} s)"
    )
    console.print(
        f"empty batch: docker p50 {s['empty_batch_docker_p50_s']:.3f} s, "
        f"host p50 {s['empty_batch_host_p50_s']:.3f} s"
    )
    table = Table(title="Docker sandbox vs host subprocess (median wall per batch)")
    for col in ("K", "side runs", "docker s", "host s", "added s", "docker/host"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(
            str(r.k),
            str(2 * r.k),
            f"{r.docker_s:.2f}",
            f"{r.host_s:.2f}",
            f"{r.added_s:+.2f}",
            f"{r.ratio:.2f}x",
        )
    console.print(table)
    biggest = max(rows, key=lambda r: r.k)
    doc["goal"] = {
        "added_per_batch_le_0_5_s": all(r.added_s <= 0.5 for r in rows),
        "ratio_at_max_k_le_1_5": biggest.ratio <= 1.5,
    }
    doc["load_after"] = os.getloadavg()
    console.print(
        f"goal: {doc['goal']}; load average before {doc['load_before']}, after {doc['load_after']}"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"sandbox_overhead-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(doc, indent=2))
    (OUT / "sandbox_overhead-latest.json").write_text(json.dumps(doc, indent=2))
    console.print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
