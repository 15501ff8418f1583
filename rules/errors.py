"""The one error the rules package raises: a rule pack or YAML document that cannot be used.

``str()`` is ``path:line: message`` pointing at the YAML node. The engine converts it once, at
its boundary (``bot.engine.rulebook``, ``bot.engine.repo_config``), into deepcheck's own
``ConfigError``; nothing here knows about deepcheck's exception tree.
"""

from __future__ import annotations

__all__ = ["RulesError"]


class RulesError(ValueError):
    """A rules file or YAML document that cannot be used; str() is 'path:line: message'."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
