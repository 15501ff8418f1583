"""Report renderers: one module per output format, registered by decorator.

``render(report, "json")`` returns the report as a string in that format. A format is added
by adding a module to this package that decorates a ``(Report) -> str`` function with
``@renderer("name")``; the modules are discovered on first use, nothing here lists them.

Formats shipped: ``text`` (rich, plain when rendered to a string), ``json`` (design.md,
version 1), ``sarif`` (2.1.0, for GitHub code scanning), ``markdown`` (the PR-facing text).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from bot.errors import UsageError
from bot.models import Report

__all__ = ["Renderer", "formats", "render", "renderer"]

Renderer = Callable[[Report], str]

_RENDERERS: dict[str, Renderer] = {}
_discovered = False


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register ``fn`` as the renderer of format ``name`` (one module per format)."""

    def register(fn: Renderer) -> Renderer:
        existing = _RENDERERS.get(name)
        if existing is not None and existing is not fn:
            raise RuntimeError(f"report format {name!r} is registered twice")
        _RENDERERS[name] = fn
        return fn

    return register


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    _discovered = True


def formats() -> tuple[str, ...]:
    """The names of the registered formats, sorted."""
    _discover()
    return tuple(sorted(_RENDERERS))


def render(report: Report, fmt: str) -> str:
    """Render ``report`` in format ``fmt``; an unknown format is a :class:`UsageError`."""
    _discover()
    try:
        fn = _RENDERERS[fmt]
    except KeyError:
        choices = ", ".join(sorted(_RENDERERS))
        raise UsageError(f"unknown report format {fmt!r} (choose from: {choices})") from None
    return fn(report)
