"""Regenerate and validate ``manifest.json`` for the realistic holdout corpus.

    .venv/bin/python bench/realistic/build.py            # build + validate, write manifest.json
    .venv/bin/python bench/realistic/build.py --check    # validate, fail if manifest.json differs
    .venv/bin/python bench/realistic/build.py --tests    # also run the bundled tests on every head

For every case in ``cases.py`` this script

1. copies ``sources/app`` into a scratch git repository, applies the edit and takes the
   patch with ``git diff`` (so it is byte-exact);
2. copies ``sources/app`` again into a *fresh* repository, commits it and ``git apply``-s the
   patch; the result must equal the intended edit;
3. parses base and head with ``ast`` and checks that exactly the named function changed
   (module-level code, classes and every other function must be identical);
4. bugs: evaluates the witness call in the changed module's namespace, once against the base
   tree and once against the head tree (separate interpreters), and requires the outcomes
   (``ok:<repr>`` or ``raise:<ExceptionType>``) to differ;
   refactors: feeds ``--samples`` seeded random inputs (including edge values) to base and
   head and requires every outcome to be identical: same exception type, or same result
   type *and* same ``repr`` (stricter than ``==``: ``Decimal('1.0')`` vs ``Decimal('1.00')``
   counts as a difference). At least half of the calls must return normally.

Only the standard library is used; nothing here talks to the network.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources" / "app"
MANIFEST = HERE / "manifest.json"
STATS = HERE / "stats.json"
BUNDLE = "app"
SEED = 0
CALL_SECONDS = 2.0

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


# --------------------------------------------------------------------------- input helpers
# (used by the refactor generators in cases.py; they run inside the child interpreter)

EDGE_AMOUNTS = [
    "0", "0.00", "-0.00", "0.01", "-0.01", "0.005", "0.5", "1", "1.00", "2.675", "9.995",
    "25.00", "99.99", "100", "1000.00", "1000.01", "999.99", "10000.00", "10000.01", "-50.00",
    "1234567.89", "0.001", "0E-7", "160200", "200000.00", "11000", "44725.00",
]  # fmt: skip
EDGE_RATES = ["0", "0.00", "0.05", "0.1", "0.12", "1", "-0.01", "0.0001", "0.015", "0.029", "0.5"]
BRACKET_EDGES = ["11000", "44725", "95375", "182100", "231250", "578125"]
EDGE_DATES = [
    date(2024, 2, 29), date(2024, 2, 28), date(2023, 2, 28), date(2023, 3, 1), date(2024, 1, 31),
    date(2024, 12, 31), date(2023, 12, 31), date(2024, 1, 1), date(2000, 2, 29), date(1900, 2, 28),
    date(2100, 2, 28), date(2024, 3, 31), date(2024, 4, 30), date(2024, 6, 30), date(2024, 9, 30),
    date(2024, 6, 15), date(2022, 12, 30), date(2024, 7, 4), date(2024, 6, 8), date(2024, 6, 9),
]  # fmt: skip
CURRENCIES = ["USD", "EUR", "JPY", "KWD", "GBP", "CHF", "XXX"]


def D(r: random.Random) -> Decimal:
    """A money amount: edge values, or 0-3 decimal places over many magnitudes, some negative."""
    if r.random() < 0.25:
        return Decimal(r.choice(EDGE_AMOUNTS))
    places = r.choice([0, 1, 2, 2, 2, 3])
    magnitude = 10 ** r.randint(0, 7)
    value = Decimal(r.randint(0, magnitude * 10**places)).scaleb(-places)
    return -value if r.random() < 0.1 else value


def R(r: random.Random) -> Decimal:
    """An interest/fee rate as a fraction."""
    if r.random() < 0.25:
        return Decimal(r.choice(EDGE_RATES))
    return Decimal(r.randint(0, 3000)).scaleb(-4)


def dt(r: random.Random) -> date:
    """A date: edge dates, month ends, occasionally date.min/date.max, else 1990-2040."""
    x = r.random()
    if x < 0.02:
        return r.choice([date.min, date.max, date(9999, 12, 25), date(9999, 12, 26), date(1, 1, 6)])
    if x < 0.25:
        return r.choice(EDGE_DATES)
    d = date.fromordinal(r.randint(date(1990, 1, 1).toordinal(), date(2040, 12, 31).toordinal()))
    if x < 0.40:  # month end
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return nxt - timedelta(days=1)
    return d


def near(r: random.Random, d: date, lo: int, hi: int) -> date:
    return d + timedelta(days=r.randint(lo, hi))


def taxable(r: random.Random) -> Decimal:
    x = r.random()
    if x < 0.3:
        edge = Decimal(r.choice(BRACKET_EDGES))
        return edge + r.choice([Decimal("0"), Decimal("0.01"), Decimal("-0.01"), Decimal("0.00")])
    if x < 0.6:
        return Decimal(r.randint(-1000, 700000))
    return D(r)


def ccy(r: random.Random) -> str:
    return r.choice(CURRENCIES)


def rates(r: random.Random) -> dict:
    table = {
        "USD": Decimal("1"),
        "EUR": Decimal(r.randint(80, 110)).scaleb(-2) + Decimal(r.randint(0, 9999)).scaleb(-6),
        "GBP": Decimal(r.randint(70, 90)).scaleb(-2),
        "CHF": Decimal(r.randint(85, 95)).scaleb(-2),
        "JPY": Decimal(r.randint(10000, 16000)).scaleb(-2),
        "KWD": Decimal(r.randint(300, 310)).scaleb(-3),
    }
    for code in list(table):
        if r.random() < 0.1:
            del table[code]
    return table


def percents(r: random.Random) -> list:
    if r.random() < 0.2:
        return [Decimal(r.randint(0, 100)) for _ in range(r.randint(0, 4))]
    k = r.randint(1, 5)
    cuts = sorted(r.randint(0, 1000) for _ in range(k - 1))
    bounds = [0, *cuts, 1000]
    return [Decimal(b - a).scaleb(-1) for a, b in itertools.pairwise(bounds)]


def invoice(r: random.Random, m):
    items = [
        m.LineItem("item", D(r), r.randint(-1, 12), R(r), r.choice([Decimal("0"), R(r)]))
        for _ in range(r.randint(0, 4))
    ]
    return m.Invoice("INV-1", dt(r), items, r.randint(-5, 60), D(r))


HELPERS = {
    "D": D, "R": R, "dt": dt, "near": near, "taxable": taxable, "ccy": ccy, "rates": rates,
    "percents": percents, "invoice": invoice, "Decimal": Decimal, "date": date,
    "timedelta": timedelta,
}  # fmt: skip


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

    sys.path.insert(0, job["root"])
    signal.signal(signal.SIGALRM, _alarm)
    mod = importlib.import_module(job["module"])
    if job["mode"] == "witness":
        ns = dict(vars(mod))
        out: object = _outcome(lambda: eval(job["call"], ns), typed=False)
    else:
        gen = eval(job["gen"], dict(HELPERS))
        rng = random.Random(job["seed"])
        out = [_outcome(lambda: gen(rng, mod), typed=True) for _ in range(job["samples"])]
    json.dump(out, sys.stdout)


def run_child(job: dict) -> object:
    proc = subprocess.run(
        [sys.executable, "-I", str(Path(__file__).resolve()), "--_child", json.dumps(job)],
        capture_output=True,
        text=True,
        env=RUN_ENV,
        cwd=job["root"],
        timeout=900,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"child failed for {job['module']}: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


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


def fresh_repo(dest: Path) -> Path:
    shutil.copytree(SOURCES, dest, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "base")
    return dest


def make_patch(case: dict, work: Path) -> tuple[str, str, str]:
    """Return (patch, base_text, head_text) for a case."""
    repo = fresh_repo(work / "gen")
    target = repo / case["path"]
    base_text = target.read_text(encoding="utf-8")
    hits = base_text.count(case["old"])
    if hits != 1:
        raise ValueError(f"{case['id']}: `old` occurs {hits} times in {case['path']}")
    head_text = base_text.replace(case["old"], case["new"])
    target.write_text(head_text, encoding="utf-8")
    patch = git(repo, "diff", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/")
    changed = git(repo, "diff", "--name-only").split()
    if changed != [case["path"]]:
        raise ValueError(f"{case['id']}: unexpected changed files {changed}")
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
                    units[f"{node.name}.{sub.name}"] = ast.dump(sub)
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


# --------------------------------------------------------------------------- per-case work


def process(case: dict, samples: int, run_tests: bool, seed: int = SEED) -> dict:
    module = case["path"][:-3].replace("/", ".")
    with tempfile.TemporaryDirectory(prefix="rbench-") as tmp:
        work = Path(tmp)
        patch, base_text, head_text = make_patch(case, work)

        base_repo = fresh_repo(work / "base")
        head_repo = fresh_repo(work / "head")
        git(head_repo, "apply", "--check", "-", input=patch)
        git(head_repo, "apply", "-", input=patch)
        if (head_repo / case["path"]).read_text(encoding="utf-8") != head_text:
            raise ValueError(f"{case['id']}: applied patch does not reproduce the edit")

        changed = changed_units(base_text, head_text)
        if changed != {case["function"]}:
            raise ValueError(
                f"{case['id']}: changed units {sorted(changed)} != {case['function']!r}"
            )

        result = {"patch": patch, "module": module}
        if case["kind"] == "bug":
            job = {"mode": "witness", "module": module, "call": case["call"]}
            b = run_child({**job, "root": str(base_repo)})
            h = run_child({**job, "root": str(head_repo)})
            if b == h or "hang" in (b, h):
                raise ValueError(
                    f"{case['id']}: witness does not tell base and head apart ({b} / {h})"
                )
            result["witness"] = {"call": case["call"], "base": b, "head": h}
        else:
            job = {
                "mode": "equiv",
                "module": module,
                "gen": case["gen"],
                "seed": seed,
                "samples": samples,
            }
            b = run_child({**job, "root": str(base_repo)})
            h = run_child({**job, "root": str(head_repo)})
            diffs = [(x, y) for x, y in zip(b, h, strict=False) if x != y]
            if diffs or len(b) != len(h):
                raise ValueError(f"{case['id']}: refactor not equivalent, e.g. {diffs[:2]}")
            ok = sum(x.startswith("ok:") for x in b)
            distinct = len(set(b))
            if ok < len(b) / 2 or "hang" in b:
                raise ValueError(
                    f"{case['id']}: only {ok}/{len(b)} generated calls returned normally"
                )
            result["equiv"] = {"samples": len(b), "ok": ok, "distinct_outcomes": distinct}

        if run_tests:
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                cwd=head_repo,
                env=RUN_ENV,
                capture_output=True,
                text=True,
                timeout=600,
            )
            result["tests_fail_on_head"] = proc.returncode != 0
    return result


def assign_ids(cases: list[dict]) -> None:
    n = {"bug": 0, "refactor": 0}
    for case in cases:
        n[case["kind"]] += 1
        prefix = "rbug" if case["kind"] == "bug" else "rref"
        case["id"] = f"{prefix}-{n[case['kind']]}"


def manifest_entry(case: dict, res: dict) -> dict:
    return {
        "id": case["id"],
        "kind": case["kind"],
        "module": res["module"],
        "path": case["path"],
        "bundle": BUNDLE,
        "function": case["function"],
        "category": case["category"],
        "origin": "realistic",
        "operator": case["operator"],
        "change": case["change"],
        "witness": res.get("witness"),
        "title": case["title"],
        "description": case["description"],
        "base_patch": None,
        "patch": res["patch"],
    }


def base_tests_pass() -> None:
    with tempfile.TemporaryDirectory(prefix="rbench-") as tmp:
        repo = fresh_repo(Path(tmp) / "base")
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
            cwd=repo,
            env=RUN_ENV,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if proc.returncode != 0:
            raise SystemExit(
                f"sources/app/tests fail on the unmodified sources:\n{proc.stdout[-3000:]}"
            )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--check", action="store_true", help="validate only; fail if manifest.json would change"
    )
    ap.add_argument("--tests", action="store_true", help="also run sources/app/tests on every head")
    ap.add_argument(
        "--samples", type=int, default=2000, help="random inputs per refactor (default 2000)"
    )
    ap.add_argument(
        "--seed", type=int, default=SEED, help="seed for the refactor inputs (default 0)"
    )
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        child(json.loads(args._child))
        return 0

    sys.path.insert(0, str(HERE))
    from cases import CASES

    cases = [dict(c) for c in CASES]
    cases.sort(key=lambda c: c["kind"] != "bug")  # bugs first, stable otherwise
    assign_ids(cases)
    base_tests_pass()

    failures: list[str] = []
    results: dict[str, dict] = {}

    def work(case: dict) -> None:
        try:
            results[case["id"]] = process(case, args.samples, args.tests, args.seed)
        except Exception as exc:
            failures.append(f"{case['id']} ({case['path']}:{case['function']}): {exc}")

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(work, cases))
    if failures:
        print("FAILED:", *sorted(failures), sep="\n  ", file=sys.stderr)
        return 1

    manifest = {
        "version": 1,
        "seed": SEED,
        "pins": {"python": "3.11"},
        "cases": [manifest_entry(c, results[c["id"]]) for c in cases],
    }
    text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"

    stats: dict = {
        "cases": len(cases),
        "by_kind": {},
        "by_category": {},
        "by_operator": {},
        "by_module": {},
    }
    for c in cases:
        for key, val in (
            ("by_kind", c["kind"]),
            ("by_category", f"{c['kind']}/{c['category']}"),
            ("by_operator", f"{c['kind']}/{c['operator']}"),
            ("by_module", results[c["id"]]["module"]),
        ):
            stats[key][val] = stats[key].get(val, 0) + 1
    for key in ("by_category", "by_operator", "by_module"):
        stats[key] = dict(sorted(stats[key].items()))
    stats["refactor_samples"] = {
        c["id"]: results[c["id"]]["equiv"] for c in cases if c["kind"] == "refactor"
    }
    if args.tests:
        stats["bugs_caught_by_repo_tests"] = sorted(
            (
                c["id"]
                for c in cases
                if c["kind"] == "bug" and results[c["id"]]["tests_fail_on_head"]
            ),
            key=lambda s: int(s.split("-")[1]),
        )
        stats["refactors_failing_repo_tests"] = [
            c["id"]
            for c in cases
            if c["kind"] == "refactor" and results[c["id"]]["tests_fail_on_head"]
        ]

    if args.check:
        if not MANIFEST.exists() or MANIFEST.read_text(encoding="utf-8") != text:
            print("manifest.json is out of date; run build.py", file=sys.stderr)
            return 1
        print(f"ok: {len(cases)} cases validated, manifest.json up to date")
        return 0
    MANIFEST.write_text(text, encoding="utf-8")
    STATS.write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MANIFEST.relative_to(HERE.parent.parent)}: {len(cases)} cases")
    print(json.dumps({k: stats[k] for k in ("by_kind", "by_category")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
