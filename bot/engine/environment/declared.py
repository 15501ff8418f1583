"""What a repository declares it needs installed, from its files' contents (pure, no I/O).

``declared(files)`` takes repository-relative paths to bytes (read from the base tree by
:mod:`bot.engine.environment.reading`) and returns a :class:`Declaration`:

* requirements: ``pyproject.toml`` ``[project] dependencies``, Poetry's
  ``[tool.poetry.dependencies]`` (``^`` and ``~`` translated to PEP 440), ``setup.cfg``
  ``install_requires``, a ``setup.py``'s literal ``install_requires`` (read, never run), and
  ``requirements.txt`` with its ``-r`` includes;
* optional requirements (installed when they resolve, left out with a note when they do not):
  every ``[project.optional-dependencies]`` group, PEP 735 ``[dependency-groups]`` (with
  ``include-group``), Poetry's ``[tool.poetry.group.<name>.dependencies]`` and
  ``dev-dependencies``, ``extras_require``, and the other ``requirements*.txt`` /
  ``requirements/*.txt`` files (dev, test, docs);
* pins (constraints, never requirements): ``-c`` includes, ``uv.lock``, ``poetry.lock`` and
  ``pylock.toml`` (``name==version`` of each locked registry package);
* the project itself (name and version) when it has build metadata, so that the sandbox can
  carry its ``dist-info`` and ``importlib.metadata.version("project")`` works at import time
  (its code is imported from the checkout; no build backend is ever run).

Anything ignored (a URL, an editable, a git dependency, ``setup.py`` that would have to run) is
a note in ``Declaration.notes``.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from bot.engine.environment.requirements_txt import parse_requirements
from bot.engine.environment.setup_py import parse_setup_py

__all__ = ["Declaration", "Project", "declared", "poetry_requirement", "version_in_source"]

LOCK_FILES = ("uv.lock", "poetry.lock", "pylock.toml")
_VERSION_ASSIGN = re.compile(r"""^__version__\s*(?::\s*str\s*)?=\s*['"]([^'"]+)['"]""", re.M)


@dataclass(frozen=True)
class Project:
    name: str
    version: str


@dataclass(frozen=True)
class Declaration:
    requirements: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    pins: tuple[str, ...] = ()
    project: Project | None = None
    sources: tuple[str, ...] = ()  # the files that declared something
    notes: tuple[str, ...] = ()
    # Files this declaration would read if they were given (includes, version modules): the
    # reader reads them and asks again.
    wanted: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.requirements and not self.optional and self.project is None


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _toml(path: str, data: bytes, notes: list[str]) -> dict[str, Any] | None:
    try:
        return tomllib.loads(_text(data))
    except tomllib.TOMLDecodeError as exc:
        notes.append(f"{path}: not valid TOML, ignored ({exc})")
        return None


def _valid(spec: str, where: str, notes: list[str]) -> str | None:
    try:
        req = Requirement(spec)
    except InvalidRequirement as exc:
        notes.append(f"{where}: {spec!r} is not a requirement, ignored ({exc})")
        return None
    if req.url:
        notes.append(f"{where}: {req.name} @ URL ignored (only index packages are installed)")
        return None
    return str(req)


def _caret(version: str) -> str:
    parts = [int(p) for p in re.findall(r"\d+", version)[:3]] or [0]
    first = next((i for i, p in enumerate(parts) if p != 0), len(parts) - 1)
    upper = parts[: first + 1]
    upper[-1] += 1
    upper += [0] * (len(parts) - len(upper))
    return f">={version},<{'.'.join(map(str, upper))}"


def _tilde(version: str) -> str:
    parts = [int(p) for p in re.findall(r"\d+", version)[:3]] or [0]
    upper = parts[:2] if len(parts) > 1 else parts[:1]
    upper[-1] += 1
    return f">={version},<{'.'.join(map(str, upper))}"


def _poetry_constraint(text: str) -> str:
    out = []
    for part in (p.strip() for p in text.split(",")):
        if not part or part == "*":
            continue
        if part.startswith("^"):
            out.append(_caret(part[1:].strip()))
        elif part.startswith("~") and not part.startswith("~="):
            out.append(_tilde(part[1:].strip()))
        elif part[0].isdigit():
            out.append(f"=={part}")
        else:
            out.append(part)
    return ",".join(out)


def poetry_requirement(name: str, value: object) -> str | None:
    """A ``[tool.poetry.dependencies]`` entry as PEP 508; None for git, path and URL ones."""
    extras: list[str] = []
    marker = ""
    if isinstance(value, list):  # multiple constraints by marker: take the first
        value = value[0] if value else "*"
    if isinstance(value, dict):
        if any(k in value for k in ("git", "path", "url")):
            return None
        extras = [str(e) for e in value.get("extras", [])]
        marker = str(value.get("markers", ""))
        value = value.get("version", "*")
    spec = name + (f"[{','.join(extras)}]" if extras else "") + _poetry_constraint(str(value))
    return spec + (f"; {marker}" if marker else "")


def version_in_source(text: str) -> str | None:
    """``__version__ = "1.2.3"`` in a module's source (a literal only)."""
    found = _VERSION_ASSIGN.search(text)
    return found.group(1) if found else None


