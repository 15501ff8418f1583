"""The project's own metadata as a wheel holding only a ``dist-info`` (pure bytes, no build).

A project with build metadata is imported from the checkout (base and head each), never
installed; but its code may ask ``importlib.metadata.version("project")`` at import time. This
wheel installs just ``<name>-<version>.dist-info`` (METADATA, WHEEL, RECORD; pip adds INSTALLER),
so that call answers. No build backend runs: the name and version come from the declaration.
The bytes are deterministic (fixed timestamps), so the cache key is stable.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

from packaging.utils import canonicalize_name

__all__ = ["metadata_wheel"]

_DATE = (2020, 1, 1, 0, 0, 0)


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()},{len(data)}"


def metadata_wheel(name: str, version: str) -> tuple[str, bytes]:
    """(file name, bytes) of a wheel of ``name`` ``version`` with metadata only."""
    dist = canonicalize_name(name).replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    files = {
        f"{info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            "Summary: the repository under review (metadata only; code from the checkout)\n"
        ).encode(),
        f"{info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: deepcheck\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(f"{path},{_record_hash(data)}\n" for path, data in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files.items():
            entry = zipfile.ZipInfo(path, date_time=_DATE)
            entry.external_attr = 0o644 << 16
            wheel.writestr(entry, data)
    return f"{dist}-{version}-py3-none-any.whl", buffer.getvalue()
