"""Regenerate and validate ``manifest.json`` for the deps corpus (real PyPI projects whose
changed modules import third-party packages at import time).

    .venv/bin/python bench/deps/build.py --fetch          # once: fill build/deps-wheels/ (network)
    .venv/bin/python bench/deps/build.py                  # build + validate, write manifest.json
    .venv/bin/python bench/deps/build.py --check          # validate, fail if manifest.json differs
    .venv/bin/python bench/deps/build.py --only croniter  # develop: just these bundles/ids, no write

Each bundle ``sources/<bundle>/`` is one pinned PyPI project laid out as its source repository
(build metadata at the root, ``src/`` where upstream has one, licence, README), unmodified.
The witness and refactor calls run in a virtualenv ``build/deps-venv/`` (made once from this
interpreter) holding the projects' dependencies, installed with ``--no-index`` from the local
wheelhouse ``build/deps-wheels/``; ``--fetch`` fills the wheelhouse from the configured index
(``wheelhouse.txt`` pins every wheel). After that nothing here talks to the network.

For every case in ``cases/`` this script

1. checks the bundle's snapshot against ``snapshots.sha256`` (unmodified);
2. copies ``sources/<bundle>`` into a scratch git repository, applies the edit and takes the
   patch with ``git diff`` (so it is byte-exact);
3. copies the bundle again into a *fresh* repository, commits it and ``git apply``-s the
   patch; the result must equal the intended edit;
4. parses base and head with ``ast`` and checks that exactly the named function changed
   (module-level code, class bodies and every other function must be identical);
5. bugs: evaluates the witness call in the changed module's namespace (plus the package's
   top-level name), once against the base tree and once against the head tree (separate
   interpreters of ``build/deps-venv``, the bundle's import root -- ``src/`` or the root --
   first on ``sys.path``; the changed module must be imported from there), and requires the
   outcomes (``ok:<repr>`` or ``raise:<ExceptionType>``) to differ; the call must be fast and
   deterministic (it is evaluated twice per tree and must give the same outcome both times);
   refactors: feeds ``--samples`` seeded random inputs to base and head and requires every
   outcome to be identical: same exception type, or same result type *and* same ``repr``.
   At least half of the calls must return normally.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/, for casekit
import casekit

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
SEED = casekit.SEED
MAX_BUG_SHARE = 0.25  # no package may carry more than this share of the bugs
REPO = HERE.parent.parent
WHEELHOUSE_PINS = HERE / "wheelhouse.txt"
WHEELHOUSE = REPO / "build" / "deps-wheels"
VENV = REPO / "build" / "deps-venv"
VENV_PYTHON = VENV / "bin" / "python"
VENV_STAMP = VENV / ".deps-installed"

# bundle -> pinned release, licence, sha256 of the sdist the snapshot was taken from, and the
# sha256 of the snapshot tree (see casekit.tree_digest) so that --check notices any edit to it.
PACKAGES: dict[str, dict] = {
    "arrow": {"project": "arrow", "version": "1.4.0", "license": "Apache-2.0", "category": "date",
              "layout": "flat", "package": "arrow", "metadata": ["pyproject.toml", "setup.cfg"],
              "build_backend": "flit_core", "dependencies": ["python-dateutil", "tzdata"],
              "sdist": "arrow-1.4.0.tar.gz",
              "sdist_sha256": "ed0cc050e98001b8779e84d461b0098c4ac597e88704a655582b21d116e526d7"},
    "croniter": {"project": "croniter", "version": "7.0.0", "license": "MIT", "category": "date",
                 "layout": "src", "package": "croniter", "metadata": ["pyproject.toml", "uv.lock"],
                 "build_backend": "hatchling", "dependencies": ["python-dateutil"],
                 "sdist": "croniter-7.0.0.tar.gz",
                 "sdist_sha256": "a0b2568303c774f6a4ea2d4ce2e72b1ee911029c7070d64a1befe05cdb107f5a"},
    "hyperlink": {"project": "hyperlink", "version": "21.0.0", "license": "MIT", "category": "other",
                  "layout": "src", "package": "hyperlink", "metadata": ["pyproject.toml", "setup.cfg", "setup.py"],
                  "build_backend": "setuptools", "dependencies": ["idna"],
                  "sdist": "hyperlink-21.0.0.tar.gz",
                  "sdist_sha256": "427af957daa58bc909471c6c40f74c5450fa123dd093fc53efd2e91d2705a56b"},
    "inflect": {"project": "inflect", "version": "7.6.0", "license": "MIT", "category": "other",
                "layout": "flat", "package": "inflect", "metadata": ["pyproject.toml"],
                "build_backend": "setuptools + setuptools_scm (version from git)",
                "dependencies": ["jaraco.functools", "more_itertools", "typeguard"],
                "sdist": "inflect-7.6.0.tar.gz",
                "sdist_sha256": "b46875b50534a7cd5fcfb5a7c971bb93fe68948c43ca53e9833bd1e1a69221bd"},
    "moneyed": {"project": "py-moneyed", "version": "3.0", "license": "BSD-3-Clause", "category": "money",
                "layout": "src", "package": "moneyed", "metadata": ["pyproject.toml", "setup.cfg", "setup.py"],
                "build_backend": "setuptools", "dependencies": ["babel", "typing-extensions"],
                "sdist": "py-moneyed-3.0.tar.gz",
                "sdist_sha256": "4906f0f02cf2b91edba2e156f2d4e9a78f224059ab8c8fa2ff26230c75d894e8"},
    "price_parser": {"project": "price-parser", "version": "0.5.1", "license": "BSD-3-Clause", "category": "money",
                     "layout": "flat", "package": "price_parser", "metadata": ["pyproject.toml"],
                     "build_backend": "hatchling", "dependencies": ["attrs"],
                     "sdist": "price_parser-0.5.1.tar.gz",
                     "sdist_sha256": "6861919270cba24a21c70f30e1444338eb2b03ca2bf2d2ddaaa3287176cfab4c"},
    "slugify": {"project": "python-slugify", "version": "8.0.4", "license": "MIT", "category": "other",
                "layout": "flat", "package": "slugify", "metadata": ["setup.py"],
                "build_backend": "setuptools (setup.py only, no pyproject.toml)",
                "dependencies": ["text-unidecode"],
                "sdist": "python-slugify-8.0.4.tar.gz",
                "sdist_sha256": "59202371d1d05b54a9e7720c5e038f928f45daaffe41dd10822f3907b937c856"},
}  # fmt: skip
TREE_DIGESTS_FILE = HERE / "snapshots.sha256"
HELPERS = casekit.INPUT_HELPERS  # for the refactor generators in cases/


def run_child(job: dict) -> object:
    return casekit.run_child(job, Path(__file__), VENV_PYTHON)


# --------------------------------------------------------------------------- dependencies

PIP_ENV = {k: v for k, v in casekit.RUN_ENV.items() if not k.startswith("PIP_")}
PIP_ENV["PIP_CONFIG_FILE"] = os.devnull  # only the arguments below count, no site/user config


def wheelhouse_pins() -> list[str]:
    """Every ``name==version`` line of ``wheelhouse.txt``, comments stripped."""
    lines = WHEELHOUSE_PINS.read_text(encoding="utf-8").splitlines()
    return [ln.split("#")[0].strip() for ln in lines if ln.split("#")[0].strip()]


def runtime_pins() -> dict[str, str]:
    """The pinned version of every runtime dependency (and their own dependencies)."""
    text_ = WHEELHOUSE_PINS.read_text(encoding="utf-8").split("# Build backends")[0]
    pins = [ln.split("#")[0].strip() for ln in text_.splitlines() if ln.split("#")[0].strip()]
    return dict(p.split("==") for p in pins)


def fetch_wheels() -> None:
    """Fill ``build/deps-wheels`` from the configured index (the one step that needs network)."""
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--only-binary", ":all:", "--python-version",
         "3.11", "-d", str(WHEELHOUSE), "-r", str(WHEELHOUSE_PINS)],
        check=True,
    )  # fmt: skip


def ensure_venv() -> None:
    """``build/deps-venv``: this interpreter's venv + the runtime dependencies, installed
    offline (``--no-index``) from the wheelhouse; rebuilt when ``wheelhouse.txt`` changes."""
    want = hashlib.sha256(WHEELHOUSE_PINS.read_bytes()).hexdigest()
    if VENV_STAMP.exists() and VENV_STAMP.read_text(encoding="utf-8") == want:
        return
    if not WHEELHOUSE.is_dir() or not any(WHEELHOUSE.glob("*.whl")):
        raise SystemExit(
            f"no wheelhouse at {WHEELHOUSE}: run `.venv/bin/python bench/deps/build.py --fetch` "
            "once (downloads the pinned wheels of wheelhouse.txt)"
        )
    if VENV.exists():
        shutil.rmtree(VENV)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, env=PIP_ENV)
    pins = [f"{name}=={version}" for name, version in runtime_pins().items()]
    proc = subprocess.run(
        [str(VENV_PYTHON), "-m", "pip", "install", "--isolated", "--no-index", "--find-links",
         str(WHEELHOUSE), "--only-binary", ":all:", "-q", *pins],
        env=PIP_ENV, capture_output=True, text=True,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"installing the dependencies from {WHEELHOUSE} failed:\n{proc.stderr}")
    VENV_STAMP.write_text(want, encoding="utf-8")


# --------------------------------------------------------------------------- per-case work


def import_root(bundle: str) -> str:
    """The directory (relative to the bundle root) that goes first on ``sys.path``."""
    return "src" if PACKAGES[bundle]["layout"] == "src" else "."


def module_name(bundle: str, path: str) -> str:
    root = import_root(bundle)
    rel = path[len(root) + 1 :] if root != "." else path
    if root != "." and not path.startswith(root + "/"):
        raise ValueError(f"{path} is not under {root}/ of a src-layout bundle")
    module = casekit.module_of(rel)
    if module.split(".")[0] != PACKAGES[bundle]["package"]:
        raise ValueError(f"{path} is not in package {PACKAGES[bundle]['package']!r}")
    return module


def process(case: dict, samples: int, seed: int = SEED) -> dict:
    return casekit.process(
        case,
        samples,
        seed,
        src=SOURCES / case["bundle"],
        module=module_name(case["bundle"], case["path"]),
        root=import_root(case["bundle"]),
        run=run_child,
        tmp_prefix="dbench-",
    )


def bundle_facts() -> dict[str, dict]:
    """What a runner needs to know about each bundle's layout (also in the README)."""
    return {
        b: {
            "project": p["project"],
            "version": p["version"],
            "layout": p["layout"],
            "import_root": import_root(b),
            "package": p["package"],
            "package_dir": f"{import_root(b)}/{p['package']}".lstrip("./"),
            "metadata": p["metadata"],
            "build_backend": p["build_backend"],
            "dependencies": p["dependencies"],
        }
        for b, p in PACKAGES.items()
    }


