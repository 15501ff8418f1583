"""The rule packs as the engine loads them: ``rules.loader`` behind deepcheck's error tree.

``rules/`` raises its own ``RulesError``; here, at the engine's boundary, it becomes a
:class:`bot.errors.ConfigError` (``path:line: message``, exit 2 on the command line). Every part
of deepcheck loads rules through this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.errors import ConfigError
from rules import loader
from rules.errors import RulesError
from rules.ruleset import RuleSet

__all__ = ["RuleSet", "config_error", "load_rules", "load_rules_reporting"]


def config_error(exc: RulesError, suffix: str = "") -> ConfigError:
    """``exc`` as deepcheck's ``ConfigError`` (with ``suffix`` added to its message)."""
    return ConfigError(exc.path, exc.line, exc.message + suffix)


def load_rules(extra: Iterable[str | Path] = (), *, root: Path | None = None) -> RuleSet:
    """The built-in packs plus ``extra``; the first broken pack raises ``ConfigError``."""
    try:
        return loader.load_rules(extra, root=root)
    except RulesError as exc:
        raise config_error(exc) from None


def load_rules_reporting(
    extra: Iterable[str | Path] = (), *, root: Path | None = None
) -> tuple[RuleSet, list[ConfigError]]:
    """The packs that load, and a ``ConfigError`` for each repository pack left out."""
    try:
        rules, errors = loader.load_rules_reporting(extra, root=root)
    except RulesError as exc:
        raise config_error(exc) from None
    return rules, [config_error(e) for e in errors]