def _version(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return str(Version(text))
    except InvalidVersion:
        return None


def _get(doc: dict[str, Any], *keys: str) -> object:
    value: object = doc
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _dependency_group(
    groups: dict[str, Any], name: str, notes: list[str], seen: tuple[str, ...] = ()
) -> list[str]:
    """The requirement strings of one PEP 735 group, ``{include-group = "…"}`` expanded."""
    if name in seen:
        notes.append(f"pyproject.toml: dependency group {name} includes itself; cut there")
        return []
    entries = groups.get(name)
    out: list[str] = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            out.append(entry)
        elif isinstance(entry, dict) and isinstance(entry.get("include-group"), str):
            out += _dependency_group(groups, entry["include-group"], notes, (*seen, name))
    return out


def _module_files(module: str) -> list[str]:
    """Where the module ``module`` may live (src/ or flat layout, package or module)."""
    if not module:
        return []
    base = module.replace(".", "/")
    return [f"src/{base}/__init__.py", f"{base}/__init__.py", f"src/{base}.py", f"{base}.py"]


class _Collector:
    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files
        self.requirements: list[str] = []
        self.optional: list[str] = []
        self.pins: list[str] = []
        self.sources: list[str] = []
        self.notes: list[str] = []
        self.project: Project | None = None
        self.version_files: list[str] = []  # files that may hold a literal __version__
        self.wanted: list[str] = []

    def add(self, path: str, specs: list[str], *, optional: bool = False) -> None:
        kept = [s for s in (_valid(x, path, self.notes) for x in specs) if s]
        if kept and path not in self.sources:
            self.sources.append(path)
        into = self.optional if optional else self.requirements
        into += [s for s in kept if s not in into]

    def set_project(self, name: object, version: object, where: str) -> None:
        if self.project is not None or not isinstance(name, str) or not name.strip():
            return
        found = _version(str(version)) if version is not None else None
        for path in self.version_files if found is None else ():
            data = self.files.get(path)
            if data is None:
                self.wanted.append(path)
            elif found is None:
                found = _version(version_in_source(_text(data)))
        if found is None:
            self.notes.append(
                f"{where}: the version of {name} is not a literal; its metadata says 0"
            )
        self.project = Project(canonicalize_name(name), found or "0")

    # -- the formats ---------------------------------------------------------------------

    def pyproject(self, data: bytes) -> None:
        doc = _toml("pyproject.toml", data, self.notes)
        if doc is None:
            return
        project = doc.get("project")
        tool: dict[str, Any] = doc["tool"] if isinstance(doc.get("tool"), dict) else {}
        if isinstance(project, dict):
            self.add("pyproject.toml", [str(d) for d in project.get("dependencies", []) or []])
            for group in (project.get("optional-dependencies") or {}).values():
                self.add("pyproject.toml", [str(d) for d in group or []], optional=True)
            hatch = _get(tool, "hatch", "version")
            if isinstance(hatch, dict) and isinstance(hatch.get("path"), str):
                self.version_files.append(hatch["path"])
            attr = _get(tool, "setuptools", "dynamic", "version")
            if isinstance(attr, dict) and isinstance(attr.get("attr"), str):
                self.version_files += _module_files(attr["attr"].rpartition(".")[0])
            if isinstance(project.get("name"), str):
                package = project["name"].replace("-", "_").lower()
                self.version_files += _module_files(package)
                for layout in ("src/", ""):  # flit and friends: __version__ in a side module
                    self.version_files += [
                        f"{layout}{package}/{m}.py" for m in ("_version", "__about__", "version")
                    ]
            self.set_project(project.get("name"), project.get("version"), "pyproject.toml")
        groups = doc.get("dependency-groups")
        if isinstance(groups, dict):  # PEP 735: test / dev / docs groups
            for name in groups:
                specs = _dependency_group(groups, str(name), self.notes)
                self.add("pyproject.toml", specs, optional=True)
        poetry = tool.get("poetry")
        if isinstance(poetry, dict):
            self.add("pyproject.toml", self._poetry(poetry.get("dependencies")))
            self.set_project(poetry.get("name"), poetry.get("version"), "pyproject.toml")
            # Poetry's groups ([tool.poetry.group.<name>.dependencies]) and the older
            # [tool.poetry.dev-dependencies]: test and dev tools, like the optional groups.
            extra = [poetry.get("dev-dependencies")]
            for group in (poetry.get("group") or {}).values():
                extra.append(group.get("dependencies") if isinstance(group, dict) else None)
            for table in extra:
                self.add("pyproject.toml", self._poetry(table), optional=True)

    def _poetry(self, table: object) -> list[str]:
        specs: list[str] = []
        for name, value in (table if isinstance(table, dict) else {}).items():
            if str(name).lower() == "python":
                continue
            spec = poetry_requirement(str(name), value)
            if spec is None:
                self.notes.append(f"pyproject.toml: {name} (git/path/url) ignored")
            else:
                specs.append(spec)
        return specs

    def setup_cfg(self, data: bytes) -> None:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(_text(data), "setup.cfg")
        except configparser.Error as exc:
            self.notes.append(f"setup.cfg: unreadable, ignored ({exc.__class__.__name__})")
            return
        lines = parser.get("options", "install_requires", fallback="")
        self.add("setup.cfg", [x.strip() for x in lines.splitlines() if x.strip()])
        if parser.has_section("options.extras_require"):
            for _key, value in parser.items("options.extras_require"):
                extras = [x.strip() for x in value.splitlines() if x.strip()]
                self.add("setup.cfg", extras, optional=True)
        version = parser.get("metadata", "version", fallback=None)
        if version and version.startswith(("attr:", "file:")):
            self.version_files += _module_files(version[5:].strip().rpartition(".")[0])
            version = None
        self.set_project(parser.get("metadata", "name", fallback=None), version, "setup.cfg")

    def setup_py(self, data: bytes) -> None:
        found = parse_setup_py(_text(data))
        self.add("setup.py", found.install_requires)
        self.add("setup.py", found.extras_require, optional=True)
        if found.name is not None:
            self.set_project(found.name, found.version, "setup.py")
        if not found.install_requires and self.project is None:
            self.notes.append(
                "setup.py is read, never run (that would execute the repository's code on the "
                "host): only literal install_requires count; declare dependencies in "
                "pyproject.toml, setup.cfg or requirements.txt"
            )

    def requirements_file(
        self, path: str, *, constraints: bool, seen: set[str], optional: bool = False
    ) -> None:
        if path in seen:
            return
        seen.add(path)
        data = self.files.get(path)
        if data is None:
            self.wanted.append(path)
            self.notes.append(f"{path}: included but missing, too large or a link (ignored)")
            return
        parsed = parse_requirements(_text(data), path, as_constraints=constraints)
        self.notes += parsed.notes
        self.add(path, parsed.requirements, optional=optional)
        self.pins += [p for p in parsed.constraints if p not in self.pins]
        for inc in parsed.requirement_includes:
            self.requirements_file(inc, constraints=False, seen=seen, optional=optional)
        for inc in parsed.constraint_includes:
            self.requirements_file(inc, constraints=True, seen=seen)

    def lock(self, path: str, data: bytes) -> None:
        doc = _toml(path, data, self.notes)
        if doc is None:
            return
        entries = doc.get("packages" if path == "pylock.toml" else "package") or []
        versions: dict[str, set[str]] = {}
        own = self.project.name if self.project is not None else None
        for entry in entries:
            if not isinstance(entry, dict) or "name" not in entry or "version" not in entry:
                continue
            source = entry.get("source")
            if isinstance(source, dict) and not ({"registry", "url"} & set(source)):
                continue  # the project itself, editable / virtual / path / git
            name = canonicalize_name(str(entry["name"]))
            if name != own:
                versions.setdefault(name, set()).add(str(entry["version"]))
        pins = [f"{n}=={next(iter(v))}" for n, v in sorted(versions.items()) if len(v) == 1]
        if pins:
            self.sources.append(path)
        self.pins += [p for p in pins if p not in self.pins]


def top_requirement_files(paths: list[str]) -> list[str]:
    """The requirements files pip users name at the top level (``requirements*.txt`` at the
    root, ``requirements/*.txt``), sorted."""
    return sorted(
        p for p in paths
        if re.fullmatch(r"requirements[^/]*\.txt|requirements/[^/]+\.txt", p)
    )  # fmt: skip


def declared(files: Mapping[str, bytes]) -> Declaration:
    """The declaration of a repository whose relevant files are ``files`` (see the module)."""
    c = _Collector(files)
    if "pyproject.toml" in files:
        c.pyproject(files["pyproject.toml"])
    if "setup.cfg" in files:
        c.setup_cfg(files["setup.cfg"])
    if "setup.py" in files:
        c.setup_py(files["setup.py"])
    seen: set[str] = set()
    tops = top_requirement_files(list(files))
    for path in sorted(tops, key=lambda p: p != "requirements.txt"):  # the main file first
        c.requirements_file(path, constraints=False, seen=seen, optional=path != "requirements.txt")
    for path in sorted(p for p in files if re.fullmatch(r"constraints[^/]*\.txt", p)):
        c.requirements_file(path, constraints=True, seen=seen)
    for path in LOCK_FILES:
        if path in files:
            c.lock(path, files[path])
    return Declaration(
        requirements=tuple(c.requirements),
        optional=tuple(o for o in c.optional if o not in c.requirements),
        pins=tuple(c.pins),
        project=c.project,
        sources=tuple(c.sources),
        notes=tuple(c.notes),
        wanted=tuple(dict.fromkeys(c.wanted)),
    )
