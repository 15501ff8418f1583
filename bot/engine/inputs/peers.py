"""Two instances of one class that are *nearly* equal: the inputs comparisons turn on (pure).

``Version(1, 2, 3).compare(Version(1, 2, 4))``: a method that takes another instance of its own
class (an operator, ``compare``, ``__eq__``, ``merge``) changes behaviour mostly where the two
agree on every field but one. Independent draws over ``-10000..10000`` almost never agree, so
the constructor arguments of such a pair are also drawn from a tiny shared pool (0, 1, 2 for
numbers, ``''``/``'a'`` for text, the spec's own first literals): ties become common and the
field that differs is the one the change looks at.
"""

from __future__ import annotations

from typing import Any

__all__ = ["pool_instances", "pooled_args", "pooled_with_steps", "takes_peer"]

Spec = dict[str, Any]

_NUMBERS = [0, 1, 2]
_TEXT = ["", "a"]
_LEAVES: dict[str, list[Any]] = {"integers": _NUMBERS, "text": _TEXT}


def _pool(spec: Spec) -> list[Any]:
    """The few values a constructor argument is drawn from when a tie is wanted."""
    values: list[Any] = []
    stack = [spec]
    while stack and len(values) < 3:
        s = stack.pop(0)
        kind = s.get("type")
        if kind == "sampled_from":
            values += [v for v in s.get("values", [])[:2] if not isinstance(v, dict)]
        elif kind == "one_of":
            stack += [o for o in s.get("options", []) if isinstance(o, dict)]
        elif kind in _LEAVES:
            values += _LEAVES[kind]
    unique: list[Any] = []
    for v in values:
        if v not in unique and (v is not None and not isinstance(v, bool)):
            unique.append(v)
    return unique[:4]


def pooled_args(args: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Constructor ``args`` whose strategies also draw from a small pool (ties between two
    instances); arguments with nothing to pool are left as they are."""
    out = []
    for arg in args:
        pool = _pool(arg["strategy"])
        if pool:
            shared = {"type": "sampled_from", "values": pool}
            arg = {**arg, "strategy": {"type": "one_of", "options": [shared, arg["strategy"]]}}
        out.append(arg)
    return out


def pooled_with_steps(args: list[Spec], receiver: Spec) -> tuple[list[Spec], Spec]:
    """A method's ``args`` and its ``receiver`` with steps (bot/engine/inputs/steps.py), all
    drawn from small pools as well: the steps and the call then meet on the same few keys and
    sizes (a cache of 2 that holds key 1, then reads key 1)."""
    steps = [{**s, "args": pooled_args(s["args"])} for s in receiver.get("steps", [])]
    made = {**receiver, "args": pooled_args(receiver.get("args", [])), "steps": steps}
    return pooled_args(args), made


def pool_instances(spec: Spec, class_name: str) -> tuple[Spec, bool]:
    """``spec`` with every ``instance`` of ``class_name`` (or listing it among its classes)
    pooled, and whether there was one."""
    if spec.get("type") == "instance" and class_name in (
        spec.get("class"),
        *spec.get("subclasses", ()),
    ):
        return {**spec, "args": pooled_args(spec.get("args", []))}, True
    if spec.get("type") == "one_of":
        found = False
        options = []
        for option in spec.get("options", []):
            made, hit = pool_instances(option, class_name) if isinstance(option, dict) else (
                option, False,
            )  # fmt: skip
            options.append(made)
            found = found or hit
        return {**spec, "options": options}, found
    return spec, False


def takes_peer(args: list[dict[str, Any]], class_name: str) -> bool:
    """Whether some argument may be an instance of ``class_name`` (pooled by args_for)."""
    return any(pool_instances(a["strategy"], class_name)[1] for a in args)
