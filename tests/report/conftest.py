"""Fixtures for the renderer tests; the values themselves live in ``report_values``."""

from __future__ import annotations

import pytest
from report_values import make_behavior_change, make_defect, make_outside, make_report, make_risk

from bot.models import Finding, Report, Spent


@pytest.fixture
def defect() -> Finding:
    return make_defect()


@pytest.fixture
def report() -> Report:
    return make_report((make_risk(), make_behavior_change(), make_defect(), make_outside()))


@pytest.fixture
def empty_report() -> Report:
    return make_report((), changed_functions=(), skipped=(), notes=(), spent=Spent())
