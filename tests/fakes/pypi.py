"""A package index on 127.0.0.1 for tests and benchmarks: PEP 503 "simple" pages over a folder
of distributions, and wheels written with the standard library (no build, no network).

    with SimpleIndex(folder) as index:
        env = {"PIP_INDEX_URL": index.url}
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import tarfile
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from packaging.utils import canonicalize_name

__all__ = ["SimpleIndex", "make_sdist", "make_wheel", "slugkit_index"]

_DATE = (2020, 1, 1, 0, 0, 0)


def _record(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest},{len(data)}"


def make_wheel(
    folder: Path,
    name: str,
    version: str,
    files: dict[str, str],
    *,
    requires: tuple[str, ...] = (),
    tag: str = "py3-none-any",
) -> Path:
    """A valid wheel of ``name`` ``version`` holding ``files`` (path -> source)."""
    dist = canonicalize_name(name).replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    meta += "".join(f"Requires-Dist: {r}\n" for r in requires)
    content = {path: text.encode() for path, text in files.items()}
    content[f"{info}/METADATA"] = meta.encode()
    content[f"{info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: {tag}\n"
    ).encode()
    record = "".join(f"{p},{_record(d)}\n" for p, d in content.items()) + f"{info}/RECORD,,\n"
    content[f"{info}/RECORD"] = record.encode()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{dist}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for rel, data in content.items():
            wheel.writestr(zipfile.ZipInfo(rel, date_time=_DATE), data)
    return path


def make_sdist(folder: Path, name: str, version: str) -> Path:
    """A source distribution (PKG-INFO and a setup.py that must never run)."""
    base = f"{canonicalize_name(name).replace('-', '_')}-{version}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{base}.tar.gz"
    members = {
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        "setup.py": "raise SystemExit('an sdist was built')\n",
    }
    with tarfile.open(path, "w:gz") as tar:
        for rel, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{base}/{rel}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _project(filename: str) -> str:
    stem = re.sub(r"(\.tar\.gz|\.zip|\.whl)$", "", filename)
    return canonicalize_name(stem.split("-")[0])


class SimpleIndex:
    """``url`` is ``http://127.0.0.1:<port>/simple/``; serves every file in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.requests: list[str] = []
        folder_ref, requests = folder, self.requests

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                requests.append(self.path)
                parts = [p for p in self.path.split("?")[0].split("/") if p]
                files = sorted(p for p in folder_ref.iterdir() if p.is_file())
                if parts == ["simple"]:
                    names = sorted({_project(p.name) for p in files})
                    body = "".join(f'<a href="/simple/{n}/">{n}</a>\n' for n in names)
                    return self._send(200, f"<html><body>{body}</body></html>", "text/html")
                if len(parts) == 2 and parts[0] == "simple":
                    wanted = canonicalize_name(parts[1])
                    links = []
                    for p in files:
                        if _project(p.name) == wanted:
                            sha = hashlib.sha256(p.read_bytes()).hexdigest()
                            href = f"/files/{html.escape(p.name)}#sha256={sha}"
                            links.append(f'<a href="{href}">{html.escape(p.name)}</a>')
                    if not links:
                        return self._send(404, "not found", "text/plain")
                    body = "\n".join(links)
                    return self._send(200, f"<html><body>{body}</body></html>", "text/html")
                if len(parts) == 2 and parts[0] == "files":
                    path = folder_ref / parts[1]
                    if path.is_file() and path.parent == folder_ref:
                        return self._send(200, path.read_bytes(), "application/octet-stream")
                return self._send(404, "not found", "text/plain")

            def _send(self, code: int, body: str | bytes, kind: str) -> None:
                data = body.encode() if isinstance(body, str) else body
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/simple/"

    def __enter__(self) -> SimpleIndex:
        self._thread.start()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def slugkit_index(folder: Path) -> Path:
    """A small index folder: ``slugkit`` 1.0 (needs ``tinydep``), ``tinydep`` 1.2, and
    ``sourceonly`` 0.1 published as an sdist only."""
    make_wheel(
        folder,
        "slugkit",
        "1.0",
        {"slugkit/__init__.py": "import tinydep\n\ndef norm(s):\n    return s.strip().lower()\n"},
        requires=("tinydep>=1",),
    )
    make_wheel(folder, "tinydep", "1.2", {"tinydep.py": "VALUE = 12\n"})
    make_sdist(folder, "sourceonly", "0.1")
    return folder
