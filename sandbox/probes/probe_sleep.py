"""Hostile probe: a sleep that never ends (killed at the candidate timeout)."""

import time


def test_sleep_forever() -> None:
    time.sleep(10**6)
