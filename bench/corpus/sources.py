"""Pinned sources the corpus mutates, and how each becomes a small repository ("bundle").

Every bundle is a snapshot of real, well-tested code that ships in Python packages, copied as
text into ``bench/corpus/sources/<bundle>/`` by ``generate.py`` so that materializing a case
needs nothing installed. ``PINS`` records the exact versions; ``generate.py`` refuses to run
against others. Standard-library modules live in a package ``pystd`` so they never shadow the
real ones (``statistics`` imports ``fractions``; Hypothesis imports ``decimal``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE / "sources"

PINS = {"python": "3.11", "python-stdnum": "2.2", "python-dateutil": "4.0.0"}

STDNUM_MODULES = (
    "luhn", "verhoeff", "damm", "ean", "isbn", "isin", "issn", "iso6346", "cusip", "figi",
    "imo", "lei", "iso11649", "us/rtn", "iso7064/mod_97_10", "iso7064/mod_11_10",
    "iso7064/mod_11_2", "iso7064/mod_37_2", "iso7064/mod_37_36",
)  # fmt: skip


@dataclass(frozen=True)
class Target:
    """One module whose functions are mutated."""

    bundle: str  # snapshot directory and repository content
    path: str  # repo-relative path of the module
    module: str  # dotted import name inside the repository
    category: str  # money | date | other
    origin: str  # "python 3.11 stdlib calendar", "python-stdnum 2.2 stdnum/luhn.py"


TARGETS: tuple[Target, ...] = (
    Target("stdlib", "pystd/calendar.py", "pystd.calendar", "date", "stdlib calendar"),
    Target("stdlib", "pystd/_pydecimal.py", "pystd._pydecimal", "money", "stdlib _pydecimal"),
    Target("stdlib", "pystd/fractions.py", "pystd.fractions", "other", "stdlib fractions"),
    Target("stdlib", "pystd/statistics.py", "pystd.statistics", "other", "stdlib statistics"),
    Target("dateutil", "dateutil/easter.py", "dateutil.easter", "date", "python-dateutil"),
    *(
        Target(
            "stdnum", f"stdnum/{m}.py", "stdnum." + m.replace("/", "."), "money", "python-stdnum"
        )
        for m in STDNUM_MODULES
    ),
)


def _stdlib_files() -> dict[str, Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = {f"pystd/{m}.py": root / f"{m}.py" for m in ("calendar", "_pydecimal", "fractions")}
    files["pystd/statistics.py"] = root / "statistics.py"
    return files


def _dist_file(dist: str, rel: str) -> Path:
    return Path(str(md.distribution(dist).locate_file(rel)))


def _stdnum_files() -> dict[str, Path]:
    rels = ["stdnum/__init__.py", "stdnum/exceptions.py", "stdnum/util.py"]
    rels += ["stdnum/iso7064/__init__.py", "stdnum/us/__init__.py"]
    rels += [f"stdnum/{m}.py" for m in STDNUM_MODULES]
    return {r: _dist_file("python-stdnum", r) for r in rels}


def _dateutil_files() -> dict[str, Path]:
    rels = ["dateutil/__init__.py", "dateutil/_version.py", "dateutil/easter.py"]
    return {r: _dist_file("python-dateutil", r) for r in rels}


def check_pins() -> None:
    """Refuse to snapshot from anything but the pinned versions."""
    have = {
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "python-stdnum": md.version("python-stdnum"),
        "python-dateutil": md.version("python-dateutil"),
    }
    wrong = {k: (v, have[k]) for k, v in PINS.items() if have[k] != v}
    if wrong:
        raise SystemExit(f"corpus: pinned versions differ (pinned, installed): {wrong}")


def snapshot() -> dict[str, str]:
    """Copy the pinned sources into ``SNAPSHOT``; returns {bundle/path: sha256}."""
    check_pins()
    hashes: dict[str, str] = {}
    bundles = {"stdlib": _stdlib_files(), "stdnum": _stdnum_files(), "dateutil": _dateutil_files()}
    for bundle, files in bundles.items():
        if bundle == "stdlib":
            files = {**files, "pystd/__init__.py": None}  # type: ignore[dict-item]
        for rel, src in sorted(files.items()):
            text = "" if src is None else src.read_text(encoding="utf-8")
            dest = SNAPSHOT / bundle / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
            hashes[f"{bundle}/{rel}"] = hashlib.sha256(text.encode()).hexdigest()
    return hashes


def bundle_files(bundle: str) -> dict[str, str]:
    """The snapshot files of one bundle: {repo-relative path: text}."""
    root = SNAPSHOT / bundle
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.py"))
    }
