"""Cold versus warm dependency environments for one real repository (bench/deps bundles).

    .venv/bin/python bench/env_cache.py                    # py-moneyed, process and docker
    .venv/bin/python bench/env_cache.py --bundle slugify --backend process --runs 3

The bundle's declaration (``bench/deps/sources/<bundle>``) is provisioned exactly as a check
does (``bot.engine.environment.provision``) against a package index on 127.0.0.1 serving
``build/deps-wheels`` (``bench/deps/build.py --fetch`` fills it; the sandbox's own wheels come
from ``build/wheelhouse``). *Cold* is a fresh cache directory: resolve, download, build the
virtualenv (process) or the image layer (Docker). *Warm* is the next check on the same cache:
the same key, nothing resolved, nothing built. Nothing here reaches the network.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine.environment.provision import (  # noqa: E402
    docker_environment,
    process_environment,
)
from bot.engine.repo_config import RepoConfig  # noqa: E402
from sandbox.envs.build import Environments  # noqa: E402
from sandbox.envs.settings import EnvSettings  # noqa: E402
from tests.fakes.pypi import SimpleIndex  # noqa: E402

WHEELS = ROOT / "build" / "deps-wheels"


def measure(bundle: str, backend: str, runs: int) -> dict[str, object]:
    tree = ROOT / "bench" / "deps" / "sources" / bundle
    with (
        tempfile.TemporaryDirectory(prefix="deepcheck-env-bench-") as tmp,
        SimpleIndex(WHEELS) as index,
    ):
        root = Path(tmp) / "envs"
        envs = Environments(root, EnvSettings(), {"PIP_INDEX_URL": index.url})
        config = RepoConfig()
        times: list[float] = []
        location = None
        if backend == "docker":
            from sandbox.docker_runner import DockerEngine
            from sandbox.images import default_image

            with DockerEngine() as engine:
                base = default_image()
                if engine.image_labels(base) is None:
                    raise SystemExit(f"{base} is missing: run 'deepcheck sandbox build' first")
                try:
                    for _ in range(runs):
                        started = time.monotonic()
                        location = docker_environment(
                            config, tree, base_image=base, engine=engine, envs=envs
                        )
                        times.append(time.monotonic() - started)
                finally:
                    if location is not None:
                        engine.remove_image(location)
        else:
            for _ in range(runs):
                started = time.monotonic()
                location = process_environment(config, tree, envs=envs)
                times.append(time.monotonic() - started)
        [entry] = envs.cache.entries()
        requests = len(index.requests)
    return {
        "bundle": bundle,
        "backend": backend,
        "cold_s": round(times[0], 2),
        "warm_s": [round(t, 3) for t in times[1:]],
        "packages": entry.packages,
        "env_mb": round(entry.bytes / 2**20, 1),
        "index_requests": requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", default="moneyed")
    parser.add_argument("--backend", choices=("process", "docker", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3, help="1 cold + (runs-1) warm")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not WHEELS.is_dir():
        raise SystemExit(f"{WHEELS} is missing: run bench/deps/build.py --fetch once")
    backends = ("process", "docker") if args.backend == "both" else (args.backend,)
    rows = [measure(args.bundle, b, max(2, args.runs)) for b in backends]
    print("| bundle | backend | packages | env size | cold | warm | index requests |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        warm = ", ".join(f"{w:.2f} s" for w in r["warm_s"])  # type: ignore[attr-defined]
        packages = ", ".join(r["packages"])  # type: ignore[arg-type]
        print(
            f"| {r['bundle']} | {r['backend']} | {packages} | {r['env_mb']} MB | "
            f"{r['cold_s']:.1f} s | {warm} | {r['index_requests']} |"
        )
    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, python {sys.version.split()[0]}"
    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
