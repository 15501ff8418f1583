"""The scan corpus: bugs at rest, found by ``deepcheck scan`` on whole trees (no diff).

For each bug case of a corpus (``bench/realistic``, ``bench/field``: ``manifest.json``), the
buggy tree (the case's head, as ``deepcheck bench`` materializes it with
:func:`bot.benchmark.corpus.materialize`) and the clean tree (its base: the unmodified sources,
one per bundle, shared by every case of that bundle) are scanned whole with
``deepcheck scan --sandbox process --format json``. A bug is *found at rest* when the buggy
tree's scan reports a verified ``defect`` on the mutated function (same path and qualname) and
the clean tree's scan has none there. Every defect on a clean tree is a false alarm.

    .venv/bin/python bench/scan/run.py --corpus bench/realistic --tier standard --jobs 2
    .venv/bin/python bench/scan/run.py --corpus bench/realistic --tier deep --budget 1 --budget 4

One JSON per scanned tree under ``--out`` (``--resume`` skips those already there) and a
``summary-<label>.json`` per configuration; a table on stdout, progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.benchmark.corpus import Case, load_corpus, materialize, run_git  # noqa: E402

DEEPCHECK = ROOT / ".venv" / "bin" / "deepcheck"
# The checkout whose engine (bot/, sandbox/, rules/) the scans run: this one unless --engine
# names another (a worktree at an older commit, for before/after figures).
ENGINE = {"root": ROOT}


@dataclass
class Tree:
    """One tree to scan: a bug case's head, or a bundle's clean sources."""

    key: str  # file stem of the result: "<corpus>-clean-<bundle>" or "<corpus>-<case id>"
    corpus: str
    side: str  # bug | clean
    case: Case


@dataclass
class TreeResult:
    key: str
    corpus: str
    side: str
    bundle: str
    case: str = ""
    path: str = ""
    function: str = ""
    operator: str = ""
    category: str = ""
    tier: str = ""
    budget: float | None = None
    status: str = "ok"  # ok | error | timeout
    error: str = ""
    wall_s: float = 0.0
    cpu_s: float = 0.0  # the scan process and its waited-for children (the sandboxes)
    functions: int = 0  # functions the scan lists
    examples: int = 0
    defects: list[dict[str, str]] = field(default_factory=list)  # verified defects
    command: str = ""
    not_scanned: str = ""  # why this tree was not run (--skip-unbound), else empty


def _trees(corpus: Path, kinds: tuple[str, ...], limit: int | None) -> list[Tree]:
    name = corpus.name
    cases = [c for c in load_corpus(corpus) if c.kind in kinds]
    if limit is not None:
        cases = cases[:limit]
    clean: dict[tuple[str, str], Tree] = {}
    for c in cases:
        key = (c.bundle, c.base_patch or "")
        if key not in clean:
            suffix = "" if not c.base_patch else f"-{len(clean)}"
            clean[key] = Tree(f"{name}-clean-{c.bundle}{suffix}", name, "clean", c)
    return [*clean.values(), *(Tree(f"{name}-{c.id}", name, "bug", c) for c in cases)]


def _materialize(tree: Tree, corpus: Path, dest: Path) -> Path:
    repo = materialize(tree.case, corpus, dest)  # main~1 = base (clean), main = head (bug)
    if tree.side == "clean":
        run_git(repo, "reset", "-q", "--hard", "main~1")
    return repo


# Whether the scan drives the function at all: a scan reports only the invariants of the rules
# that apply to a function it can call, and the examples of its own docstring (docs:
# bot/engine/scan.py), read by the engine under test.
_SCANNABLE = """
import sys
from pathlib import Path
from bot.engine.invariants import invariants_for
from bot.engine.rulebook import load_rules
from bot.engine.scan import _all_functions
tree, path, qualname = sys.argv[1:4]
rules = load_rules()
fns = [f for f in _all_functions(path, (Path(tree) / path).read_text()) if f.function == qualname]
ok = any(
    not (f.nested or f.is_async or (f.is_method and "staticmethod" not in f.decorators))
    and invariants_for(rules, f)
    for f in fns
) or any(not f.nested and ">>>" in (f.docstring or "") for f in fns)
print("yes" if ok else "no")
"""


def scannable(repo: Path, path: str, function: str) -> bool:
    env = {**os.environ, "PYTHONPATH": str(ENGINE["root"])}
    out = subprocess.run(
        [sys.executable, "-c", _SCANNABLE, str(repo), path, function], env=env, cwd=repo.parent,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.strip() == "yes"


def _scan(
    tree: Tree,
    corpus: Path,
    tier: str,
    budget: float | None,
    out: Path,
    timeout_s: float,
    skip_unbound: bool = False,
) -> TreeResult:
    c = tree.case
    res = TreeResult(tree.key, tree.corpus, tree.side, c.bundle, tier=tier, budget=budget)
    if tree.side == "bug":
        res.case, res.path, res.function = c.id, c.path, c.function
        res.operator, res.category = c.operator, c.category
    with tempfile.TemporaryDirectory(prefix="dc-scan-") as tmp:
        repo = _materialize(tree, corpus, Path(tmp) / "repo")
        if skip_unbound and tree.side == "bug" and not scannable(repo, c.path, c.function):
            res.not_scanned = "no invariant applies to the function (or the scan cannot call it)"
            out.write_text(json.dumps(asdict(res), indent=1), encoding="utf-8")
            return res
        report = Path(tmp) / "report.json"
        cmd = [str(DEEPCHECK), "scan", "--repo", str(repo), "--tier", tier, "--sandbox",
               "process", "--format", "json", "--output", str(report), "--quiet"]  # fmt: skip
        if budget is not None:
            cmd += ["--budget", f"{budget:g}"]
        shown = ["deepcheck", *cmd[1:]]
        shown[shown.index("--repo") + 1] = "<tree>"
        shown[shown.index("--output") + 1] = "<report.json>"
        res.command = " ".join(shown)
        env = {
            **os.environ,
            "DEEPCHECK_CACHE_DIR": str(Path(tmp) / "cache"),
            "PYTHONPATH": str(ENGINE["root"]),
        }
        started = time.monotonic()
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=tmp,
            start_new_session=True,
        )  # fmt: skip
        timer = threading.Timer(timeout_s, lambda: os.killpg(proc.pid, 9))
        timer.start()
        try:
            stderr = proc.stderr.read() if proc.stderr is not None else b""
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        res.wall_s = round(time.monotonic() - started, 3)
        res.cpu_s = round(usage.ru_utime + usage.ru_stime, 3)
        if proc.returncode < 0 or res.wall_s >= timeout_s:
            res.status, res.error = "timeout", f"killed after {timeout_s:.0f} s"
        elif proc.returncode not in (0, 1) or not report.exists():
            res.status = "error"
            res.error = f"exit {proc.returncode}: {stderr.decode('utf-8', 'replace')[-400:]}"
        else:
            data = json.loads(report.read_text(encoding="utf-8"))
            res.functions = len(data.get("changed_functions", ()))
            res.examples = int(data.get("spent", {}).get("examples", 0))
            res.defects = [
                {
                    "path": f["path"],
                    "function": f["function"],
                    "title": f.get("title", ""),
                    "call": (f.get("witness") or {}).get("call", ""),
                }
                for f in data.get("findings", ())
                if f.get("verified") and f.get("kind") == "defect"
            ]
    out.write_text(json.dumps(asdict(res), indent=1), encoding="utf-8")
    return res


def _on(defects: list[dict[str, str]], path: str, function: str) -> bool:
    return any(d["path"] == path and d["function"] == function for d in defects)


def summarize(results: list[TreeResult]) -> dict[str, Any]:
    clean = {r.bundle: r for r in results if r.side == "clean"}
    bugs = [r for r in results if r.side == "bug"]
    found, masked = [], []
    for r in bugs:
        if r.status == "ok" and _on(r.defects, r.path, r.function):
            base = clean.get(r.bundle)
            if base is not None and base.status == "ok" and _on(base.defects, r.path, r.function):
                masked.append(r.case)  # the clean tree is flagged there too: not a find
            else:
                found.append(r.case)

    def stats(rs: list[TreeResult], attr: str) -> dict[str, float]:
        xs = [getattr(r, attr) for r in rs if r.status == "ok" and not r.not_scanned]
        if not xs:
            return {}
        return {"mean": round(statistics.mean(xs), 2), "median": round(statistics.median(xs), 2),
                "max": round(max(xs), 2), "total": round(sum(xs), 1)}  # fmt: skip

    return {
        "bugs": len(bugs),
        "bug_trees_scanned": sum(1 for r in bugs if not r.not_scanned),
        "found": len(found),
        "found_cases": sorted(found),
        "found_on_clean_too": sorted(masked),
        "clean_trees": len(clean),
        "clean_defects": sum(len(r.defects) for r in clean.values()),
        "clean_defect_list": [{"bundle": r.bundle, **d} for r in clean.values() for d in r.defects],
        "errors": [f"{r.key}: {r.status} {r.error[:200]}" for r in results if r.status != "ok"],
        "by_category": {
            cat: f"{sum(1 for r in bugs if r.category == cat and r.case in found)}/"
            f"{sum(1 for r in bugs if r.category == cat)}"
            for cat in sorted({r.category for r in bugs})
        },
        "cpu_s": stats(results, "cpu_s"),
        "wall_s": stats(results, "wall_s"),
        "command": next((r.command for r in results if r.command), ""),
        "engine": str(ENGINE["root"]),
    }


def machine() -> dict[str, Any]:
    return {"platform": platform.platform(), "cpus": os.cpu_count(),
            "python": platform.python_version()}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", action="append", type=Path, help="repeatable")
    ap.add_argument("--tier", action="append", help="repeatable; default standard")
    ap.add_argument(
        "--budget", action="append", type=float, help="scan budget in CPU minutes (repeatable)"
    )
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--limit", type=int, help="first N bug cases of each corpus")
    ap.add_argument("--kinds", default="bug", help="comma separated case kinds (bug,refactor)")
    ap.add_argument("--timeout", type=float, default=1800.0, help="per tree, seconds")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "scan" / "out")
    ap.add_argument("--label", default="", help="prefix of the result directory")
    ap.add_argument("--resume", action="store_true", help="keep results already on disk")
    ap.add_argument("--engine", type=Path, help="checkout whose engine to run (default: this)")
    ap.add_argument(
        "--skip-unbound",
        action="store_true",
        help="do not run bug trees whose mutated function no invariant applies to (a miss)",
    )
    args = ap.parse_args(argv)
    if args.engine is not None:
        ENGINE["root"] = args.engine.resolve()
    corpora = args.corpus or [ROOT / "bench" / "realistic"]
    tiers = args.tier or ["standard"]
    budgets: list[float | None] = list(args.budget) if args.budget else [None]
    kinds = tuple(args.kinds.split(","))
    summaries = {}
    for tier in tiers:
        for budget in budgets:
            label = f"{args.label}{tier}" + (f"-b{budget:g}" if budget is not None else "")
            out_dir = args.out / label
            out_dir.mkdir(parents=True, exist_ok=True)
            jobs = [(t, corpus) for corpus in corpora for t in _trees(corpus, kinds, args.limit)]
            results: list[TreeResult] = []
            todo = []
            for t, corpus in jobs:
                path = out_dir / f"{t.key}.json"
                if args.resume and path.exists():
                    results.append(TreeResult(**json.loads(path.read_text(encoding="utf-8"))))
                else:
                    todo.append((t, corpus, path))
            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
                futures = {
                    pool.submit(
                        _scan, t, corpus, tier, budget, path, args.timeout, args.skip_unbound
                    ): t
                    for t, corpus, path in todo
                }
                for n, fut in enumerate(as_completed(futures), 1):
                    r = fut.result()
                    results.append(r)
                    hit = _on(r.defects, r.path, r.function) if r.side == "bug" else None
                    mark = {True: "FOUND", False: "miss", None: f"{len(r.defects)} defects"}[hit]
                    mark += " (not scanned)" if r.not_scanned else ""
                    print(f"[{label} {n}/{len(todo)} {time.monotonic() - started:6.0f}s] "
                          f"{r.key}: {r.status} {mark} cpu {r.cpu_s:.0f}s wall {r.wall_s:.0f}s",
                          file=sys.stderr, flush=True)  # fmt: skip
            for corpus in corpora:
                mine = [r for r in results if r.corpus == corpus.name]
                s = summarize(mine)
                s.update(tier=tier, budget=budget, corpus=corpus.name, machine=machine(),
                         date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))  # fmt: skip
                summaries[f"{label}/{corpus.name}"] = s
                (args.out / f"summary-{label}-{corpus.name}.json").write_text(
                    json.dumps(s, indent=1), encoding="utf-8"
                )
    print("| configuration | found at rest | clean-tree defects | CPU s/tree | wall s/tree |")
    print("|---|---|---|---|---|")
    for key, s in summaries.items():
        print(f"| {key} | {s['found']}/{s['bugs']} | {s['clean_defects']} "
              f"({s['clean_trees']} trees) | {s['cpu_s'].get('mean', 0)} | "
              f"{s['wall_s'].get('mean', 0)} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    if not shutil.which("git"):
        sys.exit("git is needed")
    sys.exit(main())
