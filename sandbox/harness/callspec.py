"""The signature of the function under test, as the differential params describe it.

Turns a dict of argument values into a call-server request and into the human-readable call
of a witness: ``compound(principal=Decimal('1.00'), rate=Decimal('0.5'), periods=1)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from . import strategies
from .codec import decode, encode

KINDS = (
    "positional_only",
    "positional_or_keyword",
    "keyword_only",
    "var_positional",
    "var_keyword",
)


@dataclass(frozen=True)
class Arg:
    name: str
    kind: str
    strategy: dict[str, Any]


@dataclass(frozen=True)
class CallSpec:
    module: str
    base_module: str
    qualname: str
    args: tuple[Arg, ...]

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> CallSpec:
        try:
            module = str(params["module"])
            qualname = str(params["qualname"])
            args = tuple(
                Arg(str(a["name"]), str(a.get("kind", "positional_or_keyword")), a["strategy"])
                for a in params.get("args", [])
            )
        except (KeyError, TypeError) as exc:
            raise strategies.SpecError(f"bad differential params: missing {exc}") from exc
        for a in args:
            if a.kind not in KINDS:
                raise strategies.SpecError(f"argument {a.name}: unknown kind {a.kind!r}")
        return cls(module, str(params.get("base_module") or module), qualname, args)

    def strategy(self) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries({a.name: strategies.build(a.strategy) for a in self.args})

    def _split(self, values: dict[str, Any]) -> tuple[list[Any], list[tuple[str, Any]]]:
        pos: list[Any] = []
        kw: list[tuple[str, Any]] = []
        for a in self.args:
            if a.name not in values:
                continue
            v = values[a.name]
            if a.kind == "positional_only":
                pos.append(v)
            elif a.kind == "var_positional":
                pos.extend(v)
            elif a.kind == "var_keyword":
                kw.extend((str(k), x) for k, x in dict(v).items())
            else:
                kw.append((a.name, v))
        return pos, kw

    def request(self, values: dict[str, Any]) -> dict[str, Any]:
        pos, kw = self._split(values)
        return {"pos": [encode(v) for v in pos], "kw": {k: encode(v) for k, v in kw}}

    def call_text(self, values: dict[str, Any]) -> str:
        pos, kw = self._split(values)
        parts = [repr(v) for v in pos] + [f"{k}={v!r}" for k, v in kw]
        return f"{self.qualname}({', '.join(parts)})"

    def explicit_examples(self, docs: Any) -> list[dict[str, Any]]:
        """``params.examples``: argument dicts (encoded values) tried before generated ones."""
        names = {a.name for a in self.args}
        out = []
        for doc in docs or []:
            if not isinstance(doc, dict) or set(doc) != names:
                raise strategies.SpecError(f"example must give exactly {sorted(names)}: {doc!r}")
            out.append({k: decode(v) for k, v in doc.items()})
        return out

    def encoded_args(self, values: dict[str, Any]) -> dict[str, Any]:
        return {k: encode(v) for k, v in values.items()}
