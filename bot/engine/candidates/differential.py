"""Differential and invariant checks: drive base and head with the same inputs.

One candidate per changed function (kind ``differential``, docs/protocol.md). Strategies come
from type hints, parameter roles (rules), literals harvested from the repo's tests and call
sites, and boundaries around the constants on changed lines. An instance method also gets a
``receiver``: its class and the constructor's arguments (bot/engine/inputs/constructors.py).
Invariants from
the rule packs that apply to the function ride along in the same candidate; their results
come back as evidence with source ``invariant``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

from bot.engine.candidates.base import GenerationContext, register
from bot.engine.change.functions import unchanged_function
from bot.engine.inputs.constructors import (
    ClassResolver,
    is_instance_method,
    receiver_refusal,
    receiver_spec,
)
from bot.engine.inputs.hierarchy import defined_classes
from bot.engine.inputs.peers import pooled_args, pooled_with_steps, takes_peer
from bot.engine.inputs.strategies import args_for
from bot.engine.invariants import callable_params, invariants_for
from bot.engine.source.callers import Caller, entry_points, is_private
from bot.engine.source.fragments import text_fragments
from bot.engine.source.imports import ImportMap
from bot.engine.source.literals import (
    MAX_PER_PARAM,
    constants_near,
    harvest_literals,
    is_test_path,
    sibling_literals,
)
from bot.engine.source.modules import module_for
from bot.engine.verdict.evidence import Evidence
from bot.git import read_tree_file
from bot.models import ChangedFunction
from sandbox.results import CandidateResult
from sandbox.workspace import Candidate

_MAX_LITERAL_SOURCES = 400  # python files scanned for literals, tests first


def drivable(fn: ChangedFunction) -> str | None:
    """None when the differential driver can call ``fn`` on both sides, else why not."""
    if fn.status != "modified" or fn.base_path is None:
        return "added by the change (no base to compare)"
    if fn.nested:
        return "nested function (not callable from outside)"
    if fn.is_async:
        return "async function"
    if is_instance_method(fn):
        return receiver_refusal(fn)  # the constructor is judged with the source
    return None


def _literal_sources(ctx: GenerationContext) -> dict[str, str]:
    ordered = sorted(ctx.head_sources, key=lambda p: ("test" not in p, p))
    return {p: ctx.head_sources[p] for p in ordered[:_MAX_LITERAL_SOURCES]}


def _literals(
    fn: ChangedFunction, module_src: str, sources: dict[str, str]
) -> dict[str, list[str]]:
    """Literals per parameter, nearest first: calls of the function in its own module and the
    tests that name it, then what its sibling functions are passed for a parameter of the same
    name, then calls of that name anywhere else (``validate`` is a common name)."""
    name = fn.function.rsplit(".", 1)[-1]
    stem = PurePosixPath(fn.path).stem
    near = {p: t for p, t in sources.items() if p == fn.path or (is_test_path(p) and stem in t)}
    found = harvest_literals(near, name, fn.params, prefer=fn.path)
    for more in (
        sibling_literals(fn, module_src, sources),
        harvest_literals(sources, name, fn.params),
    ):
        for param, values in more.items():
            own = found.setdefault(param, [])
            own += [v for v in values if v not in own][: MAX_PER_PARAM - len(own)]
    return found


def differential_candidate(
    fn: ChangedFunction,
    ctx: GenerationContext,
    cand_id: str,
    *,
    equivalence: bool = True,
    reaches: ChangedFunction | None = None,
    chain: tuple[str, ...] = (),
) -> Candidate | None:
    """The differential candidate for ``fn`` (None when its arguments cannot be generated).

    ``equivalence=False`` (``deepcheck scan``) checks only the invariants, on head alone.
    ``reaches``: the changed helper ``fn`` is driven for; ``chain``: the functions of ``fn``'s
    module between them (``parse_value`` between ``loads`` and ``parse_array``), whose
    characters and patterns the drawn text needs too (``=`` for a key, quotes...).
    """
    rules = ctx.rules
    budget = ctx.budget
    head_mod = module_of(fn.path, ctx)
    base_mod = ctx.modules.get(f"base:{fn.base_path}", head_mod)
    if head_mod is None or base_mod is None:
        return None
    invariants = invariants_for(rules, fn)
    if not equivalence and not invariants:
        return None
    sources = _literal_sources(ctx)
    module_src = ctx.head_sources.get(fn.path, "")
    literals = _literals(fn, module_src, sources)
    constants = list(constants_near(fn, module_src).values())
    base_src = _base_module_source(fn, ctx) if equivalence else None
    classes = ClassResolver(
        fn.path, head_mod[1], ctx.head_sources, rules,
        base_sources={fn.path: base_src} if base_src is not None else None,
    )  # fmt: skip
    bodies = [fn.head_source, fn.base_source]
    pattern_src = module_src  # the module-level patterns the bodies may read by name
    if reaches is not None:  # driven for a changed helper: what the helper looks for counts
        bodies += [reaches.head_source, reaches.base_source]
        for name in chain:
            between = unchanged_function(fn.path, module_src, name)
            if between is not None:
                bodies.append(between.head_source)
        if reaches.path != fn.path:
            pattern_src += "\n" + ctx.head_sources.get(reaches.path, "")
    args, why_not = args_for(
        fn, rules=rules, literals=literals, constants=constants, module_source=module_src,
        classes=classes, imports=classes.imports, fragments=text_fragments(bodies, pattern_src),
    )  # fmt: skip
    if why_not:
        return None
    receiver: dict[str, Any] | None = None
    if is_instance_method(fn):
        receiver, refused = receiver_spec(
            fn, module_src, rules=rules, sources=sources, constants=constants, classes=classes,
            base_classes=defined_classes(base_src or "") if equivalence else None,
        )  # fmt: skip
        if refused:
            return None
        if receiver is not None and takes_peer(args, str(receiver["class"])):
            receiver = {**receiver, "args": pooled_args(receiver["args"])}  # ties with the peer
        if receiver is not None and receiver.get("steps"):
            args, receiver = pooled_with_steps(args, receiver)
    params = {
        "module": head_mod[1],
        "base_module": base_mod[1],
        "qualname": fn.function,
        "args": args,
        "max_examples": budget.examples,
        "reruns": budget.reruns,
        "deadline_s": budget.function_seconds,
        "equivalence": equivalence,
        "invariants": invariants,
    }
    if receiver is not None:
        params["receiver"] = receiver
    changed = reaches if reaches is not None else fn
    if changed.changed_lines:  # which of them the calls execute (coverage, on head)
        params["watch"] = {"head": {"path": changed.path, "lines": list(changed.changed_lines)}}
    return Candidate(
        id=cand_id,
        kind="differential",
        params=params,
        sides=("base", "head") if equivalence else ("head",),
        timeout_s=budget.function_seconds * 3 + 30,
    )


_MAX_MODULE_BYTES = 4_000_000


def _base_module_source(fn: ChangedFunction, ctx: GenerationContext) -> str | None:
    """The base side's text of ``fn``'s module (read from the tree, no link followed)."""
    if ctx.base_tree is None or fn.base_path is None:
        return None
    data = read_tree_file(ctx.base_tree, fn.base_path, _MAX_MODULE_BYTES)
    return data.decode("utf-8", "replace") if data is not None else None


def _entries(
    fn: ChangedFunction, ctx: GenerationContext, changed: set[str]
) -> list[tuple[ChangedFunction, tuple[str, ...]]]:
    """Up to two public functions that reach ``fn`` (its module's first, then modules of the
    package that import it) and did not change themselves, described for the driver, with
    ``fn``'s boundary constants."""
    source = ctx.head_sources.get(fn.path, "")
    root = module_of(fn.path, ctx)
    near = constants_near(fn, source).values()  # what reaches the helper's changed lines
    out = []
    exported = _exported(fn.path, ctx) if private_module(fn.path) else None
    found = [
        (fn.path, c)
        for c in entry_points(
            source, fn.function, depth=5 if exported else 2, limit=4, exported=exported or None
        )
    ]
    if len(found) < 2 and fn.class_name is None:
        found += _importers(fn, ctx)  # then the package: modules that import it
    for path, caller in found:
        if path == fn.path and caller.qualname in changed:
            continue  # changed itself: it is driven as it is
        entry = unchanged_function(path, ctx.head_sources.get(path, ""), caller.qualname)
        own = module_of(path, ctx)
        if entry is None or drivable(entry) is not None or own is None:
            continue
        if root is not None and own[0] != root[0]:
            continue  # another import root: the sandbox would not find it
        if path == fn.path:
            entry = replace(entry, base_path=fn.base_path)
        elif path not in ctx.base_files:
            continue  # the caller's module must exist on base too
        constants = tuple(dict.fromkeys((*fn.constants, *near, *entry.constants)))
        between = caller.via[1:-1] if path == fn.path else ()
        out.append((replace(entry, constants=constants), between))
        if len(out) == 2:
            break
    return out


