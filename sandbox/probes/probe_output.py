"""Hostile probe: 200 MB of output straight to the inherited stdout and stderr (capped)."""

import os

import pytest

MB = 1 << 20


def test_flood(capfd: pytest.CaptureFixture[str]) -> None:
    chunk = b"x" * (MB - 1) + b"\n"
    with capfd.disabled():
        for n in range(200):
            os.write(1 if n % 2 else 2, chunk)
