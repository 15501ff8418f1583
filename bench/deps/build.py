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

import argparse
import ast
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
MANIFEST = HERE / "manifest.json"
STATS = HERE / "stats.json"
SEED = 0
CALL_SECONDS = 2.0
WITNESS_SECONDS = 0.1  # a witness call must finish within this on base and on head
MAX_BUG_SHARE = 0.25  # no package may carry more than this share of the bugs
REPO = HERE.parent.parent
WHEELHOUSE_PINS = HERE / "wheelhouse.txt"
WHEELHOUSE = REPO / "build" / "deps-wheels"
VENV = REPO / "build" / "deps-venv"
VENV_PYTHON = VENV / "bin" / "python"
VENV_STAMP = VENV / ".deps-installed"

# bundle -> pinned release, licence, sha256 of the sdist the snapshot was taken from, and the
# sha256 of the snapshot tree (see tree_digest) so that --check notices any edit to it.
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

GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
}
RUN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
RUN_ENV.update({"PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"})
IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc")


# --------------------------------------------------------------------------- input helpers
# (used by the refactor generators in cases/; they run inside the child interpreter)

ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
PUNCT = " _-.,:;/#%?&=+*'\"()[]{}<>@!$\\|`~^\t\n"


def pick(r: random.Random, seq):
    """One element of ``seq``."""
    return r.choice(list(seq))


def text(r: random.Random, alphabet: str = ASCII + PUNCT, lo: int = 0, hi: int = 12) -> str:
    """A random string of ``lo``..``hi`` characters from ``alphabet``."""
    return "".join(r.choice(alphabet) for _ in range(r.randint(lo, hi)))


def mix(r: random.Random, edge, fresh, p: float = 0.4):
    """An edge value from ``edge`` with probability ``p``, else ``fresh(r)``."""
    return r.choice(list(edge)) if r.random() < p else fresh(r)


def words(r: random.Random, vocab, lo: int = 1, hi: int = 4, sep: str = " ") -> str:
    """``lo``..``hi`` items of ``vocab`` joined by ``sep``."""
    return sep.join(r.choice(list(vocab)) for _ in range(r.randint(lo, hi)))


def num(r: random.Random):
    """A number: int or float over many magnitudes, some negative, some edge values."""
    x = r.random()
    if x < 0.2:
        return r.choice([0, 1, -1, 0.5, 1.5, 2.5, -0.5, 1e-7, 1e21, 999, 1000, 1023, 1024, 1e6,
                         123456789, 0.1, 3.14159, 10**12, -1e-3])  # fmt: skip
    if x < 0.6:
        return r.randint(-(10 ** r.randint(0, 9)), 10 ** r.randint(0, 9))
    return round(r.uniform(-1, 1) * 10 ** r.randint(-3, 8), r.randint(0, 6))


HELPERS = {"pick": pick, "text": text, "mix": mix, "words": words, "num": num,
           "ASCII": ASCII, "PUNCT": PUNCT}  # fmt: skip


# --------------------------------------------------------------------------- child mode


class _Hang(Exception):
    pass


def _alarm(_sig, _frame):
    raise _Hang()


def _outcome(thunk, typed: bool) -> str:
    signal.setitimer(signal.ITIMER_REAL, CALL_SECONDS)
    try:
        value = thunk()
    except _Hang:
        return "hang"
    except Exception as exc:
        return f"raise:{type(exc).__name__}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if typed:
        return f"ok:{type(value).__module__}.{type(value).__qualname__}:{value!r}"
    return f"ok:{value!r}"


def child(job: dict) -> None:
    import importlib
    import warnings

    warnings.simplefilter("ignore")
    sys.path.insert(0, job["root"])
    signal.signal(signal.SIGALRM, _alarm)
    mod = importlib.import_module(job["module"])
    if not str(Path(mod.__file__ or "").resolve()).startswith(str(Path(job["root"]).resolve())):
        raise SystemExit(f"{job['module']} was imported from {mod.__file__}, not {job['root']}")
    top = job["module"].split(".")[0]
    if job["mode"] == "witness":
        ns = dict(vars(mod))
        ns.setdefault(top, importlib.import_module(top))
        outs, secs = [], []
        for _ in range(2):  # twice: deterministic, and the second time without import costs
            t0 = time.perf_counter()
            outs.append(_outcome(lambda: eval(job["call"], ns), typed=False))
            secs.append(time.perf_counter() - t0)
        out: object = {"outcome": outs[0] if outs[0] == outs[1] else "nondeterministic",
                       "seconds": min(secs)}  # fmt: skip
    else:
        gen = eval(job["gen"], dict(HELPERS))
        rng = random.Random(job["seed"])
        out = [_outcome(lambda: gen(rng, mod), typed=True) for _ in range(job["samples"])]
    json.dump(out, sys.stdout)


