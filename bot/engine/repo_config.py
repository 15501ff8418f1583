"""The repository's ``.deepcheck.yml``: tiers per path, extra rules, sandbox, nightly, blocking.

A broken file never stops a run: ``load_repo_config`` returns the configuration it could use
plus one ``ConfigError`` (``path:line: message``) per problem. Invalid YAML gives all defaults;
an unknown key is ignored; a bad entry of a list (a tier entry with an unknown tier name, a
rules path outside the repository) is dropped; a bad value of any other key falls back to that
key's default. docs/configuration.md describes every key.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError

from bot.engine.rulebook import config_error
from bot.errors import ConfigError
from rules.errors import RulesError
from rules.schema import TIER_ORDER, Tier
from rules.yamldoc import YamlDoc, parse_yaml

__all__ = [
    "CONFIG_FILE",
    "NightlyConfig",
    "RepoConfig",
    "SandboxConfig",
    "TierPath",
    "load_repo_config",
    "path_matches",
]

CONFIG_FILE = ".deepcheck.yml"
BlockingKind = Literal["defect", "behavior-change"]


def _glob(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        raise ValueError("an empty path pattern matches nothing")
    return value


def _repo_file(value: object) -> object:
    if isinstance(value, str):
        pure = PurePosixPath(value)
        if pure.is_absolute() or ".." in pure.parts:
            raise ValueError(f"{value!r} must be a path inside the repository")
    return value


def _hh_mm(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value // 60}:{value % 60:02d}"  # YAML 1.1 reads 12:30 as 750 (base 60)
    if isinstance(value, str):
        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
        if match is None:
            raise ValueError(f"time must be HH:MM (24 h, UTC), not {value!r}")
        return f"{int(match.group(1)):02d}:{match.group(2)}"
    return value


Glob = Annotated[str, BeforeValidator(_glob)]
RepoFile = Annotated[str, BeforeValidator(_repo_file)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TierPath(_Frozen):
    paths: tuple[Glob, ...] = Field(min_length=1)
    tier: Tier


_PACKAGE_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class SandboxConfig(_Frozen):
    image: str | None = None  # a locally built image; None = deepcheck's default image
    install: str | None = None  # baked into a per-repo image (docs/configuration.md)
    # Install what the repository declares (pyproject, requirements, locks) into a cached
    # environment (docs/configuration.md, "Dependencies"); sdists: True, or only these names.
    dependencies: bool = True
    sdists: bool | tuple[Annotated[str, Field(pattern=_PACKAGE_NAME)], ...] = False


class NightlyConfig(_Frozen):
    paths: tuple[Glob, ...] = ()
    time: Annotated[str, BeforeValidator(_hh_mm)] = "03:00"


class RepoConfig(_Frozen):
    tiers: tuple[TierPath, ...] = ()
    rules: tuple[RepoFile, ...] = ()
    sandbox: SandboxConfig = SandboxConfig()
    nightly: NightlyConfig | None = None
    fail_on: tuple[BlockingKind, ...] = ("defect", "behavior-change")
    skip: tuple[Glob, ...] = ()
    max_functions: int | None = Field(default=None, ge=1)

    def tier_for(self, path: str) -> Tier | None:
        """The highest tier of the ``tiers`` entries whose globs match ``path``."""
        found = [t.tier for t in self.tiers if any(path_matches(g, path) for g in t.paths)]
        return max(found, key=TIER_ORDER.index) if found else None

    def is_skipped(self, path: str) -> bool:
        return any(path_matches(g, path) for g in self.skip)

    def in_nightly(self, path: str) -> bool:
        return self.nightly is not None and any(path_matches(g, path) for g in self.nightly.paths)


_ITEMS: dict[str, TypeAdapter[Any]] = {
    "tiers": TypeAdapter(TierPath),
    "rules": TypeAdapter(RepoFile),
    "skip": TypeAdapter(Glob),
    "fail_on": TypeAdapter(BlockingKind),
}
_SECTIONS: dict[str, type[_Frozen]] = {"sandbox": SandboxConfig, "nightly": NightlyConfig}


def load_repo_config(
    source: Path | str, *, label: str | None = None
) -> tuple[RepoConfig, list[ConfigError]]:
    """The configuration from a file (``Path``; a missing file means defaults) or YAML text.

    ``label`` names the file in messages (default: the file name, or ``.deepcheck.yml``).
    """
    config, problems = _load(source, label)
    return config, [config_error(p) for p in problems]


def _load(source: Path | str, label: str | None) -> tuple[RepoConfig, list[RulesError]]:
    if isinstance(source, Path):
        shown = label or source.name
        try:
            text = source.read_text(encoding="utf-8")
        except FileNotFoundError:
            return RepoConfig(), []
        except (OSError, UnicodeDecodeError) as exc:
            return RepoConfig(), [RulesError(shown, None, f"cannot read: {exc}")]
    else:
        shown, text = label or CONFIG_FILE, source
    try:
        doc = parse_yaml(text, shown)
    except RulesError as exc:
        return RepoConfig(), [RulesError(exc.path, exc.line, f"{exc.message} (using defaults)")]
    errors = doc.duplicate_keys()
    if doc.data is None:
        return RepoConfig(), errors
    if not isinstance(doc.data, dict):
        errors.append(doc.error((), "expected a mapping of settings (using defaults)"))
        return RepoConfig(), errors
    values: dict[str, Any] = {}
    for key, raw in doc.data.items():
        name = str(key)
        if name not in RepoConfig.model_fields:
            known = ", ".join(RepoConfig.model_fields)
            errors.append(doc.error((name,), f"unknown key {name!r} (ignored; known: {known})"))
        elif name in _ITEMS:
            values[name] = _items(doc, name, raw, errors)
        elif name in _SECTIONS:
            values[name] = _section(doc, name, raw, errors)
        else:
            values[name] = raw
    try:
        return RepoConfig.model_validate(values), errors
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            name = str(err["loc"][0])
            errors.append(doc.error((name,), f"{name}: {err['msg']} (using the default)"))
            values.pop(name, None)
        return RepoConfig.model_validate(values), errors


def _items(doc: YamlDoc, name: str, raw: Any, errors: list[RulesError]) -> tuple[Any, ...]:
    """The valid entries of a list setting; each bad entry is dropped and reported."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.append(doc.error((name,), f"{name}: expected a list (using the default)"))
        return tuple(RepoConfig.model_fields[name].default)
    kept = []
    for i, item in enumerate(raw):
        try:
            kept.append(_ITEMS[name].validate_python(item))
        except ValidationError as exc:
            for err in doc.errors(exc, (name, i)):
                errors.append(RulesError(err.path, err.line, f"{err.message} (entry dropped)"))
    return tuple(kept)


