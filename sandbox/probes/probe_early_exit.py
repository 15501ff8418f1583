"""Hostile probe: a test that exits the interpreter with status 0 before pytest reports."""

import os


def test_passes_first() -> None:
    assert True


def test_exit_early() -> None:
    os._exit(0)


def test_would_fail() -> None:
    raise AssertionError("never reached")
