"""Suite-wide: close the model clients tests make, then collect garbage after every test.

A client a test forgets to close (a socket to a local fake API) then warns in that test, where
``filterwarnings = error`` fails it, rather than in whichever later test the collector happens
to run during. Samplers a test module builds itself (``AnthropicSampler(...)`` called from a
file under ``tests/``) are closed first, as a user's code would: a leak in deepcheck's own code
(a sampler it builds and forgets) still fails the test.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _collect_after_each_test() -> Iterator[None]:
    from bot.llm import client

    made: list[Any] = []
    real_init = client.AnthropicSampler.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        caller = Path(sys._getframe(1).f_code.co_filename).resolve()
        if caller.is_relative_to(TESTS):
            made.append(self)

    client.AnthropicSampler.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        client.AnthropicSampler.__init__ = real_init  # type: ignore[method-assign]
        for sampler in made:
            with contextlib.suppress(Exception):
                sampler.close()
    gc.collect()
