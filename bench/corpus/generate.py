"""Build the benchmark corpus: mutants and refactors of pinned, well-tested code, labelled.

    .venv/bin/python -m bench.corpus.generate [--sandbox process|docker|auto] [--tries N]

1. snapshot the pinned sources (``sources.py``) into ``bench/corpus/sources/``;
2. for every selected function: each single-site mutant (``mutants.py``) and each refactor
   (``refactors.py``);
3. label them in the sandbox: one ``pytest`` candidate per chunk holds the original module, the
   variants and ``witness_driver.py``, which feeds the same seeded inputs to both and reports a
   witness (nothing here imports a mutant on the host);
4. write ``manifest.json`` (cases: bug, refactor, fix) and ``stats.json`` (what was dropped and
   why).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import MetadataWrapper, PositionProvider

from bench.corpus.mutants import Mutant, mutants
from bench.corpus.refactors import refactors
from bench.corpus.sources import HERE, PINS, SNAPSHOT, TARGETS, Target, bundle_files, snapshot

MANIFEST = HERE / "manifest.json"
STATS = HERE / "stats.json"
DRIVER = HERE / "witness_driver.py"
SEED = 20261128
MAX_MUTANTS = 6  # per function, sampled with the seed
MAX_REFACTORS = 2  # per function, sampled with the seed
MAX_FUNCTIONS = 45  # per module, sampled with the seed (_pydecimal has 117)
CHUNK = 30  # variants per sandbox candidate

# Methods worth mutating: classes whose instances the witness driver can build.
CLASSES = {"Fraction", "Decimal", "Calendar", "TextCalendar", "NormalDist"}
SKIP = {
    "main", "format", "formatstring", "setfirstweekday", "_get_default_locale", "getcontext",
    "setcontext", "localcontext", "_convert_other", "_convert_for_comparison", "_normalize",
    "_dec_from_triple", "__new__", "__init__", "__repr__", "__str__", "__reduce__",
    "__copy__", "__deepcopy__", "__format__", "_operator_fallbacks", "from_samples",
    "samples", "_ss", "_sum", "prmonth", "prweek", "pryear", "__hash__", "__getstate__",
    "__setstate__",
}  # fmt: skip


_PARSED: dict[str, cst.Module] = {}  # module text → its parse (nodes are identities)


@dataclass
class Fn:
    target: Target
    qualname: str
    node: cst.FunctionDef
    params: list[dict[str, Any]]
    cls: str | None


@dataclass
class Variant:
    vid: str
    fn: Fn
    kind: str  # bug | refactor
    operator: str
    description: str
    text: str  # the whole module with this variant
    label: str = "unlabelled"  # witness | hang | none | error
    witness: dict[str, str] | None = None


def _params(node: ast.FunctionDef) -> list[dict[str, Any]]:
    a = node.args
    out: list[dict[str, Any]] = []
    pos = [*a.posonlyargs, *a.args]
    defaults = [False] * (len(pos) - len(a.defaults)) + [True] * len(a.defaults)
    for i, (arg, has) in enumerate(zip(pos, defaults, strict=True)):
        kind = "posonly" if i < len(a.posonlyargs) else "pos"
        out.append({"name": arg.arg, "kind": kind, "default": has})
    if a.vararg:
        out.append({"name": a.vararg.arg, "kind": "varargs", "default": True})
    for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=True):
        out.append({"name": arg.arg, "kind": "kwonly", "default": d is not None})
    if a.kwarg:
        out.append({"name": a.kwarg.arg, "kind": "varkw", "default": True})
    return out


def functions(target: Target, text: str) -> list[Fn]:
    tree = ast.parse(text)
    module = _PARSED.get(text)
    if module is None:
        module = _PARSED[text] = cst.parse_module(text)
        _positions(module)
    cst_defs: dict[str, cst.FunctionDef] = {}
    for stmt in module.body:
        if isinstance(stmt, cst.FunctionDef):
            cst_defs[stmt.name.value] = stmt
        if isinstance(stmt, cst.ClassDef) and stmt.name.value in CLASSES:
            for inner in stmt.body.body:
                if isinstance(inner, cst.FunctionDef):
                    cst_defs[f"{stmt.name.value}.{inner.name.value}"] = inner
    out = []
    for node in tree.body:
        defs: list[tuple[str, ast.FunctionDef, str | None]] = []
        if isinstance(node, ast.FunctionDef):
            defs.append((node.name, node, None))
        if isinstance(node, ast.ClassDef) and node.name in CLASSES:
            defs += [
                (f"{node.name}.{f.name}", f, node.name)
                for f in node.body
                if isinstance(f, ast.FunctionDef)
            ]
        for qualname, fdef, cls in defs:
            if fdef.name in SKIP or fdef.decorator_list or qualname not in cst_defs:
                continue
            if fdef.end_lineno is None or fdef.end_lineno - fdef.lineno > 80:
                continue
            params = _params(fdef)
            if not params or (cls and len(params) < 1):
                continue
            out.append(Fn(target, qualname, cst_defs[qualname], params, cls))
    if len(out) > MAX_FUNCTIONS:
        keep = set(random.Random(f"{SEED}:{target.path}").sample(range(len(out)), MAX_FUNCTIONS))
        out = [f for i, f in enumerate(out) if i in keep]
    return out


_LINES: dict[int, tuple[int, int]] = {}  # id(FunctionDef node) → (first, last) source line


def _positions(module: cst.Module) -> None:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    for node, pos in wrapper.resolve(PositionProvider).items():
        if isinstance(node, cst.FunctionDef):
            _LINES[id(node)] = (pos.start.line, pos.end.line)


def _render(node: cst.FunctionDef, indent: str) -> str:
    state = CodegenState(default_indent="    ", default_newline="\n")
    state.indent_tokens = [indent] if indent else []
    node.with_changes(leading_lines=())._codegen(state)
    return "".join(state.tokens)


def _module_with(text: str, fn: Fn, new: cst.FunctionDef) -> str:
    """The module ``text`` with ``fn`` replaced by ``new``, by lines (fast on big modules)."""
    first, last = _LINES[id(fn.node)]
    lines = text.splitlines(keepends=True)
    indent = lines[first - 1][: len(lines[first - 1]) - len(lines[first - 1].lstrip())]
    rendered = _render(new, indent)
    if not rendered.endswith("\n"):
        rendered += "\n"
    return "".join(lines[: first - 1]) + rendered + "".join(lines[last:])


def _stratified(ms: list[Mutant], rng: random.Random) -> list[Mutant]:
    """At most ``MAX_MUTANTS``, round robin over operators (integers are everywhere: without
    this, off-by-one would crowd out boundary flips, rounding modes and min/max swaps)."""
    groups: dict[str, list[Mutant]] = {}
    for m in ms:
        groups.setdefault(m.operator, []).append(m)
    for g in groups.values():
        rng.shuffle(g)
    out: list[Mutant] = []
    while len(out) < MAX_MUTANTS and any(groups.values()):
        for op in sorted(groups):
            if groups[op] and len(out) < MAX_MUTANTS:
                out.append(groups[op].pop())
    return out


def variants(fns: list[Fn], text: str, start: int) -> list[Variant]:
    taken = {n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name)}
    out: list[Variant] = []
    n = start
    for fn in fns:
        rng = random.Random(f"{SEED}:{fn.target.path}:{fn.qualname}")
        ms = _stratified(list(mutants(fn.node)), rng)
        for m in ms:
            out.append(
                Variant(f"v{n}", fn, "bug", m.operator, m.description,
                        _module_with(text, fn, m.function))
            )  # fmt: skip
            n += 1
        rs = list(refactors(fn.node, taken))
        if len(rs) > MAX_REFACTORS:
            rs = rng.sample(rs, MAX_REFACTORS)
        for r in rs:
            out.append(
                Variant(f"v{n}", fn, "refactor", r.kind, r.description,
                        _module_with(text, fn, r.function))
            )  # fmt: skip
            n += 1
    return out


def _package(target: Target) -> str:
    return target.module.rsplit(".", 1)[0]


def label(all_variants: list[Variant], sandbox: str, tries: int) -> None:
    """Run the witness driver in the sandbox; sets ``label`` and ``witness`` on each variant."""
    from sandbox.select import select_runner
    from sandbox.spec import Limits, SandboxSpec
    from sandbox.workspace import Candidate, Workspace

    runner = select_runner(sandbox, allow_process=True, warn=lambda m: print(m, file=sys.stderr))
    driver = DRIVER.read_text(encoding="utf-8")
    by_bundle: dict[str, list[Candidate]] = {}
    by_id = {v.vid: v for v in all_variants}
    groups: dict[str, list[Variant]] = {}
    for v in all_variants:
        groups.setdefault(v.fn.target.path, []).append(v)
    for path, vs in groups.items():
        target = vs[0].fn.target
        orig = (SNAPSHOT / target.bundle / path).read_text(encoding="utf-8")
        for i in range(0, len(vs), CHUNK):
            chunk = vs[i : i + CHUNK]
            config = {
                "package": _package(target),
                "seed": SEED,
                "tries": tries,
                "functions": {
                    v.fn.qualname: {"params": v.fn.params, "class": v.fn.cls} for v in chunk
                },
                "variants": [
                    {"id": v.vid, "file": f"v_{v.vid}.py", "function": v.fn.qualname} for v in chunk
                ],
            }
            files = {"test_witness.py": driver, "orig.py": orig,
                     "label_config.json": json.dumps(config)}  # fmt: skip
            files.update({f"v_{v.vid}.py": v.text for v in chunk})
            cid = f"label-{path.replace('/', '_')}-{i // CHUNK}"
            by_bundle.setdefault(target.bundle, []).append(
                Candidate(cid, "pytest", files=files, sides=("head",), timeout_s=600.0)
            )
    for bundle, cands in by_bundle.items():
        for j in range(0, len(cands), 8):
            batch = tuple(cands[j : j + 8])
            print(f"labelling {bundle}: candidates {j + 1}-{j + len(batch)} of {len(cands)}",
                  file=sys.stderr)  # fmt: skip
            ws = Workspace(head=SNAPSHOT / bundle, candidates=batch)
            spec = SandboxSpec(
                seed=SEED,
                limits=Limits(candidate_timeout_s=600.0, wall_timeout_s=3600.0, memory_mb=2048),
                parallelism=1,
            )
            result = runner.run(ws, spec)
            if not result.ok:
                raise SystemExit(f"labelling failed: {result.infrastructure_error}")
            for cand in batch:
                res = result.candidates.get(cand.id)
                outcome = res.sides.get("head") if res else None
                if outcome is None:
                    continue
                for t in outcome.tests:
                    vid = str(t.get("nodeid", "")).rsplit("[", 1)[-1].rstrip("]")
                    v = by_id.get(vid)
                    if v is None:
                        continue
                    msg = str(t.get("message", ""))
                    if t.get("outcome") == "passed":
                        v.label = "none"
                    elif "DCW-HANG:" in msg:
                        v.label = "hang"
                    elif "DCW:" in msg:
                        v.label = "witness"
                        v.witness = json.loads(msg.split("DCW:", 1)[1])
                    else:
                        v.label = "error"
                if outcome.status.value not in ("passed", "failed"):
                    print(f"  {cand.id}: {outcome.status.value}: {outcome.detail[:300]}",
                          file=sys.stderr)  # fmt: skip


def _patch(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True),
            f"a/{path}", f"b/{path}",
        )
    )  # fmt: skip


def _titles(v: Variant, short: str, rng: random.Random) -> tuple[str, str]:
    where = f"`{short}.{v.fn.qualname}`"
    if v.kind == "refactor":
        return (f"Refactor {short}.{v.fn.qualname}: {v.operator.replace('-', ' ')}",
                f"{v.description[0].upper()}{v.description[1:]} in {where}. "
                "No behaviour change intended.")  # fmt: skip
    verb = rng.choice(["Adjust", "Simplify", "Tidy", "Update", "Clean up"])
    return f"{verb} {short}.{v.fn.qualname}", f"In {where}: {v.description}."


def build(all_variants: list[Variant]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rng = random.Random(SEED)
    cases: list[dict[str, Any]] = []
    by_fn: dict[tuple[str, str], list[Variant]] = {}
    for v in all_variants:
        by_fn.setdefault((v.fn.target.path, v.fn.qualname), []).append(v)
    op_counts: Counter[str] = Counter()
    fix_every = 3
    bugs_seen = 0
    for (path, qualname), vs in by_fn.items():
        target = vs[0].fn.target
        orig = (SNAPSHOT / target.bundle / path).read_text(encoding="utf-8")
        short = target.module.split(".", 1)[-1] if target.bundle == "stdlib" else target.module
        witnessed = [v for v in vs if v.kind == "bug" and v.label == "witness"]
        witnessed.sort(key=lambda v: (op_counts[v.operator], v.vid))
        chosen: list[Variant] = []
        for v in witnessed:
            if len(chosen) == 2:
                break
            if all(c.operator != v.operator for c in chosen):
                chosen.append(v)
                op_counts[v.operator] += 1
        for v in chosen:
            title, body = _titles(v, short, rng)
            base_case = {
                "module": target.module, "path": path, "bundle": target.bundle,
                "function": qualname, "category": target.category, "origin": target.origin,
                "operator": v.operator, "change": v.description, "witness": v.witness,
            }  # fmt: skip
            cases.append({"id": f"bug-{v.vid}", "kind": "bug", **base_case, "title": title,
                          "description": body, "base_patch": None,
                          "patch": _patch(path, orig, v.text)})  # fmt: skip
            bugs_seen += 1
            if bugs_seen % fix_every == 0:
                w = v.witness or {}
                fix_body = (
                    f"`{w.get('call', '')}` returns `{w.get('head', '')}` but should return "
                    f"`{w.get('base', '')}`. Reverts {v.description} in `{qualname}`."
                )
                cases.append({"id": f"fix-{v.vid}", "kind": "fix", **base_case,
                              "title": f"Fix {short}.{qualname}", "description": fix_body,
                              "base_patch": _patch(path, orig, v.text),
                              "patch": _patch(path, v.text, orig)})  # fmt: skip
        refs = [v for v in vs if v.kind == "refactor" and v.label == "none"]
        if refs:
            v = rng.choice(refs)
            title, body = _titles(v, short, rng)
            cases.append({"id": f"refactor-{v.vid}", "kind": "refactor", "module": target.module,
                          "path": path, "bundle": target.bundle, "function": qualname,
                          "category": target.category, "origin": target.origin,
                          "operator": v.operator, "change": v.description, "witness": None,
                          "title": title, "description": body, "base_patch": None,
                          "patch": _patch(path, orig, v.text)})  # fmt: skip
    stats: dict[str, Any] = {"variants": len(all_variants)}
    for kind in ("bug", "refactor"):
        vs = [v for v in all_variants if v.kind == kind]
        stats[kind] = {
            "generated": len(vs),
            "labels": dict(Counter(v.label for v in vs)),
            "by_operator": {
                op: dict(Counter(v.label for v in vs if v.operator == op))
                for op in sorted({v.operator for v in vs})
            },
        }
    stats["cases"] = dict(Counter(c["kind"] for c in cases))
    stats["by_category"] = dict(Counter(c["category"] for c in cases))
    stats["by_module"] = dict(Counter(c["module"] for c in cases))
    return cases, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox", default="process", choices=("auto", "docker", "process"))
    parser.add_argument("--tries", type=int, default=300)
    parser.add_argument("--only", default=None, help="label only targets whose path contains this")
    args = parser.parse_args(argv)
    hashes = snapshot()
    all_variants: list[Variant] = []
    for target in TARGETS:
        if args.only and args.only not in target.path:
            continue
        text = bundle_files(target.bundle)[target.path]
        fns = functions(target, text)
        vs = variants(fns, text, len(all_variants))
        print(f"{target.path}: {len(fns)} functions, {len(vs)} variants", file=sys.stderr)
        all_variants += vs
    label(all_variants, args.sandbox, args.tries)
    cases, stats = build(all_variants)
    stats["pins"] = PINS
    stats["sources_sha256"] = hashes
    stats["tries_per_function"] = args.tries
    stats["seed"] = SEED
    MANIFEST.write_text(json.dumps({"version": 1, "seed": SEED, "pins": PINS, "cases": cases},
                                   indent=1) + "\n", encoding="utf-8")  # fmt: skip
    STATS.write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: stats[k] for k in ("cases", "by_category")}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
