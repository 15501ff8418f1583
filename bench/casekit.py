"""The case-building kit the corpus build scripts share (``bench/field``, ``bench/deps`` and
``bench/realistic``, each ``build.py``): turning one-edit cases into ``git diff`` patches,
checking that exactly the named function changed, running witness calls and seeded
refactor inputs on base and head in separate interpreters, and writing or checking
``manifest.json``.

The build scripts run as scripts and re-run themselves as the child interpreter
(``--_child``), so each puts ``bench/`` on ``sys.path`` to import this module; the child takes
it off again before it imports the code under test. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SEED = 0
CALL_SECONDS = 2.0
WITNESS_SECONDS = 0.1  # a witness call must finish within this on base and on head

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


INPUT_HELPERS = {"pick": pick, "text": text, "mix": mix, "words": words, "num": num,
                 "ASCII": ASCII, "PUNCT": PUNCT}  # fmt: skip


# --------------------------------------------------------------------------- child mode


class _Hang(Exception):
    pass


def _alarm(_sig, _frame):
    raise _Hang()


def outcome(thunk, typed: bool) -> str:
    """``ok:<repr>`` (with the result's type if ``typed``), ``raise:<ExceptionType>`` or
    ``hang`` (after ``CALL_SECONDS``)."""
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


def import_changed(job: dict, check_origin: bool = False):
    """In the child: import the changed module from the job's tree (first on ``sys.path``)."""
    sys.path[:] = [p for p in sys.path if Path(p).resolve() != BENCH]
    sys.path.insert(0, job["root"])
    signal.signal(signal.SIGALRM, _alarm)
    mod = importlib.import_module(job["module"])
    if check_origin and not str(Path(mod.__file__ or "").resolve()).startswith(
        str(Path(job["root"]).resolve())
    ):
        raise SystemExit(f"{job['module']} was imported from {mod.__file__}, not {job['root']}")
    return mod


def sample_outcomes(job: dict, mod, helpers: dict) -> list[str]:
    """In the child: the typed outcomes of ``job["samples"]`` seeded calls of the generator."""
    gen = eval(job["gen"], dict(helpers))
    rng = random.Random(job["seed"])
    return [outcome(lambda: gen(rng, mod), typed=True) for _ in range(job["samples"])]


def child(job: dict, helpers: dict, check_origin: bool = False) -> None:
    """The child of the package corpora: a witness call is evaluated twice (it must be
    deterministic) with the package's top-level name bound; prints the result as JSON."""
    warnings.simplefilter("ignore")
    mod = import_changed(job, check_origin)
    top = job["module"].split(".")[0]
    if job["mode"] == "witness":
        ns = dict(vars(mod))
        ns.setdefault(top, importlib.import_module(top))
        outs, secs = [], []
        for _ in range(2):  # twice: deterministic, and the second time without import costs
            t0 = time.perf_counter()
            outs.append(outcome(lambda: eval(job["call"], ns), typed=False))
            secs.append(time.perf_counter() - t0)
        out: object = {"outcome": outs[0] if outs[0] == outs[1] else "nondeterministic",
                       "seconds": min(secs)}  # fmt: skip
    else:
        out = sample_outcomes(job, mod, helpers)
    json.dump(out, sys.stdout)


def run_child(job: dict, script: Path, python: str | Path = sys.executable) -> object:
    """Run ``script --_child job`` (the build script's child mode) in ``python``, isolated."""
    proc = subprocess.run(
        [str(python), "-I", str(script.resolve()), "--_child", json.dumps(job)],
        capture_output=True,
        text=True,
        env=RUN_ENV,
        cwd=job["root"],
        timeout=900,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"child failed for {job['module']}: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


# --------------------------------------------------------------------------- snapshots


def tree_digest(root: Path) -> str:
    """sha256 over the sorted (relative path, sha256 of content) pairs of a bundle."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            rel = p.relative_to(root).as_posix()
            h.update(f"{rel}\0{hashlib.sha256(p.read_bytes()).hexdigest()}\n".encode())
    return h.hexdigest()


def check_snapshots(sources: Path, packages: dict, digests_file: Path, record: bool) -> None:
    """Every bundle under ``sources`` is listed in ``packages`` and matches ``digests_file``
    (written first if ``record`` and it is missing)."""
    bundles = sorted(p.name for p in sources.iterdir() if p.is_dir())
    if bundles != sorted(packages):
        raise SystemExit(f"sources/ has {bundles}, PACKAGES lists {sorted(packages)}")
    digests = {b: tree_digest(sources / b) for b in bundles}
    text_ = "".join(f"{d}  {b}\n" for b, d in digests.items())
    if record and not digests_file.exists():
        digests_file.write_text(text_, encoding="utf-8")
    if digests_file.read_text(encoding="utf-8") != text_:
        raise SystemExit(
            f"a snapshot under sources/ differs from {digests_file.name}: the snapshots must stay "
            f"as released (delete {digests_file.name} and rebuild only after a deliberate re-pin)"
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


def fresh_repo(src: Path, dest: Path, ignore=IGNORE) -> Path:
    """A copy of ``src`` at ``dest``, committed as the base of a new git repository."""
    shutil.copytree(src, dest, ignore=ignore)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "base")
    return dest


def make_patch(
    case: dict, src: Path, work: Path, ignore=IGNORE, label: str = ""
) -> tuple[str, str, str]:
    """Return (patch, base_text, head_text) for a case; ``label`` prefixes error messages."""
    repo = fresh_repo(src, work / "gen", ignore)
    target = repo / case["path"]
    base_text = target.read_text(encoding="utf-8")
    hits = base_text.count(case["old"])
    if hits != 1:
        raise ValueError(f"{label}`old` occurs {hits} times in {case['path']}")
    head_text = base_text.replace(case["old"], case["new"])
    target.write_text(head_text, encoding="utf-8")
    patch = git(repo, "diff", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/")
    changed = git(repo, "diff", "--name-only").split()
    if changed != [case["path"]]:
        raise ValueError(f"{label}unexpected changed files {changed}")
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


def module_of(path: str) -> str:
    """The dotted module name of a ``.py`` path relative to its import root."""
    module = path[:-3].replace("/", ".")
    if module.endswith(".__init__"):
        module = module[: -len(".__init__")]
    return module


def prepare(
    case: dict, src: Path, work: Path, ignore=IGNORE, label: str = ""
) -> tuple[str, Path, Path]:
    """Steps 2-4 of a build script: the patch, and base and head repositories under ``work``
    in which the patch applies, reproduces the edit and changes exactly the named function.
    Return (patch, base_repo, head_repo); ``label`` prefixes error messages."""
    patch, base_text, head_text = make_patch(case, src, work, ignore, label)

    base_repo = fresh_repo(src, work / "base", ignore)
    head_repo = fresh_repo(src, work / "head", ignore)
    git(head_repo, "apply", "--check", "-", input=patch)
    git(head_repo, "apply", "-", input=patch)
    if (head_repo / case["path"]).read_text(encoding="utf-8") != head_text:
        raise ValueError(f"{label}applied patch does not reproduce the edit")

    changed = changed_units(base_text, head_text)
    if changed != {case["function"]}:
        raise ValueError(f"{label}changed units {sorted(changed)} != {case['function']!r}")
    return patch, base_repo, head_repo


def run_base_and_head(
    case: dict,
    module: str,
    samples: int,
    seed: int,
    run: Callable[[dict], object],
    base_root: Path,
    head_root: Path,
) -> tuple:  # (base, head), as the child printed them
    """The child's answer for base and for head: the witness call (bugs) or the outcomes of
    ``samples`` seeded generator calls (refactors)."""
    if case["kind"] == "bug":
        job: dict = {"mode": "witness", "module": module, "call": case["call"]}
    else:
        job = {"mode": "equiv", "module": module, "gen": case["gen"], "seed": seed,
               "samples": samples}  # fmt: skip
    return run({**job, "root": str(base_root)}), run({**job, "root": str(head_root)})


def check_equivalent(b: list[str], h: list[str], label: str = "") -> dict:
    """Base and head outcomes of a refactor must all agree, and at least half return."""
    diffs = [(x, y) for x, y in zip(b, h, strict=False) if x != y]
    if diffs or len(b) != len(h):
        shown = [(x[:300], y[:300]) for x, y in diffs[:2]]
        raise ValueError(f"{label}refactor not equivalent ({len(diffs)} differ), e.g. {shown}")
    ok = sum(x.startswith("ok:") for x in b)
    distinct = len(set(b))
    if ok < len(b) / 2 or "hang" in b:
        raise ValueError(f"{label}only {ok}/{len(b)} generated calls returned normally")
    return {"samples": len(b), "ok": ok, "distinct_outcomes": distinct}


def process(
    case: dict,
    samples: int,
    seed: int,
    *,
    src: Path,
    module: str,
    root: str,
    run: Callable[[dict], object],
    tmp_prefix: str,
) -> dict:
    """One case of a package corpus: ``src`` is its bundle, ``root`` the import root in it."""
    with tempfile.TemporaryDirectory(prefix=tmp_prefix) as tmp:
        patch, base_repo, head_repo = prepare(case, src, Path(tmp))
        b, h = run_base_and_head(
            case, module, samples, seed, run, base_repo / root, head_repo / root
        )
        result: dict = {"patch": patch, "module": module}
        if case["kind"] == "bug":
            bo, ho = b["outcome"], h["outcome"]
            if bo == ho or {"hang", "nondeterministic"} & {bo, ho}:
                raise ValueError(f"witness does not tell base and head apart ({bo} / {ho})")
            slow = max(b["seconds"], h["seconds"])
            if slow > WITNESS_SECONDS:
                raise ValueError(f"witness call too slow ({slow:.3f} s)")
            result["witness"] = {"call": case["call"], "base": bo, "head": ho}
            result["witness_seconds"] = slow
        else:
            result["equiv"] = check_equivalent(b, h)
    return result


# --------------------------------------------------------------------------- the corpus


def load_cases(here: Path, prefix: str) -> list[dict]:
    """``cases.CASES`` of the corpus in ``here``, bugs first, with ids ``<prefix>bug-N`` and
    ``<prefix>ref-N``."""
    sys.path.insert(0, str(here))
    cases = [dict(c) for c in importlib.import_module("cases").CASES]
    cases.sort(key=lambda c: c["kind"] != "bug")  # bugs first, stable otherwise
    n = {"bug": 0, "refactor": 0}
    for case in cases:
        n[case["kind"]] += 1
        case["id"] = f"{prefix}{'bug' if case['kind'] == 'bug' else 'ref'}-{n[case['kind']]}"
    return cases


def corpus_checks(cases: list[dict], packages: dict, max_bug_share: float) -> list[str]:
    problems = []
    bugs = [c for c in cases if c["kind"] == "bug"]
    per: dict[str, int] = {}
    for c in bugs:
        per[c["bundle"]] = per.get(c["bundle"], 0) + 1
    for b, n in sorted(per.items()):
        if n > max_bug_share * len(bugs):
            problems.append(f"{b} has {n} of {len(bugs)} bugs (> {max_bug_share:.0%})")
    seen: set[tuple[str, str, str]] = set()
    for c in cases:
        key = (c["bundle"], c["path"], c["old"] + "\0" + c["new"])
        if key in seen:
            problems.append(f"duplicate edit in {c['bundle']}/{c['path']}:{c['function']}")
        seen.add(key)
        if c["bundle"] not in packages:
            problems.append(f"unknown bundle {c['bundle']}")
    return problems


def run_cases(cases: list[dict], work: Callable[[dict], dict], jobs: int) -> dict | None:
    """``work(case)`` for every case on ``jobs`` threads: the results by id, or None after
    printing the failures."""
    failures: list[str] = []
    results: dict[str, dict] = {}

    def one(case: dict) -> None:
        where = f"{case['bundle']}/{case['path']}" if "bundle" in case else case["path"]
        try:
            results[case["id"]] = work(case)
        except Exception as exc:
            failures.append(f"{case['id']} ({where}:{case['function']}): {exc}")

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, cases))
    if failures:
        print("FAILED:", *sorted(failures, key=lambda s: (s[:4], int(s.split()[0].split("-")[1]))),
              sep="\n  ", file=sys.stderr)  # fmt: skip
        return None
    return results


def manifest_entry(case: dict, res: dict, origin: str, bundle: str | None = None) -> dict:
    return {
        "id": case["id"],
        "kind": case["kind"],
        "module": res["module"],
        "path": case["path"],
        "bundle": bundle or case["bundle"],
        "function": case["function"],
        "category": case["category"],
        "origin": origin,
        "operator": case["operator"],
        "change": case["change"],
        "witness": res.get("witness"),
        "title": case["title"],
        "description": case["description"],
        "base_patch": None,
        "patch": res["patch"],
    }


def manifest(
    cases: list[dict],
    results: dict[str, dict],
    origin: str,
    pins: dict[str, str],
    bundle: str | None = None,
    **extra: object,
) -> dict:
    return {
        "version": 1,
        "seed": SEED,
        "pins": {"python": "3.11", **pins},
        **extra,
        "cases": [manifest_entry(c, results[c["id"]], origin, bundle) for c in cases],
    }


def tally(cases: list[dict], results: dict[str, dict], by_package: bool) -> dict:
    """Case counts by kind (in order), and by package, category, operator, module (sorted)."""
    keys = ["by_kind", *(["by_package"] if by_package else []), "by_category", "by_operator",
            "by_module"]  # fmt: skip
    counts: dict[str, dict[str, int]] = {k: {} for k in keys}
    for c in cases:
        vals = {
            "by_kind": c["kind"],
            "by_package": f"{c['bundle']}/{c['kind']}" if by_package else "",
            "by_category": f"{c['kind']}/{c['category']}",
            "by_operator": f"{c['kind']}/{c['operator']}",
            "by_module": results[c["id"]]["module"],
        }
        for key in keys:
            counts[key][vals[key]] = counts[key].get(vals[key], 0) + 1
    return {k: v if k == "by_kind" else dict(sorted(v.items())) for k, v in counts.items()}


def build_stats(
    cases: list[dict], results: dict[str, dict], packages: dict, **extra: object
) -> dict:
    """``stats.json`` of a package corpus; ``extra`` goes after the package table."""
    stats: dict = {
        "cases": len(cases),
        "packages": {
            b: {k: v for k, v in p.items() if k != "category"} for b, p in packages.items()
        },
        **extra,
        **tally(cases, results, by_package=True),
    }
    bugs = [c for c in cases if c["kind"] == "bug"]
    private = [c["id"] for c in bugs if is_private(c["function"], c["path"])]
    awkward = [c["id"] for c in bugs if c.get("awkward")]
    stats["bugs_in_private_helpers"] = len(private)
    stats["bugs_with_awkward_arguments"] = len(awkward)
    stats["bugs_private_or_awkward"] = len(set(private) | set(awkward))
    stats["max_witness_seconds"] = round(
        max((results[c["id"]]["witness_seconds"] for c in bugs), default=0.0), 4
    )
    stats["refactor_samples"] = refactor_samples(cases, results)
    return stats


def refactor_samples(cases: list[dict], results: dict[str, dict]) -> dict:
    return {c["id"]: results[c["id"]]["equiv"] for c in cases if c["kind"] == "refactor"}


# --------------------------------------------------------------------------- the command line


def arguments(doc: str | None, samples: int, jobs: int) -> argparse.ArgumentParser:
    """The options every build script has; add its own before ``parse_args``."""
    ap = argparse.ArgumentParser(description=(doc or "").split("\n")[0])
    ap.add_argument(
        "--check", action="store_true", help="validate only; fail if manifest.json would change"
    )
    ap.add_argument(
        "--samples",
        type=int,
        default=samples,
        help=f"random inputs per refactor (default {samples})",
    )
    ap.add_argument(
        "--seed", type=int, default=SEED, help=f"seed for the refactor inputs (default {SEED})"
    )
    ap.add_argument("--jobs", type=int, default=jobs)
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    return ap


def finish(check: bool, manifest: dict, stats: dict, here: Path, took: str = "") -> int:
    """``--check``: fail if ``here/manifest.json`` differs; else write it and ``stats.json``."""
    path = here / "manifest.json"
    text_ = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    n = len(manifest["cases"])
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != text_:
            print("manifest.json is out of date; run build.py", file=sys.stderr)
            return 1
        print(f"ok: {n} cases validated, manifest.json up to date{took}")
        return 0
    path.write_text(text_, encoding="utf-8")
    (here / "stats.json").write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(here.parent.parent)}: {n} cases{took}")
    print(json.dumps({k: stats[k] for k in ("by_kind", "by_category")}, indent=1))
    return 0


def build_packages(
    args: argparse.Namespace,
    *,
    here: Path,
    packages: dict,
    digests_file: Path,
    prefix: str,
    origin: str,
    max_bug_share: float,
    work: Callable[[dict], dict],
    manifest_extra: dict | None = None,
    stats_extra: dict | None = None,
) -> int:
    """The build of a package corpus (one pinned PyPI package per ``sources/<bundle>``),
    after its command line is parsed; ``work(case)`` validates one case (see ``process``)."""
    started = time.monotonic()
    cases = load_cases(here, prefix)
    check_snapshots(here / "sources", packages, digests_file, record=not args.check)
    if args.only:
        cases = [c for c in cases if c["bundle"] in args.only or c["id"] in args.only]
    else:
        problems = corpus_checks(cases, packages, max_bug_share)
        if problems:
            print("FAILED:", *problems, sep="\n  ", file=sys.stderr)
            return 1

    results = run_cases(cases, work, args.jobs)
    if results is None:
        return 1
    if args.only:
        for c in cases:
            w = results[c["id"]].get("witness") or results[c["id"]].get("equiv")
            print(c["id"], c["bundle"], c["function"], w)
        print(f"ok: {len(cases)} cases in {time.monotonic() - started:.0f} s (nothing written)")
        return 0

    pins = {b: p["version"] for b, p in packages.items()}
    data = manifest(cases, results, origin, pins, **(manifest_extra or {}))
    stats = build_stats(cases, results, packages, **(stats_extra or {}))
    return finish(args.check, data, stats, here, f" ({time.monotonic() - started:.0f} s)")
