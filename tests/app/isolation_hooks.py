"""Preludes the analysis child runs before the analysis (``isolation.TEST_PRELUDE``): what a
pathological pull request could make the host-side analysis do, without crafting one."""

from __future__ import annotations

import os
import time

from bot.errors import InfrastructureError

SECRET_NAMES = ("DEEPCHECK_", "ANTHROPIC_", "GITHUB_", "GH_")


def allocate() -> None:
    """Grow until the address-space limit stops it (MemoryError in the child)."""
    blocks = []
    while True:
        blocks.append(bytearray(32 << 20))


def hang() -> None:
    time.sleep(3600)


def sigkill() -> None:
    os.kill(os.getpid(), 9)


def no_secrets() -> None:
    """Fail the analysis if the child can see a secret of the App's environment."""
    leaked = sorted(k for k in os.environ if k.startswith(SECRET_NAMES) or "TOKEN" in k)
    if leaked:
        raise InfrastructureError(f"the analysis child sees {', '.join(leaked)}")
