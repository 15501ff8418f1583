"""Webhook handlers register here, by decorator, per (event, action); sans-I/O.

A module owns one concern and has its own ``router = Router()``; ``bot.app.routes`` composes them
(as gidgethub's ``Router(*others)`` does). Event names are GitHub's strings, unchanged.

A handler takes a ``Delivery`` and the ``Settings`` and returns commands (``bot.app.jobs``). It
reads the payload through ``Delivery.get``, which raises ``PayloadError`` for a missing or
mistyped field; ``Router.route`` turns that into an ``Ignore`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.app.jobs import Command, Ignore, RepoRef
from bot.app.settings import Settings

__all__ = ["Delivery", "Handler", "PayloadError", "Router"]

T = TypeVar("T")


class PayloadError(ValueError):
    """A payload field a handler needs is missing or has the wrong type."""


@dataclass(frozen=True)
class Delivery:
    event: str
    payload: Mapping[str, Any]
    delivery_id: str = ""

    @property
    def action(self) -> str | None:
        action = self.payload.get("action")
        return action if isinstance(action, str) else None

    def get(self, dotted: str, kind: type[T]) -> T:
        """``payload["a"]["b"]`` for ``"a.b"``, checked to be a ``kind``."""
        value: Any = self.payload
        for key in dotted.split("."):
            if not isinstance(value, Mapping) or key not in value:
                raise PayloadError(f"{self.event} payload has no {dotted}")
            value = value[key]
        # bool is an int: never accept one for the other
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise PayloadError(f"{self.event} payload: {dotted} is not {kind.__name__}")
        return value

    def has(self, dotted: str) -> bool:
        value: Any = self.payload
        for key in dotted.split("."):
            if not isinstance(value, Mapping) or value.get(key) is None:
                return False
            value = value[key]
        return True

    def repo(self) -> RepoRef:
        """The repository the delivery is about, with the installation that can act on it."""
        return RepoRef(
            installation_id=self.get("installation.id", int),
            full_name=self.get("repository.full_name", str),
            clone_url=self.get("repository.clone_url", str),
            default_branch=self.get("repository.default_branch", str),
        )


Handler = Callable[[Delivery, Settings], list[Command]]


class Router:
    """Handlers by (event, action); ``action=None`` registers for every action of the event."""

    def __init__(self, *others: Router) -> None:
        self._handlers: dict[tuple[str, str | None], list[Handler]] = {}
        for other in others:
            for key, handlers in other._handlers.items():
                self._handlers.setdefault(key, []).extend(handlers)

    def register(self, event: str, *actions: str) -> Callable[[Handler], Handler]:
        """Decorator: ``@router.register("pull_request", "opened", "synchronize")``."""

        def decorate(handler: Handler) -> Handler:
            for action in actions or (None,):
                self._handlers.setdefault((event, action), []).append(handler)
            return handler

        return decorate

    def events(self) -> frozenset[str]:
        return frozenset(event for event, _ in self._handlers)

    def handlers(self, event: str, action: str | None) -> list[Handler]:
        found = list(self._handlers.get((event, None), ()))
        if action is not None:
            found.extend(self._handlers.get((event, action), ()))
        return found

    def route(self, delivery: Delivery, settings: Settings) -> list[Command]:
        handlers = self.handlers(delivery.event, delivery.action)
        if not handlers:
            name = delivery.event + (f".{delivery.action}" if delivery.action else "")
            return [Ignore(f"{name}: not handled")]
        commands: list[Command] = []
        for handler in handlers:
            try:
                commands.extend(handler(delivery, settings))
            except PayloadError as exc:
                commands.append(Ignore(str(exc)))
        return commands
