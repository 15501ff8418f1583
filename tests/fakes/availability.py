"""What a test does when a real component it needs is missing: fail in CI, skip elsewhere.

CI (``CI=true``) installs and starts everything the suite needs (``make test``), so a missing
Docker engine or service there is a broken setup, never a skip.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def unavailable(what: str, reason: str, *, hint: str = "") -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} must run in CI, but: {reason}", pytrace=False)
    pytest.skip(f"{what} unavailable: {reason}{hint}")
