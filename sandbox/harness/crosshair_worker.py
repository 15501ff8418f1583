"""Worker side of kind ``crosshair``: symbolic ``diffbehavior`` between base and head.

Runs PR code (CrossHair executes both versions), so it is an ordinary untrusted worker. The
head tree is on ``sys.path`` and the function's module imports normally; the base version of
that one module is loaded from the base tree under a distinct name (``dc_base__<module>``)
with the same ``__package__``, so its relative and absolute imports resolve to head's
packages. Only the function's own module differs between the two versions CrossHair compares.

Each difference CrossHair reports is re-run concretely on both versions (the arguments are
rebuilt from CrossHair's reprs in this same untrusted process) and kept only when the concrete
results differ; the first confirmed one becomes the witness, in the differential shape.
"""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
import importlib
import importlib.util
import inspect
import os
import sys
import time
from collections import Counter
from typing import Any

from .callserver import raised_value, resolve
from .channel import ReportWriter
from .codec import decode, encode, safe_repr
from .compare import equivalent


def _module_file(roots: list[str], module: str) -> str | None:
    rel = module.replace(".", os.sep)
    for root in roots:
        for candidate in (f"{rel}.py", os.path.join(rel, "__init__.py")):
            path = os.path.join(root, candidate)
            if os.path.isfile(path):
                return path
    return None


def _load_base(roots: list[str], module: str) -> Any:
    path = _module_file(roots, module)
    if path is None:
        raise ModuleNotFoundError(f"{module} is not in the base tree")
    name = "dc_base__" + module.replace(".", "__")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    is_package = path.endswith("__init__.py")
    mod.__package__ = module if is_package else module.rpartition(".")[0]
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _function_info(mod: Any, qualname: str) -> Any:
    from crosshair.fnutil import FunctionInfo

    parts = qualname.split(".")
    if len(parts) == 1:
        return FunctionInfo.from_module(mod, parts[0])
    owner = mod
    for part in parts[:-1]:
        owner = getattr(owner, part)
    return FunctionInfo.from_class(owner, parts[-1])


def _concrete(fn: Any, sig: inspect.Signature, args: dict[str, Any]) -> Any:
    pos, kw = [], {}
    for name, value in args.items():
        param = sig.parameters.get(name)
        if param is not None and param.kind is inspect.Parameter.POSITIONAL_ONLY:
            pos.append(value)
        else:
            kw[name] = value
    try:
        result = fn(*pos, **kw)
    except BaseException as exc:  # an outcome of the code under test
        result = raised_value(exc)
    return decode(encode(result))


def _confirm(
    diff: Any, fns: tuple[Any, Any], sig: inspect.Signature, ns: dict[str, Any], qualname: str
) -> dict[str, Any] | None:
    try:
        first = {k: eval(v, dict(ns)) for k, v in diff.args.items()}
    except Exception as exc:  # a repr that does not evaluate back: report, do not confirm
        print(f"dc_harness.crosshair: cannot rebuild {diff.args}: {exc!r}", file=sys.stderr)
        return None
    values = [
        _concrete(fn, sig, {k: eval(v, dict(ns)) for k, v in diff.args.items()}) for fn in fns
    ]
    if equivalent(values[0], values[1]):
        return None
    call = ", ".join(f"{k}={v!r}" for k, v in first.items())
    return {
        "args": {k: encode(v) for k, v in first.items()},
        "call": f"{qualname}({call})",
        "base": safe_repr(values[0]),
        "head": safe_repr(values[1]),
        "base_value": encode(values[0]),
        "head_value": encode(values[1]),
    }


def run(config: dict[str, Any], writer: ReportWriter) -> int:
    started = time.monotonic()
    params = config["params"]
    head_roots = [str(p) for p in config["sys_paths"]["head"]]
    base_roots = [str(p) for p in config["sys_paths"]["base"]]
    module, qualname = str(params["module"]), str(params["qualname"])
    base_module = str(params.get("base_module") or module)
    os.environ["PYTHONPATH"] = os.pathsep.join(head_roots)
    sys.path[0:0] = head_roots
    data: dict[str, Any] = {"status": "error", "examples": 0, "detail": ""}
    try:
        head_fn, why = resolve(module, qualname)
        head_mod = importlib.import_module(module)
        base_mod = _load_base(base_roots, base_module)
    except BaseException as exc:  # importing PR code may raise anything
        data["detail"] = f"cannot import: {type(exc).__name__}: {exc}"
        writer.send({"type": "crosshair", "data": data})
        return 0
    if why:
        data.update(status="unsupported", detail=why)
        writer.send({"type": "crosshair", "data": data})
        return 0
    import crosshair.core_and_libs  # noqa: F401  (registers CrossHair's patches)
    from crosshair.diff_behavior import ExceptionEquivalenceType, diff_behavior
    from crosshair.options import DEFAULT_OPTIONS, AnalysisOptionSet

    budget = float(params.get("deadline_s", 20))
    options = DEFAULT_OPTIONS.overlay(
        AnalysisOptionSet(
            per_condition_timeout=budget,
            per_path_timeout=float(params.get("per_path_timeout_s", min(5.0, budget / 4))),
        )
    )
    options.stats = Counter()
    nondeterministic: list[bool] = []
    base_info, head_info = _function_info(base_mod, qualname), _function_info(head_mod, qualname)
    diffs = diff_behavior(
        base_info,
        head_info,
        options,
        ExceptionEquivalenceType.SAME_TYPE,
        on_nondeterminism=lambda: nondeterministic.append(True),
    )
    paths = int(options.stats["num_paths"])
    data["examples"] = paths
    if isinstance(diffs, str):
        data["detail"] = diffs
    else:
        fns = (base_info.callable()[0], head_fn)
        ns = {
            **vars(head_mod),
            "Decimal": decimal.Decimal,
            "Fraction": fractions.Fraction,
            "datetime": dt,
            "date": dt.date,
            "timedelta": dt.timedelta,
        }
        sig = inspect.signature(head_fn)
        confirmed = [w for d in diffs if (w := _confirm(d, fns, sig, ns, qualname))]
        if confirmed:
            data.update(status="different", witness=confirmed[0])
            data["detail"] = f"{len(confirmed)} of {len(diffs)} difference(s) confirmed"
        elif diffs:
            data.update(status="flaky", detail="CrossHair's differences did not reproduce")
        else:
            exhausted = options.stats["exhaustion"] > 0
            data.update(
                status="equal",
                detail="all paths exhausted"
                if exhausted
                else f"no difference in {paths} paths (not exhaustive)",
            )
    if nondeterministic:
        data["detail"] = (data["detail"] + "; nondeterministic behaviour seen").strip("; ")
    data["seconds"] = round(time.monotonic() - started, 3)
    writer.send({"type": "crosshair", "data": data})
    return 0
