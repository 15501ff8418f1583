"""Load and validate rule packs into one ``RuleSet``.

Every ``rules/*.yml`` file shipped with deepcheck is a pack; a repository adds its own with the
``rules:`` key of ``.deepcheck.yml`` (files inside the repository). Packs load in order — the
built-in ones sorted by file name, then the repository's in the order listed — and a later pack
replaces an earlier entry with the same id (``disable:`` removes one). Every error is a
``RulesError`` ``path:line: message`` pointing at the YAML node: invalid YAML, a missing or
unknown key, a regex that does not compile, an invariant expression the driver cannot evaluate,
a role that no pack defines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rules.errors import RulesError
from rules.ruleset import RuleSet
from rules.schema import Loc, Pack, TierSection
from rules.yamldoc import YamlDoc, parse_yaml

__all__ = [
    "BUILTIN_DIR",
    "RuleSet",
    "builtin_packs",
    "load_rules",
    "load_rules_reporting",
    "parse_pack",
]

BUILTIN_DIR = Path(__file__).resolve().parent
_SECTIONS = ("words", "patterns", "roles", "invariants", "risks")


def builtin_packs() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.yml"))


def parse_pack(text: str, path: str) -> tuple[Pack, YamlDoc]:
    """One pack from its text; raises the first RulesError (path:line) it finds."""
    doc = parse_yaml(text, path)
    errors = doc.duplicate_keys()
    if not isinstance(doc.data, dict):
        errors.append(doc.error((), "a rule pack is a mapping with a 'pack' key"))
    if errors:
        raise errors[0]
    try:
        pack = Pack.model_validate(doc.data)
    except ValidationError as exc:
        raise doc.errors(exc)[0] from None
    for loc, message in pack.problems():
        raise doc.error(loc, message)
    return pack, doc


@dataclass
class _State:
    """Packs merged so far; entries keyed by section then id, in load order."""

    entries: dict[str, dict[str, Any]] = field(default_factory=lambda: {s: {} for s in _SECTIONS})
    origins: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    tiers: TierSection | None = None
    texts: list[tuple[str, str]] = field(default_factory=list)

    def copy(self) -> _State:
        return _State(
            {s: dict(d) for s, d in self.entries.items()},
            dict(self.origins),
            self.tiers,
            list(self.texts),
        )

    def add(self, pack: Pack, doc: YamlDoc, text: str) -> None:
        groups: list[tuple[str, Loc, list[Any], str]] = [
            ("words", ("money", "words"), list(pack.money.words), "id"),
            ("patterns", ("money", "patterns"), list(pack.money.patterns), "id"),
            ("roles", ("roles",), list(pack.roles), "role"),
            ("invariants", ("invariants",), list(pack.invariants), "id"),
            ("risks", ("risks",), list(pack.risks), "id"),
        ]
        for section, loc, items, key in groups:
            for i, item in enumerate(items):
                ident = getattr(item, key)
                self.entries[section][ident] = item
                self.origins[f"{section}:{ident}"] = (doc.path, doc.line((*loc, i)))
        for i, ident in enumerate(pack.disable):
            hits = [s for s in _SECTIONS if ident in self.entries[s]]
            if not hits:
                raise doc.error(("disable", i), f"disable: no rule with id {ident!r} is loaded")
            for section in hits:
                del self.entries[section][ident]
        if pack.tiers is not None:
            self.tiers = pack.tiers
        self.texts.append((doc.path, text))

    def check_references(self) -> None:
        roles = set(self.entries["roles"])
        for section in ("invariants", "risks"):
            for ident, item in self.entries[section].items():
                for _loc, role in item.referenced_roles():
                    if role not in roles:
                        path, line = self.origins[f"{section}:{ident}"]
                        raise RulesError(path, line, f"{ident}: unknown role {role!r}")

    def ruleset(self) -> RuleSet:
        digest = hashlib.sha256()
        for name, text in self.texts:
            digest.update(name.encode() + b"\0" + text.encode() + b"\0")
        order = {ident: n for n, ident in enumerate(self.entries["roles"])}
        roles = sorted(self.entries["roles"].values(), key=lambda r: (-r.priority, order[r.role]))
        return RuleSet(
            version=digest.hexdigest()[:16],
            packs=tuple(name for name, _text in self.texts),
            words=tuple(self.entries["words"].values()),
            patterns=tuple(self.entries["patterns"].values()),
            roles=tuple(roles),
            invariants=tuple(self.entries["invariants"].values()),
            tiers=self.tiers or TierSection(),
            risks=tuple(self.entries["risks"].values()),
            origins={k: f"{p}:{n}" if n else p for k, (p, n) in self.origins.items()},
        )


def _read(path: Path, shown: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(shown, None, "rules file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(shown, None, f"cannot read rules file: {exc}") from None


def _extra_path(entry: str | Path, root: Path | None) -> tuple[Path, str]:
    path = Path(entry)
    if root is None:
        return path, str(entry)
    full = (root / path).resolve()
    if path.is_absolute() or not full.is_relative_to(root.resolve()):
        raise RulesError(str(entry), None, "a rules file must be inside the repository")
    return full, path.as_posix()


def _add(state: _State, path: Path, shown: str) -> None:
    text = _read(path, shown)
    pack, doc = parse_pack(text, shown)
    state.add(pack, doc, text)


def _builtin_state() -> _State:
    """The shipped packs; they may refer to each other's roles whatever their file order."""
    state = _State()
    for path in builtin_packs():
        _add(state, path, f"rules/{path.name}")
    state.check_references()
    return state


def load_rules(extra: Iterable[str | Path] = (), *, root: Path | None = None) -> RuleSet:
    """The built-in packs plus ``extra`` (paths relative to ``root`` when given).

    Raises the first RulesError found, in load order.
    """
    state = _builtin_state()
    for entry in extra:
        _add(state, *_extra_path(entry, root))
        state.check_references()
    return state.ruleset()


def load_rules_reporting(
    extra: Iterable[str | Path] = (), *, root: Path | None = None
) -> tuple[RuleSet, list[RulesError]]:
    """Like ``load_rules``, but a broken repository pack is left out and reported.

    The run continues with the packs that load. A broken built-in pack still raises: that is
    deepcheck's own bug, not the repository's.
    """
    state = _builtin_state()
    errors: list[RulesError] = []
    for entry in extra:
        trial = state.copy()
        try:
            _add(trial, *_extra_path(entry, root))
            trial.check_references()
        except RulesError as exc:
            errors.append(exc)
            continue
        state = trial
    return state.ruleset(), errors
