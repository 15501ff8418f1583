"""YAML documents that remember the line of every node.

Rule packs and ``.deepcheck.yml`` are parsed once into both plain Python data and PyYAML's node
tree; a location (the tuple of keys and indexes pydantic reports, or one of our own) is walked
down the node tree to the line a person should look at. Every error here is a ``RulesError``
``path:line: message``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from rules.errors import RulesError

__all__ = ["YamlDoc", "parse_yaml"]


@dataclass(frozen=True)
class YamlDoc:
    path: str
    data: Any
    root: yaml.Node | None

    def line(self, loc: Sequence[str | int]) -> int | None:
        """The 1-based line of the node at ``loc`` (or of its deepest existing ancestor).

        A location that ends on a mapping key points at the key's line, so an unknown or bad
        key is reported where it is written; one that ends on a list index points at the item.
        """
        node = self.root
        if node is None:
            return 1
        line = node.start_mark.line + 1
        for part in loc:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                found = next(((k, v) for k, v in node.value if k.value == part), None)
                if found is None:
                    continue  # e.g. a discriminator tag pydantic adds to the location
                line, node = found[0].start_mark.line + 1, found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    break
                node = node.value[part]
                line = node.start_mark.line + 1
        return line

    def error(self, loc: Sequence[str | int], message: str) -> RulesError:
        return RulesError(self.path, self.line(loc), message)

    def errors(self, exc: ValidationError, prefix: Sequence[str | int] = ()) -> list[RulesError]:
        """One RulesError per pydantic error, located at its YAML line."""
        out = []
        for err in exc.errors(include_url=False):
            loc = (*prefix, *err["loc"])
            out.append(self.error(loc, _describe(loc, err["type"], err["msg"])))
        return out

    def duplicate_keys(self) -> list[RulesError]:
        """Mapping keys written twice (PyYAML silently keeps the last one)."""
        out: list[RulesError] = []
        for node in _walk(self.root):
            if isinstance(node, yaml.MappingNode):
                seen: set[str] = set()
                for key, _value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value in seen:
                        line = key.start_mark.line + 1
                        out.append(RulesError(self.path, line, f"duplicate key {key.value!r}"))
                    seen.add(str(key.value))
        return out


def _walk(node: yaml.Node | None) -> Iterable[yaml.Node]:
    if node is None:
        return
    yield node
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _walk(key)
            yield from _walk(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item)


def _describe(loc: Sequence[str | int], kind: str, msg: str) -> str:
    where = ".".join(str(p) for p in loc if not (isinstance(p, str) and p in _TAGS)) or "file"
    if kind == "extra_forbidden":
        return f"unknown key {where!r}"
    if kind == "missing":
        return f"{where}: required key is missing"
    msg = msg.removeprefix("Value error, ")
    return f"{where}: {msg}"


_TAGS = frozenset({"param", "call", "compare"})  # discriminator tags pydantic adds to locations


def parse_yaml(text: str, path: str) -> YamlDoc:
    """Parse one YAML document; invalid YAML is a RulesError at the offending line."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise RulesError(path, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise RulesError(path, None, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return YamlDoc(path, data, root)
