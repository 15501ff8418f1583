"""Runs INSIDE the sandbox (a ``pytest`` candidate): does a concrete input tell a variant apart?

The candidate holds this file as ``test_witness.py``, ``label_config.json``, the original
module as ``orig.py`` and each variant as ``v_<n>.py``. Every module is loaded from its file
under a private name inside the original's package, so relative and sibling imports resolve
against the checkout. The same inputs (seeded) go to the original and to each variant; a test
fails with ``DCW:{json}`` when a result or an exception type differs (the witness), with
``DCW-HANG:{json}`` when only a time-out differs, and passes when nothing told them apart.
"""

from __future__ import annotations

import copy
import datetime
import importlib.util
import itertools
import json
import math
import pathlib
import random
import re
import signal
import types
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

HERE = pathlib.Path(__file__).parent
CONFIG = json.loads((HERE / "label_config.json").read_text(encoding="utf-8"))
CALL_SECONDS = 0.25
ADDRESS = re.compile(r" at 0x[0-9a-f]+")

VALID_NUMBERS = [
    "79927398713", "4111111111111111", "4006381333931", "9780306406157", "0306406152",
    "US0378331005", "0317-8471", "037833100", "BBG000BLNNH6", "IMO 9074729", "111000025",
    "213800D1EI4B9WTWWD28", "RF18539007547034", "CSQU3054383", "2364", "0794", "1234",
    "5724", "236", "572", "07940", "3166", "079", "12345678903", "9771144875007",
    "RF712348231", "A12425GABC1234002M", "BE71096123456769", "12345674",
]  # fmt: skip
DECIMALS = [
    "0", "-0", "1", "-1", "0.5", "1.5", "2.5", "-2.5", "0.05", "0.125", "1.005", "12.345",
    "-7.25", "100", "1E+3", "1.23E-7", "9.999", "123456789.987654321", "0.1", "3", "1e-30",
    "Infinity", "-Infinity", "NaN", "sNaN", "0E-10", "5E+2", "-0.75",
]  # fmt: skip
FORMAT_SPECS = [
    "", ",", ".2f", ",.2f", "<10.3e", ">12,.1f", "+.3%", " ^9g", "010.4", "_.2f", "#.0f",
    ".0f", "-8.3F", "=+11,.2f", "n", ".5g", "e",
]  # fmt: skip
ROUNDINGS = [
    "ROUND_DOWN", "ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_CEILING", "ROUND_FLOOR",
    "ROUND_UP", "ROUND_HALF_DOWN", "ROUND_05UP",
]  # fmt: skip
CTORS = {
    "Fraction": lambda r: (r.randint(-50, 50), r.choice([1, 2, 3, 4, 7, 10, 12, 100, -3])),
    "Decimal": lambda r: (r.choice(DECIMALS),),
    "Calendar": lambda r: (r.randint(0, 6),),
    "TextCalendar": lambda r: (r.randint(0, 6),),
    "NormalDist": lambda r: (r.choice([0.0, 1.0, -2.5, 10.0]), r.choice([1.0, 0.5, 3.0])),
}


class Hang(Exception):
    pass


def _alarm(_sig: int, _frame: object) -> None:
    raise Hang()


def _load(name: str) -> types.ModuleType:
    pkg = CONFIG["package"]
    spec = importlib.util.spec_from_file_location(f"{pkg}._dc_{name[:-3]}", HERE / name)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# --- inputs: abstract specs, realized per module ------------------------------------------


def _int(r: random.Random) -> int:
    return r.choice(
        [r.randint(-3, 12), r.randint(-3, 12), r.randint(-200, 2000), 10 ** r.randint(0, 30),
         r.randint(1, 10**12), r.choice([0, 1, 2, 7, 10, 28, 29, 30, 31, 59, 60, 99, 100, 365])]
    )  # fmt: skip


