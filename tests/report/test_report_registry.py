"""The format registry: every format renders, unknown ones are a usage error."""

from __future__ import annotations

import pytest

from bot.errors import UsageError
from bot.models import Report
from bot.report import formats, render, renderer


def test_the_four_formats_are_registered() -> None:
    assert set(formats()) >= {"text", "json", "sarif", "markdown"}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "markdown"])
def test_every_format_renders_a_non_empty_string(report: Report, fmt: str) -> None:
    out = render(report, fmt)
    assert isinstance(out, str) and out.strip()


def test_unknown_format_is_a_usage_error(report: Report) -> None:
    with pytest.raises(UsageError, match=r"unknown report format 'xml'.*json"):
        render(report, "xml")


def test_registering_a_name_twice_is_refused() -> None:
    formats()  # discover the shipped modules first

    def other(report: Report) -> str:
        return ""

    with pytest.raises(RuntimeError, match="registered twice"):
        renderer("json")(other)
