"""The one error the image builders raise (its message is one line a user reads)."""

from __future__ import annotations


class ImageError(RuntimeError):
    """An image cannot be built or found: engine refused, base missing, download failed."""
