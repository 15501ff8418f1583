"""Hostile probe: a busy loop that never ends (killed at the candidate timeout)."""


def test_busy_loop() -> None:
    n = 0
    while True:
        n += 1