def main() -> int:
    ap = casekit.arguments(__doc__, samples=1000, jobs=min(2, os.cpu_count() or 2))
    ap.add_argument("--only", nargs="*", help="develop: only these bundles or case ids; no write")
    ap.add_argument(
        "--fetch", action="store_true",
        help=f"download the pinned wheels of wheelhouse.txt into {WHEELHOUSE.relative_to(REPO)}/ "
        "(network) and exit",
    )  # fmt: skip
    args = ap.parse_args()
    if args._child:
        casekit.child(json.loads(args._child), HELPERS, check_origin=True)
        return 0
    if args.fetch:
        fetch_wheels()
        return 0

    ensure_venv()
    return casekit.build_packages(
        args,
        here=HERE,
        packages=PACKAGES,
        digests_file=TREE_DIGESTS_FILE,
        prefix="d",
        origin="deps",
        max_bug_share=MAX_BUG_SHARE,
        work=lambda case: process(case, args.samples, args.seed),
        manifest_extra={
            "dependency_pins": runtime_pins(),
            "wheelhouse": f"{WHEELHOUSE.relative_to(REPO)}/ (filled by bench/deps/build.py --fetch)",
            "bundles": bundle_facts(),
        },
        stats_extra={"dependency_pins": runtime_pins()},
    )


if __name__ == "__main__":
    sys.exit(main())
