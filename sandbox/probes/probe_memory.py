"""Hostile probe: allocate (and touch) memory until something stops us."""


def test_memory_bomb() -> None:
    hoard = []
    while True:
        hoard.append(b"x" * (32 << 20))  # bytes * n writes every page
