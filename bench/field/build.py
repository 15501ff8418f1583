"""Regenerate and validate ``manifest.json`` for the field corpus (real PyPI code).

    .venv/bin/python bench/field/build.py                # build + validate, write manifest.json
    .venv/bin/python bench/field/build.py --check        # validate, fail if manifest.json differs
    .venv/bin/python bench/field/build.py --only tomli   # develop: just these bundles/ids, no write

Each bundle ``sources/<bundle>/`` holds one pinned PyPI package, unmodified, with its licence.
For every case in ``cases/`` this script

1. checks the bundle's snapshot against the digest recorded in ``PACKAGES`` (unmodified);
2. copies ``sources/<bundle>`` into a scratch git repository, applies the edit and takes the
   patch with ``git diff`` (so it is byte-exact);
3. copies the bundle again into a *fresh* repository, commits it and ``git apply``-s the
   patch; the result must equal the intended edit;
4. parses base and head with ``ast`` and checks that exactly the named function changed
   (module-level code, class bodies and every other function must be identical);
5. bugs: evaluates the witness call in the changed module's namespace (plus the package's
   top-level name), once against the base tree and once against the head tree (separate
   interpreters, bundle root first on ``sys.path``), and requires the outcomes (``ok:<repr>``
   or ``raise:<ExceptionType>``) to differ; the call must be fast and deterministic (it is
   evaluated twice per tree and must give the same outcome both times);
   refactors: feeds ``--samples`` seeded random inputs to base and head and requires every
   outcome to be identical: same exception type, or same result type *and* same ``repr``.
   At least half of the calls must return normally.

Only the standard library is used; nothing here talks to the network.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/, for casekit
import casekit

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
SEED = casekit.SEED
MAX_BUG_SHARE = 0.15  # no package may carry more than this share of the bugs

# bundle -> pinned release, licence, sha256 of the sdist the snapshot was taken from, and the
# sha256 of the snapshot tree (see casekit.tree_digest) so that --check notices any edit to it.
PACKAGES: dict[str, dict[str, str]] = {
    "bitmath": {"version": "2.1.1", "license": "MIT", "category": "money",
                "sdist_sha256": "56f2cda86b1f0aa6470f4aaa90f82ef029f0e16c31b66f0fdd9d67613bc5e9f0"},
    "cachetools": {"version": "8.0.0", "license": "MIT", "category": "other",
                   "sdist_sha256": "5ed01bd676800d51f0025605e4fd8ad0891550513e7b0a4c3da478463764e5c3"},
    "inflection": {"version": "0.5.1", "license": "MIT", "category": "other",
                   "sdist_sha256": "1a29730d366e996aaacffb2f1f1cb9593dc38e2ddd30c91250c6dde09ea9b417"},
    "iso8601": {"version": "2.1.0", "license": "MIT", "category": "date",
                "sdist_sha256": "6b1d3829ee8921c4301998c909f7829fa9ed3cbdac0d3b16af2d743aed1ba8df"},
    "isodate": {"version": "0.7.2", "license": "BSD-3-Clause", "category": "date",
                "sdist_sha256": "4cd1aa0f43ca76f4a6c6c0292a85f40b35ec2e43e315b59f06e6d32171a953e6"},
    "jmespath": {"version": "1.1.0", "license": "MIT", "category": "other",
                 "sdist_sha256": "472c87d80f36026ae83c6ddd0f1d05d4e510134ed462851fd5f754c8c3cbb88d"},
    "natsort": {"version": "8.4.0", "license": "MIT", "category": "other",
                "sdist_sha256": "45312c4a0e5507593da193dedd04abb1469253b601ecaf63445ad80f0a1ea581"},
    "pytimeparse": {"version": "1.1.10", "license": "MIT", "category": "date",
                    "sdist_sha256": "ecf0ee613a72cb0b1d3d5404bd398a64266576fc36ccf3149178af6f2ec6f736"},
    "rfc3986": {"version": "2.0.0", "license": "Apache-2.0", "category": "other",
                "sdist_sha256": "97aacf9dbd4bfd829baad6e6309fa6573aaf1be3f6fa735c8ab05e46cecb261c"},
    "semver": {"version": "3.1.1", "license": "BSD-3-Clause", "category": "other",
               "sdist_sha256": "149b26cabada6f63212f97e94505d21578cb1d280cf714827f328d5e70765fea"},
    "sqlparse": {"version": "0.6.1", "license": "BSD-3-Clause", "category": "other",
                 "sdist_sha256": "ca722573f848ff2d30e40ea30f53a104b7dea7635ea9285891263eb2c58fb6e7"},
    "tabulate": {"version": "0.10.0", "license": "MIT", "category": "money",
                 "sdist_sha256": "e2cfde8f79420f6deeffdeda9aaec3b6bc5abce947655d17ac662b126e48a60d"},
    "tomli": {"version": "2.5.0", "license": "MIT", "category": "other",
              "sdist_sha256": "264507556cd8b8c8e7c6ee037cdf443a463f03f4c958e57195e3d369711b8ff6"},
    "webcolors": {"version": "25.10.0", "license": "BSD-3-Clause", "category": "other",
                  "sdist_sha256": "62abae86504f66d0f6364c2a8520de4a0c47b80c03fc3a5f1815fedbef7c19bf"},
}  # fmt: skip
TREE_DIGESTS_FILE = HERE / "snapshots.sha256"


# --------------------------------------------------------------------------- input helpers
# (used by the refactor generators in cases/ besides casekit.INPUT_HELPERS; they run inside
# the child interpreter)


def cache_ops(r: random.Random, cache, n: int = 12) -> tuple:
    """Apply ``n`` random mapping operations to ``cache``; every outcome plus the final state."""
    out = []
    for _ in range(n):
        op = r.choice(["get", "set", "set", "setdefault", "pop", "getitem", "del", "popitem",
                       "update", "contains", "len"])  # fmt: skip
        k, v = r.choice("abcdef"), "x" * r.randint(0, 4)
        try:
            if op == "get":
                res = cache.get(k, "-")
            elif op == "set":
                cache[k] = v
                res = None
            elif op == "setdefault":
                res = cache.setdefault(k, v)
            elif op == "pop":
                res = cache.pop(k, "-")
            elif op == "getitem":
                res = cache[k]
            elif op == "del":
                del cache[k]
                res = None
            elif op == "popitem":
                res = cache.popitem()
            elif op == "update":
                cache.update({k: v, r.choice("abcdef"): v + "y"})
                res = None
            elif op == "contains":
                res = k in cache
            else:
                res = len(cache)
            out.append((op, k, res))
        except Exception as exc:
            out.append((op, k, type(exc).__name__))
    return out, sorted(cache.items()), cache.currsize


HELPERS = {**casekit.INPUT_HELPERS, "cache_ops": cache_ops}


# --------------------------------------------------------------------------- per-case work


def run_child(job: dict) -> object:
    return casekit.run_child(job, Path(__file__))


def process(case: dict, samples: int, seed: int = SEED) -> dict:
    return casekit.process(
        case,
        samples,
        seed,
        src=SOURCES / case["bundle"],
        module=casekit.module_of(case["path"]),
        root=".",
        run=run_child,
        tmp_prefix="fbench-",
    )


def main() -> int:
    ap = casekit.arguments(__doc__, samples=1000, jobs=min(2, os.cpu_count() or 2))
    ap.add_argument("--only", nargs="*", help="develop: only these bundles or case ids; no write")
    args = ap.parse_args()
    if args._child:
        casekit.child(json.loads(args._child), HELPERS)
        return 0
    return casekit.build_packages(
        args,
        here=HERE,
        packages=PACKAGES,
        digests_file=TREE_DIGESTS_FILE,
        prefix="f",
        origin="field",
        max_bug_share=MAX_BUG_SHARE,
        work=lambda case: process(case, args.samples, args.seed),
    )


if __name__ == "__main__":
    sys.exit(main())