_MAX_IMPORTERS = 30


def private_module(path: str) -> bool:
    """``tomli/_parser.py``, ``pkg/_impl/core.py``: a module the package does not expose."""
    parts = PurePosixPath(path).with_suffix("").parts
    return any(p.startswith("_") and not p.startswith("__") for p in parts)


def _exported(path: str, ctx: GenerationContext) -> frozenset[str]:
    """The names the package's public modules import from the private module ``path``
    (``from ._parser import loads`` in ``tomli/__init__.py``), nearest packages first."""
    names: set[str] = set()
    scanned = 0
    public = [p for p in ctx.head_sources if not private_module(p) and not is_test_path(p)]
    near = sorted(public, key=lambda p: (not p.endswith("__init__.py"), p.count("/"), p))
    for other in near:
        ref = module_of(other, ctx)
        if ref is None:
            continue
        scanned += 1
        if scanned > _MAX_IMPORTERS:
            break
        names |= ImportMap(other, ref[1], ctx.head_sources).names_from(path)
    return frozenset(names)


def _guessed(fn: ChangedFunction) -> bool:
    """Some required parameter has neither an annotation nor a default: its values are a guess
    (it may be a ``re.Match``, a callback, a token stream), so its callers are driven too."""
    return any(p.annotation is None and p.default is None for p in callable_params(fn))


