"""Every case of the field corpus: one module per bundle (PyPI package), see ``_dsl.py``."""

from __future__ import annotations

from . import (  # noqa: F401  (imported for their side effect: they fill CASES)
    bitmath,
    cachetools,
    inflection,
    iso8601,
    isodate,
    jmespath,
    natsort,
    pytimeparse,
    rfc3986,
    semver,
    sqlparse,
    tabulate,
    tomli,
    webcolors,
)
from ._dsl import CASES

__all__ = ["CASES"]
