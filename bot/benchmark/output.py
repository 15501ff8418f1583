"""What ``deepcheck bench`` leaves: ``bench.json`` (config, machine, summary, cases) and a plot."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot.benchmark.plot import plot
from bot.benchmark.runner import CaseResult, machine
from bot.benchmark.summary import summarize, summarize_peers


def write_results(
    out_dir: Path,
    results: Sequence[CaseResult],
    *,
    config: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
) -> tuple[Path, Path]:
    """``bench.json`` (config, machine, summary, per-case results) and ``bench.png``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "version": 1,
        "config": dict(config),
        "machine": machine(),
        "summary": summarize(results),
        "peers": summarize_peers(results),
        "results": [asdict(r) for r in results],
        **(extra or {}),
    }
    js = out_dir / "bench.json"
    js.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    png = plot(results, out_dir / "bench.png")
    return js, png