def module_of(path: str, ctx: GenerationContext) -> tuple[str, str] | None:
    """(import root, dotted module) of a head file: the change's own, else worked out."""
    found = ctx.modules.get(path)
    if found is not None:
        return found
    try:
        ref = module_for(path, ctx.head_files)
    except ValueError:
        return None
    return ref.import_root, ref.module


def _importers(fn: ChangedFunction, ctx: GenerationContext) -> list[tuple[str, Caller]]:
    """Public callers in the package's other modules that import ``fn`` by name."""
    short = fn.function
    out: list[tuple[str, Caller]] = []
    scanned = 0
    for path, text in sorted(ctx.head_sources.items()):
        if path == fn.path or short not in text or is_test_path(path):
            continue
        ref = module_of(path, ctx)
        if ref is None:
            continue
        scanned += 1
        if scanned > _MAX_IMPORTERS:
            break
        origin = ImportMap(path, ref[1], ctx.head_sources).origin(short)
        if origin is None or origin.path != fn.path:
            continue
        out.extend((path, c) for c in entry_points(text, short, depth=2, limit=2))
        if len(out) >= 2:
            break
    return out


class DifferentialGenerator:
    name = "differential"
    phase = 1

    def __init__(self) -> None:
        self.notes: list[str] = []

    def candidates(
        self, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[tuple[Candidate, list[ChangedFunction]]]:
        out: list[tuple[Candidate, list[ChangedFunction]]] = []
        for n, fn in enumerate(functions):
            cand = None
            if drivable(fn) is None:
                cand = self._planned(fn, ctx, f"differential-{ctx.tier}-{n}")
                if cand is not None:
                    out.append((cand, [fn]))
            if (
                cand is not None
                and not is_private(fn.function)
                and not private_module(fn.path)
                and not _guessed(fn)
            ):
                continue
            # A private helper, or a function that cannot be called directly: drive the public
            # functions of its module that reach it too (the bug is reachable through them).
            changed = {f.function for f in functions if f.path == fn.path}
            for k, (entry, chain) in enumerate(_entries(fn, ctx, changed)):
                cid = f"differential-{ctx.tier}-{n}-via-{k}"
                via = self._planned(entry, ctx, cid, fn, chain)
                if via is not None:
                    out.append((via, [fn, entry]))
        return out

    def _planned(
        self,
        fn: ChangedFunction,
        ctx: GenerationContext,
        cid: str,
        reaches: ChangedFunction | None = None,
        chain: tuple[str, ...] = (),
    ) -> Candidate | None:
        try:
            return differential_candidate(fn, ctx, cid, reaches=reaches, chain=chain)
        except (ValueError, TypeError, ArithmeticError, RecursionError, KeyError) as exc:
            # Reading the repository's source is best effort: one odd function must not
            # stop the others being checked. Said in the report, never a traceback.
            self.notes.append(
                f"{fn.path}::{fn.function}: differential not planned "
                f"({type(exc).__name__}: {str(exc)[:120]})"
            )
            return None

    def interpret(
        self, result: CandidateResult, functions: list[ChangedFunction], ctx: GenerationContext
    ) -> list[Evidence]:
        fn = functions[0]
        entry = functions[1] if len(functions) > 1 else None  # driven through a caller
        via = f"@{entry.function}" if entry is not None else ""
        # the module the witness imports from: the entry point's (it may be another module)
        module = (module_of((entry or fn).path, ctx) or (".", ""))[1]
        data = result.data
        raw = data.get("coverage")
        coverage: dict[str, Any] = raw if isinstance(raw, dict) else {}
        covered = tuple(n for n in coverage.get("head", ()) if isinstance(n, int))
        status = str(data.get("status", "error"))
        examples = int(data.get("examples", 0))
        evidence: list[Evidence] = []
        if not data:
            side = next(iter(result.sides.values()), None)
            detail = side.detail if side else "no answer from the driver"
            return [
                Evidence("differential", fn, "error", detail=detail, module=module, entry=entry)
            ]
        mapped = {
            "different": "difference",
            "equal": "clean",
            "flaky": "flaky",
            "unsupported": "unsupported",
        }.get(status, "error")
        evidence.append(
            Evidence(
                "differential",
                fn,
                mapped,  # type: ignore[arg-type]
                anchor="behavior" + via,
                witness=data.get("witness"),
                detail=str(data.get("detail", "")),
                examples=examples,
                module=module,
                entry=entry,
                covered=covered,
            )
        )
        rules = ctx.rules
        by_id = {inv["id"]: inv for inv in invariants_for(rules, entry or fn)}
        for inv in data.get("invariants", []):
            inv_status = str(inv.get("status", ""))
            rule = by_id.get(str(inv.get("id")), {"id": inv.get("id")})
            ev_status = {
                "violated-head": "violation",
                "violated-both": "preexisting",
                "holds": "clean",
                "violated-base": "clean",
                "not-applicable": "clean",
                "flaky": "flaky",
            }.get(inv_status, "error")
            evidence.append(
                Evidence(
                    "invariant",
                    fn,
                    ev_status,  # type: ignore[arg-type]
                    anchor=str(rule.get("id")) + via,
                    witness=inv.get("witness"),
                    rule=dict(rule),
                    detail=str(inv.get("detail", "")),
                    examples=int(inv.get("examples", 0)),
                    module=module,
                    entry=entry,
                )
            )
        return evidence


@register("differential")
def _factory() -> DifferentialGenerator:
    return DifferentialGenerator()