def _section(doc: YamlDoc, name: str, raw: Any, errors: list[RulesError]) -> Any:
    """A mapping setting: unknown keys are ignored, a bad value means the default section."""
    model = _SECTIONS[name]
    if raw is None:
        return model()
    if not isinstance(raw, dict):
        errors.append(doc.error((name,), f"{name}: expected a mapping (using the default)"))
        return RepoConfig.model_fields[name].default
    known = {k: v for k, v in raw.items() if k in model.model_fields}
    for key in raw:
        if key not in model.model_fields:
            errors.append(doc.error((name, str(key)), f"unknown key '{name}.{key}' (ignored)"))
    try:
        return model.model_validate(known)
    except ValidationError as exc:
        for err in doc.errors(exc, (name,)):
            errors.append(RulesError(err.path, err.line, f"{err.message} (using the default)"))
        return RepoConfig.model_fields[name].default


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip().removeprefix("./")
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern  # like .gitignore: a bare name matches at any depth
    if pattern.startswith("/"):
        pattern = pattern[1:]
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out).rstrip("/") + r"(?:/.*)?\Z")


def path_matches(pattern: str, path: str) -> bool:
    """Whether a repo-relative posix ``path`` matches a glob.

    ``*`` and ``?`` stay inside one path segment, ``**`` spans segments, a pattern without a
    slash matches at any depth, and a pattern that matches a directory matches what is in it.
    """
    return _glob_regex(pattern).match(path.removeprefix("./")) is not None