def _float(r: random.Random) -> float:
    return r.choice([r.uniform(-100, 100), r.choice([0.0, -0.0, 0.5, 1.5, 2.5, -0.5, 1e-9,
                     1e300, 3.0, 0.1, 0.25]), float(r.randint(-10, 10))])  # fmt: skip


def _number(r: random.Random, kind: str) -> Any:
    if kind == "int":
        return r.randint(-20, 60)
    if kind == "float":
        return round(r.uniform(-50, 50), r.choice([0, 1, 3]))
    if kind == "Fraction":
        return Fraction(r.randint(-30, 30), r.randint(1, 9))
    return Decimal(r.choice(["1.5", "2", "-3.25", "0.1", "7", "10.05", "0", "4.75", "100"]))


def _numbers(r: random.Random) -> list[Any]:
    kind = r.choice(["int", "int", "float", "float", "Fraction", "Decimal"])
    return [_number(r, kind) for _ in range(r.choice([0, 1, 2, 3, 4, 5, 6, 9]))]


def _digits(r: random.Random) -> str:
    if r.random() < 0.5:
        base = r.choice(VALID_NUMBERS)
        if r.random() < 0.5:
            return base
        i = r.randrange(len(base))
        return base[:i] + r.choice("0123456789X") + base[i + 1 :]
    alphabet = r.choice(["0123456789", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789X"])
    return "".join(r.choice(alphabet) for _ in range(r.randint(0, 20)))


def _date(r: random.Random) -> datetime.date:
    return datetime.date(r.randint(1583, 2400), r.randint(1, 12), r.randint(1, 28))


GENERIC = [
    _int, _int, _float, _digits, _numbers, _date,
    lambda r: Fraction(r.randint(-40, 40), r.randint(1, 12)),
    lambda r: Decimal(r.choice(DECIMALS)),
    lambda r: r.choice([True, False, None]),
]  # fmt: skip

BY_NAME: dict[str, Any] = {
    "year": lambda r: r.choice([r.randint(1583, 2500), r.randint(1, 9999), 1900, 2000, 2024]),
    "month": lambda r: r.randint(0, 13) if r.random() < 0.2 else r.randint(1, 12),
    "day": lambda r: r.randint(1, 31),
    "method": lambda r: r.choice([1, 2, 3, "exclusive", "inclusive", 0, 4]),
    "rounding": lambda r: ("round", r.choice(ROUNDINGS)) if r.random() < 0.8 else None,
    "spec": lambda r: ("call", "_parse_format_specifier", (r.choice(FORMAT_SPECS),)),
    "context": lambda r: None,
    "tuple": lambda r: (r.randint(1900, 2100), r.randint(1, 12), r.randint(1, 28),
                        r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)),
    "firstweekday": lambda r: r.randint(0, 6),
    "width": lambda r: r.randint(0, 12),
}  # fmt: skip
for _n in ("data", "x", "y", "weights", "xs", "ys"):
    BY_NAME[_n] = _numbers
for _n in ("number", "digits", "s", "value", "number_", "natid"):
    BY_NAME[_n] = _digits


def _value(r: random.Random, name: str, cls: str | None) -> Any:
    if name == "self" and cls in CTORS:
        return ("inst", cls, CTORS[cls](r))
    if name in ("other", "b", "a") and cls in CTORS and r.random() < 0.6:
        return ("inst", cls, CTORS[cls](r))
    if name in BY_NAME and r.random() < 0.85:
        return BY_NAME[name](r)
    return r.choice(GENERIC)(r)


def _realize(value: Any, mod: types.ModuleType, orig: types.ModuleType) -> Any:
    if isinstance(value, tuple) and value and value[0] == "inst":
        return getattr(mod, value[1])(*value[2])
    if isinstance(value, tuple) and value and value[0] == "call":
        return getattr(orig, value[1])(*value[2])
    if isinstance(value, tuple) and value and value[0] == "round":
        return getattr(mod, value[1], value[1])
    return copy.deepcopy(value)


def _inputs(fn: dict[str, Any], r: random.Random, n: int) -> list[tuple[list[Any], dict[str, Any]]]:
    out = []
    for _ in range(n):
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for p in fn["params"]:
            if p["kind"] == "varargs":
                args += [_value(r, "x", fn["class"]) for _ in range(r.randint(0, 3))]
                continue
            if p["kind"] == "varkw":
                continue
            if p["default"] and r.random() < 0.5:
                continue
            v = _value(r, p["name"], fn["class"])
            if p["kind"] == "kwonly" or (p["default"] and r.random() < 0.3 and p["kind"] == "pos"):
                kwargs[p["name"]] = v
            elif p["kind"] in ("posonly", "pos") and not kwargs:
                args.append(v)
            else:
                kwargs[p["name"]] = v
        out.append((args, kwargs))
    return out


def _show(value: Any) -> str:
    if isinstance(value, types.GeneratorType) or type(value).__name__.endswith("iterator"):
        value = list(itertools.islice(value, 60))
    text = ADDRESS.sub("", repr(value))
    if isinstance(value, float) and math.isnan(value):
        text = "nan"
    return text


def _outcome(func: Any, args: list[Any], kwargs: dict[str, Any]) -> tuple[str, str]:
    signal.setitimer(signal.ITIMER_REAL, CALL_SECONDS)
    try:
        return ("ok", _show(func(*args, **kwargs)))
    except Hang:
        return ("hang", "")
    except RecursionError:
        return ("hang", "recursion")
    except Exception as exc:
        return ("raise", type(exc).__name__)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _func(mod: types.ModuleType, qualname: str) -> Any:
    obj: Any = mod
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _call_text(qualname: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    def show(v: Any) -> str:
        if isinstance(v, tuple) and v and v[0] in ("inst", "call"):
            return f"{v[1]}{v[2]!r}"
        if isinstance(v, tuple) and v and v[0] == "round":
            return v[1]
        return repr(v)

    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    return f"{qualname}({', '.join(parts)})"[:400]


_ORIG: dict[str, Any] = {}


def _original(qualname: str) -> tuple[types.ModuleType, list[Any]]:
    if "mod" not in _ORIG:
        _ORIG["mod"] = _load("orig.py")
    if qualname not in _ORIG:
        fn = CONFIG["functions"][qualname]
        r = random.Random(f"{CONFIG['seed']}:{qualname}")
        inputs = _inputs(fn, r, CONFIG["tries"])
        mod = _ORIG["mod"]
        results = []
        for args, kwargs in inputs:
            try:
                real_a = [_realize(a, mod, mod) for a in args]
                real_k = {k: _realize(v, mod, mod) for k, v in kwargs.items()}
            except Exception:
                results.append(None)
                continue
            results.append(_outcome(_func(mod, qualname), real_a, real_k))
        _ORIG[qualname] = list(zip(inputs, results, strict=True))
    return _ORIG["mod"], _ORIG[qualname]


signal.signal(signal.SIGALRM, _alarm)


@pytest.mark.parametrize("variant", CONFIG["variants"], ids=lambda v: v["id"])
def test_variant(variant: dict[str, Any]) -> None:
    qualname = variant["function"]
    orig, table = _original(qualname)
    mod = _load(variant["file"])
    func = _func(mod, qualname)
    hang = None
    for (args, kwargs), expected in table:
        if expected is None or expected[0] == "hang":
            continue
        try:
            real_a = [_realize(a, mod, orig) for a in args]
            real_k = {k: _realize(v, mod, orig) for k, v in kwargs.items()}
        except Exception:
            continue
        got = _outcome(func, real_a, real_k)
        if got == expected:
            continue
        witness = {
            "call": _call_text(qualname, args, kwargs),
            "base": ":".join(expected)[:300],
            "head": ":".join(got)[:300],
        }
        if got[0] == "hang":
            hang = hang or witness
            continue
        pytest.fail("DCW:" + json.dumps(witness))
    if hang is not None:
        pytest.fail("DCW-HANG:" + json.dumps(hang))
