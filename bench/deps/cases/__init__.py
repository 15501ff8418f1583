"""Every case of the deps corpus: one module per bundle (PyPI project), see ``_dsl.py``."""

from __future__ import annotations

from . import (  # noqa: F401  (imported for their side effect: they fill CASES)
    arrow,
    croniter,
    hyperlink,
    inflect,
    moneyed,
    price_parser,
    slugify,
)
from ._dsl import CASES

__all__ = ["CASES"]
