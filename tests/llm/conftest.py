"""Every Anthropic client a test makes is closed when the test ends (no socket left for GC)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.llm.client import AnthropicSampler


@pytest.fixture(autouse=True)
def _close_samplers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    made: list[AnthropicSampler] = []
    original = AnthropicSampler.__init__

    def init(self: AnthropicSampler, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(AnthropicSampler, "__init__", init)
    yield
    for sampler in made:
        sampler.close()