def run_child(job: dict) -> object:
    proc = subprocess.run(
        [str(VENV_PYTHON), "-I", str(Path(__file__).resolve()), "--_child", json.dumps(job)],
        capture_output=True,
        text=True,
        env=RUN_ENV,
        cwd=job["root"],
        timeout=900,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"child failed for {job['module']}: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


# --------------------------------------------------------------------------- dependencies

PIP_ENV = {k: v for k, v in RUN_ENV.items() if not k.startswith("PIP_")}
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


# --------------------------------------------------------------------------- snapshots


def tree_digest(bundle: str) -> str:
    """sha256 over the sorted (relative path, sha256 of content) pairs of a bundle."""
    h = hashlib.sha256()
    root = SOURCES / bundle
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            rel = p.relative_to(root).as_posix()
            h.update(f"{rel}\0{hashlib.sha256(p.read_bytes()).hexdigest()}\n".encode())
    return h.hexdigest()


def check_snapshots(record: bool) -> None:
    bundles = sorted(p.name for p in SOURCES.iterdir() if p.is_dir())
    if bundles != sorted(PACKAGES):
        raise SystemExit(f"sources/ has {bundles}, PACKAGES lists {sorted(PACKAGES)}")
    digests = {b: tree_digest(b) for b in bundles}
    text_ = "".join(f"{d}  {b}\n" for b, d in digests.items())
    if record and not TREE_DIGESTS_FILE.exists():
        TREE_DIGESTS_FILE.write_text(text_, encoding="utf-8")
    if TREE_DIGESTS_FILE.read_text(encoding="utf-8") != text_:
        raise SystemExit(
            "a snapshot under sources/ differs from snapshots.sha256: the snapshots must stay "
            "as released (delete snapshots.sha256 and rebuild only after a deliberate re-pin)"
        )


# --------------------------------------------------------------------------- git helpers


def git(repo: Path, *args: str, input: str | None = None) -> str:
    proc = subprocess.run(
        ["git", "-c", "core.autocrlf=false", *args],
        cwd=repo,
        env=GIT_ENV,
        capture_output=True,
        text=True,
        input=input,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def fresh_repo(bundle: str, dest: Path) -> Path:
    shutil.copytree(SOURCES / bundle, dest, ignore=IGNORE)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "base")
    return dest


def make_patch(case: dict, work: Path) -> tuple[str, str, str]:
    """Return (patch, base_text, head_text) for a case."""
    repo = fresh_repo(case["bundle"], work / "gen")
    target = repo / case["path"]
    base_text = target.read_text(encoding="utf-8")
    hits = base_text.count(case["old"])
    if hits != 1:
        raise ValueError(f"`old` occurs {hits} times in {case['path']}")
    head_text = base_text.replace(case["old"], case["new"])
    target.write_text(head_text, encoding="utf-8")
    patch = git(repo, "diff", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/")
    changed = git(repo, "diff", "--name-only").split()
    if changed != [case["path"]]:
        raise ValueError(f"unexpected changed files {changed}")
    return patch, base_text, head_text


# --------------------------------------------------------------------------- ast helpers


def unit_dumps(src: str) -> dict[str, str]:
    """Map qualified function names (and the non-function remainder) to an AST dump."""
    tree = ast.parse(src)
    units: dict[str, str] = {}
    rest: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            units[node.name] = ast.dump(node)
        elif isinstance(node, ast.ClassDef):
            shell: list[str] = [
                ast.dump(b) for b in node.bases + node.decorator_list + node.keywords
            ]
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    key = f"{node.name}.{sub.name}"
                    # property setters/deleters share the getter's name
                    while key in units:
                        key += "'"
                    units[key] = ast.dump(sub)
                else:
                    shell.append(ast.dump(sub))
            units[f"{node.name}.<class>"] = repr(shell)
        else:
            rest.append(ast.dump(node))
    units["<module>"] = repr(rest)
    return units


def changed_units(base: str, head: str) -> set[str]:
    a, b = unit_dumps(base), unit_dumps(head)
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}


def is_private(function: str, path: str = "") -> bool:
    """A private helper: an ``_name`` function/method, or anything in an ``_module.py``."""
    parts = [*function.split("."), Path(path).stem] if path else function.split(".")
    return any(p.startswith("_") and not p.endswith("__") for p in parts)


# --------------------------------------------------------------------------- per-case work


def import_root(bundle: str) -> str:
    """The directory (relative to the bundle root) that goes first on ``sys.path``."""
    return "src" if PACKAGES[bundle]["layout"] == "src" else "."


def module_name(bundle: str, path: str) -> str:
    root = import_root(bundle)
    rel = path[len(root) + 1 :] if root != "." else path
    if root != "." and not path.startswith(root + "/"):
        raise ValueError(f"{path} is not under {root}/ of a src-layout bundle")
    module = rel[:-3].replace("/", ".")
    if module.endswith(".__init__"):
        module = module[: -len(".__init__")]
    if module.split(".")[0] != PACKAGES[bundle]["package"]:
        raise ValueError(f"{path} is not in package {PACKAGES[bundle]['package']!r}")
    return module


def process(case: dict, samples: int, seed: int = SEED) -> dict:
    module = module_name(case["bundle"], case["path"])
    root = import_root(case["bundle"])
    with tempfile.TemporaryDirectory(prefix="dbench-") as tmp:
        work = Path(tmp)
        patch, base_text, head_text = make_patch(case, work)

        base_repo = fresh_repo(case["bundle"], work / "base")
        head_repo = fresh_repo(case["bundle"], work / "head")
        git(head_repo, "apply", "--check", "-", input=patch)
        git(head_repo, "apply", "-", input=patch)
        if (head_repo / case["path"]).read_text(encoding="utf-8") != head_text:
            raise ValueError("applied patch does not reproduce the edit")

        changed = changed_units(base_text, head_text)
        if changed != {case["function"]}:
            raise ValueError(f"changed units {sorted(changed)} != {case['function']!r}")

        result: dict = {"patch": patch, "module": module}
        if case["kind"] == "bug":
            job = {"mode": "witness", "module": module, "call": case["call"]}
            b = run_child({**job, "root": str(base_repo / root)})
            h = run_child({**job, "root": str(head_repo / root)})
            bo, ho = b["outcome"], h["outcome"]
            if bo == ho or {"hang", "nondeterministic"} & {bo, ho}:
                raise ValueError(f"witness does not tell base and head apart ({bo} / {ho})")
            slow = max(b["seconds"], h["seconds"])
            if slow > WITNESS_SECONDS:
                raise ValueError(f"witness call too slow ({slow:.3f} s)")
            result["witness"] = {"call": case["call"], "base": bo, "head": ho}
            result["witness_seconds"] = slow
        else:
            job = {
                "mode": "equiv",
                "module": module,
                "gen": case["gen"],
                "seed": seed,
                "samples": samples,
            }
            b = run_child({**job, "root": str(base_repo / root)})
            h = run_child({**job, "root": str(head_repo / root)})
            diffs = [(x, y) for x, y in zip(b, h, strict=False) if x != y]
            if diffs or len(b) != len(h):
                shown = [(x[:300], y[:300]) for x, y in diffs[:2]]
                raise ValueError(f"refactor not equivalent ({len(diffs)} differ), e.g. {shown}")
            ok = sum(x.startswith("ok:") for x in b)
            distinct = len(set(b))
            if ok < len(b) / 2 or "hang" in b:
                raise ValueError(f"only {ok}/{len(b)} generated calls returned normally")
            result["equiv"] = {"samples": len(b), "ok": ok, "distinct_outcomes": distinct}
    return result


def assign_ids(cases: list[dict]) -> None:
    n = {"bug": 0, "refactor": 0}
    for case in cases:
        n[case["kind"]] += 1
        prefix = "dbug" if case["kind"] == "bug" else "dref"
        case["id"] = f"{prefix}-{n[case['kind']]}"


def manifest_entry(case: dict, res: dict) -> dict:
    return {
        "id": case["id"],
        "kind": case["kind"],
        "module": res["module"],
        "path": case["path"],
        "bundle": case["bundle"],
        "function": case["function"],
        "category": case["category"],
        "origin": "deps",
        "operator": case["operator"],
        "change": case["change"],
        "witness": res.get("witness"),
        "title": case["title"],
        "description": case["description"],
        "base_patch": None,
        "patch": res["patch"],
    }


def corpus_checks(cases: list[dict]) -> list[str]:
    problems = []
    bugs = [c for c in cases if c["kind"] == "bug"]
    per: dict[str, int] = {}
    for c in bugs:
        per[c["bundle"]] = per.get(c["bundle"], 0) + 1
    for b, n in sorted(per.items()):
        if n > MAX_BUG_SHARE * len(bugs):
            problems.append(f"{b} has {n} of {len(bugs)} bugs (> {MAX_BUG_SHARE:.0%})")
    seen: set[tuple[str, str, str]] = set()
    for c in cases:
        key = (c["bundle"], c["path"], c["old"] + "\0" + c["new"])
        if key in seen:
            problems.append(f"duplicate edit in {c['bundle']}/{c['path']}:{c['function']}")
        seen.add(key)
        if c["bundle"] not in PACKAGES:
            problems.append(f"unknown bundle {c['bundle']}")
    return problems


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


def build_stats(cases: list[dict], results: dict[str, dict]) -> dict:
    stats: dict = {
        "cases": len(cases),
        "packages": {
            b: {k: v for k, v in p.items() if k != "category"} for b, p in PACKAGES.items()
        },
        "dependency_pins": runtime_pins(),
        "by_kind": {},
        "by_package": {},
        "by_category": {},
        "by_operator": {},
        "by_module": {},
    }
    for c in cases:
        for key, val in (
            ("by_kind", c["kind"]),
            ("by_package", f"{c['bundle']}/{c['kind']}"),
            ("by_category", f"{c['kind']}/{c['category']}"),
            ("by_operator", f"{c['kind']}/{c['operator']}"),
            ("by_module", results[c["id"]]["module"]),
        ):
            stats[key][val] = stats[key].get(val, 0) + 1
    for key in ("by_package", "by_category", "by_operator", "by_module"):
        stats[key] = dict(sorted(stats[key].items()))
    bugs = [c for c in cases if c["kind"] == "bug"]
    private = [c["id"] for c in bugs if is_private(c["function"], c["path"])]
    awkward = [c["id"] for c in bugs if c.get("awkward")]
    stats["bugs_in_private_helpers"] = len(private)
    stats["bugs_with_awkward_arguments"] = len(awkward)
    stats["bugs_private_or_awkward"] = len(set(private) | set(awkward))
    stats["max_witness_seconds"] = round(
        max((results[c["id"]]["witness_seconds"] for c in bugs), default=0.0), 4
    )
    stats["refactor_samples"] = {
        c["id"]: results[c["id"]]["equiv"] for c in cases if c["kind"] == "refactor"
    }
    return stats


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--check", action="store_true", help="validate only; fail if manifest.json would change"
    )
    ap.add_argument(
        "--samples", type=int, default=1000, help="random inputs per refactor (default 1000)"
    )
    ap.add_argument(
        "--seed", type=int, default=SEED, help="seed for the refactor inputs (default 0)"
    )
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 2))
    ap.add_argument("--only", nargs="*", help="develop: only these bundles or case ids; no write")
    ap.add_argument(
        "--fetch", action="store_true",
        help=f"download the pinned wheels of wheelhouse.txt into {WHEELHOUSE.relative_to(REPO)}/ "
        "(network) and exit",
    )  # fmt: skip
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        child(json.loads(args._child))
        return 0
    if args.fetch:
        fetch_wheels()
        return 0

    started = time.monotonic()
    ensure_venv()
    sys.path.insert(0, str(HERE))
    from cases import CASES

    check_snapshots(record=not args.check)
    cases = [dict(c) for c in CASES]
    cases.sort(key=lambda c: c["kind"] != "bug")  # bugs first, stable otherwise
    assign_ids(cases)
    if args.only:
        cases = [c for c in cases if c["bundle"] in args.only or c["id"] in args.only]
    else:
        problems = corpus_checks(cases)
        if problems:
            print("FAILED:", *problems, sep="\n  ", file=sys.stderr)
            return 1

    failures: list[str] = []
    results: dict[str, dict] = {}

    def work(case: dict) -> None:
        try:
            results[case["id"]] = process(case, args.samples, args.seed)
        except Exception as exc:
            failures.append(
                f"{case['id']} ({case['bundle']}/{case['path']}:{case['function']}): {exc}"
            )

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(work, cases))
    if failures:
        print("FAILED:", *sorted(failures, key=lambda s: (s[:4], int(s.split()[0].split("-")[1]))),
              sep="\n  ", file=sys.stderr)  # fmt: skip
        return 1
    if args.only:
        for c in cases:
            w = results[c["id"]].get("witness") or results[c["id"]].get("equiv")
            print(c["id"], c["bundle"], c["function"], w)
        print(f"ok: {len(cases)} cases in {time.monotonic() - started:.0f} s (nothing written)")
        return 0

    manifest = {
        "version": 1,
        "seed": SEED,
        "pins": {"python": "3.11", **{b: p["version"] for b, p in PACKAGES.items()}},
        "dependency_pins": runtime_pins(),
        "wheelhouse": f"{WHEELHOUSE.relative_to(REPO)}/ (filled by bench/deps/build.py --fetch)",
        "bundles": bundle_facts(),
        "cases": [manifest_entry(c, results[c["id"]]) for c in cases],
    }
    text_ = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    stats = build_stats(cases, results)
    elapsed = time.monotonic() - started

    if args.check:
        if not MANIFEST.exists() or MANIFEST.read_text(encoding="utf-8") != text_:
            print("manifest.json is out of date; run build.py", file=sys.stderr)
            return 1
        print(f"ok: {len(cases)} cases validated, manifest.json up to date ({elapsed:.0f} s)")
        return 0
    MANIFEST.write_text(text_, encoding="utf-8")
    STATS.write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MANIFEST.relative_to(HERE.parent.parent)}: {len(cases)} cases ({elapsed:.0f} s)")
    print(json.dumps({k: stats[k] for k in ("by_kind", "by_category")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
