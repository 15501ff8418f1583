"""Hostile probe candidates, as data: ``catalog.toml`` lists them, ``probe_*.py`` are the tests.

``deepcheck doctor`` and ``tests/sandbox/test_docker_hostile.py`` run them through a Runner.
Each probe reads ``probe_config.json`` (written beside it) for what only the host knows: the
address of this machine to aim a connect at, a canary variable, a token for leftovers.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from sandbox.results import Status

HERE = Path(__file__).parent
CATALOG = HERE / "catalog.toml"
TREE_MARKER = "dc_probe_tree.py"


@dataclass(frozen=True)
class Probe:
    id: str
    title: str
    file: str
    contained: frozenset[Status]
    timeout_s: float | None = None
    sides: tuple[str, ...] = ("head",)
    alone: bool = False
    unsafe: bool = False
    host_check: str | None = None

    @property
    def test_name(self) -> str:
        """The file name in the candidate dir (pytest collects ``test_*.py``)."""
        return f"test_{self.id.replace('-', '_')}.py"

    def source(self) -> str:
        return (HERE / self.file).read_text(encoding="utf-8")


def load_probes(path: Path = CATALOG) -> tuple[Probe, ...]:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    probes = []
    for entry in doc.get("probe", []):
        probes.append(
            Probe(
                id=str(entry["id"]),
                title=str(entry["title"]),
                file=str(entry["file"]),
                contained=frozenset(Status(s) for s in entry["contained"]),
                timeout_s=float(entry["timeout_s"]) if "timeout_s" in entry else None,
                sides=tuple(entry.get("sides", ("head",))),
                alone=bool(entry.get("alone", False)),
                unsafe=bool(entry.get("unsafe", False)),
                host_check=entry.get("host_check"),
            )
        )
    return tuple(probes)
