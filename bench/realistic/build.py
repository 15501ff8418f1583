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

import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/, for casekit
import casekit

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources" / "app"
BUNDLE = "app"
SEED = casekit.SEED
IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache")


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


def child(job: dict) -> None:
    """A witness call is evaluated once, in the changed module's namespace."""
    mod = casekit.import_changed(job)
    if job["mode"] == "witness":
        ns = dict(vars(mod))
        out: object = casekit.outcome(lambda: eval(job["call"], ns), typed=False)
    else:
        out = casekit.sample_outcomes(job, mod, HELPERS)
    json.dump(out, sys.stdout)


def run_child(job: dict) -> object:
    return casekit.run_child(job, Path(__file__))


# --------------------------------------------------------------------------- per-case work


def repo_tests(repo: Path) -> subprocess.CompletedProcess[str]:
    """Run the bundled tests (``sources/app/tests``) in ``repo``."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=repo,
        env=casekit.RUN_ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )


def process(case: dict, samples: int, run_tests: bool, seed: int = SEED) -> dict:
    module = casekit.module_of(case["path"])
    label = f"{case['id']}: "
    with tempfile.TemporaryDirectory(prefix="rbench-") as tmp:
        patch, base_repo, head_repo = casekit.prepare(case, SOURCES, Path(tmp), IGNORE, label)
        b, h = casekit.run_base_and_head(
            case, module, samples, seed, run_child, base_repo, head_repo
        )
        result: dict = {"patch": patch, "module": module}
        if case["kind"] == "bug":
            if b == h or "hang" in (b, h):
                raise ValueError(f"{label}witness does not tell base and head apart ({b} / {h})")
            result["witness"] = {"call": case["call"], "base": b, "head": h}
        else:
            result["equiv"] = casekit.check_equivalent(b, h, label)
        if run_tests:
            result["tests_fail_on_head"] = repo_tests(head_repo).returncode != 0
    return result


def base_tests_pass() -> None:
    with tempfile.TemporaryDirectory(prefix="rbench-") as tmp:
        proc = repo_tests(casekit.fresh_repo(SOURCES, Path(tmp) / "base", IGNORE))
        if proc.returncode != 0:
            raise SystemExit(
                f"sources/app/tests fail on the unmodified sources:\n{proc.stdout[-3000:]}"
            )


def main() -> int:
    ap = casekit.arguments(__doc__, samples=2000, jobs=os.cpu_count() or 2)
    ap.add_argument("--tests", action="store_true", help="also run sources/app/tests on every head")
    args = ap.parse_args()
    if args._child:
        child(json.loads(args._child))
        return 0

    cases = casekit.load_cases(HERE, "r")
    base_tests_pass()
    results = casekit.run_cases(
        cases, lambda case: process(case, args.samples, args.tests, args.seed), args.jobs
    )
    if results is None:
        return 1

    manifest = casekit.manifest(cases, results, "realistic", {}, bundle=BUNDLE)
    stats: dict = {
        "cases": len(cases),
        **casekit.tally(cases, results, by_package=False),
        "refactor_samples": casekit.refactor_samples(cases, results),
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
    return casekit.finish(args.check, manifest, stats, HERE)


if __name__ == "__main__":
    sys.exit(main())
