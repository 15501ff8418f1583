"""Suite-wide: collect garbage after every test.

A client a test forgets to close (a socket to a local fake API) then warns in that test, where
``filterwarnings = error`` fails it, rather than in whichever later test the collector happens
to run during.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _collect_after_each_test() -> Iterator[None]:
    yield
    gc.collect()
