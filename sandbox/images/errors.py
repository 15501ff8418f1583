"""The one error the image builders raise (its message is one line a user reads)."""

from __future__ import annotations


class ImageError(RuntimeError):
    """An image cannot be built or found: engine refused, base missing, download failed."""


class BaseUnavailable(ImageError):
    """The default base image is missing and cannot be made here (no root or no debootstrap)."""
