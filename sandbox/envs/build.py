"""Dependency environments, built once per resolved set and reused (the orchestration).

1. **resolve**: the request (declared requirements + the sandbox's own pins, under the lock
   file's constraints) for the target interpreter, with pip on the host from the operator's
   index; every file lands in the wheel store. The resolved set is remembered per request for
   ``resolve_ttl_s``, so a warm check makes no network call at all.
2. **key**: the sha256 of the resolved set (wheel names and hashes), the project's metadata
   wheel and what it is built on (the host interpreter, or the sandbox image).
3. **build** once per key, under that key's lock (a second worker waits, then reuses) and one of
   the host's ``builds`` slots: a virtualenv (process backend) or an image layer built with
   ``--network none`` (Docker backend). Then the least recently used environments beyond the
   caps are evicted.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from sandbox.envs import pip
from sandbox.envs.cache import Entry, EnvCache, StoredWheel
from sandbox.envs.errors import EnvError
from sandbox.envs.layer import build_layer
from sandbox.envs.metawheel import metadata_wheel
from sandbox.envs.outcomes import ALLOW_SDISTS
from sandbox.envs.request import EnvRequest, Target, sha256_json
from sandbox.envs.settings import EnvSettings
from sandbox.envs.venv import build_venv
from sandbox.images.builder import ImageEngine

__all__ = ["Built", "Environments"]

_VERSION = 1  # bump when what an environment holds changes shape
_SDIST_SUFFIXES = (".tar.gz", ".zip", ".tar.bz2", ".tgz")
Log = Callable[[str], None]


def _quiet(_msg: str) -> None:
    pass


@dataclass(frozen=True)
class Built:
    key: str
    location: str  # the venv's python, or the image tag
    built: bool  # False: an existing environment was reused
    seconds: float
    packages: tuple[str, ...]
    notes: tuple[str, ...] = ()


def _name(file: str) -> str:
    try:
        return canonicalize_name(parse_wheel_filename(file)[0])
    except InvalidWheelFilename:
        return canonicalize_name(file.split("-")[0])


class Environments:
    """The environments of one host, under ``cache.root``."""

    def __init__(
        self, root: Path, settings: EnvSettings, environ: Mapping[str, str], *, log: Log = _quiet
    ) -> None:
        self.cache = EnvCache(root)
        self.settings = settings
        self.index = pip.index_environment(environ)
        self.log = log

    # -- 1. resolve --------------------------------------------------------------------------

    def _find_links(self) -> list[Path]:
        wheelhouse = self.settings.wheelhouse
        return [wheelhouse] if wheelhouse is not None and wheelhouse.is_dir() else []

    def resolve(self, request: EnvRequest, target: Target) -> tuple[list[StoredWheel], list[str]]:
        """The wheels of the resolved set (stored), and notes."""
        key = sha256_json(
            {
                "v": _VERSION, "requirements": request.requirements, "harness": request.harness,
                "optional": request.optional,
                "constraints": request.constraints, "sdists": request.sdists,
                "target": [target.python_version, target.platform, target.abi],
                "index": sha256_json(self.index),  # a hash: credentials never on disk
                "links": [str(p) for p in self._find_links()],
            }
        )  # fmt: skip
        ttl = self.settings.resolve_ttl_s
        found = self.cache.resolution(key, ttl)
        if found is not None:
            return found[0], found[1]
        timeout = self.settings.build_timeout_s
        with self.cache.lock(f"resolve-{key}", timeout):
            found = self.cache.resolution(key, ttl)
            if found is not None:
                return found[0], found[1]
            self.log("resolving the declared dependencies")
            wheels, notes = self._download_with_optional(request, target)
            self.cache.save_resolution(key, wheels, notes)
            return wheels, notes

    def _download_with_optional(
        self, request: EnvRequest, target: Target
    ) -> tuple[list[StoredWheel], list[str]]:
        """The requirements with the optional ones; when those break the resolution, without
        them (and a note saying which failure left them out)."""
        attempts = [replace(request, requirements=(*request.requirements, *request.optional))]
        if request.optional:
            attempts.append(request)
        for n, attempt in enumerate(attempts):
            scratch = self.cache.scratch()
            try:
                wheels, notes = self._download(attempt, target, scratch)
            except EnvError as exc:
                if n + 1 == len(attempts):
                    raise
                optional_failure = str(exc)
                continue
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            if n > 0:
                notes.append(
                    f"optional dependencies left out ({len(request.optional)}): {optional_failure}"
                )
            return wheels, notes
        raise AssertionError("unreachable")

    def _download(
        self, request: EnvRequest, target: Target, scratch: Path
    ) -> tuple[list[StoredWheel], list[str]]:
        timeout = self.settings.build_timeout_s
        dest = scratch / "dist"
        notes = pip.download(
            request, target, dest, find_links=self._find_links(), index=self.index,
            cache=self.cache.root, timeout=timeout,
        )  # fmt: skip
        sdists = sorted(p for p in dest.iterdir() if p.name.endswith(_SDIST_SUFFIXES))
        for sdist in sdists:
            name = sdist.name.rsplit("-", 1)[0]
            if not request.sdist_allowed(name):  # pip was told so; never build one anyway
                raise EnvError(
                    f"dependency {name!r} is only available as a source distribution",
                    package=name,
                    fix=ALLOW_SDISTS.format(name=name),
                )
        if sdists:
            pip.build_wheels(sdists, dest, index=self.index, cache=self.cache.root, timeout=timeout)
            notes.append("built from source (sandbox.sdists): " + ", ".join(s.name for s in sdists))
            for sdist in sdists:
                sdist.unlink()
        files = sorted(p for p in dest.iterdir() if p.name.endswith(".whl"))
        total = sum(p.stat().st_size for p in files)
        if total > self.settings.max_mb << 20:
            raise EnvError(
                f"the resolved wheels take {total >> 20} MB, over the "
                f"{self.settings.max_mb} MB cap",
                fix="raise DEEPCHECK_ENV_MAX_MB",
            )
        return [self.cache.store(p) for p in files], notes

    # -- 2 and 3: key, build, reuse ----------------------------------------------------------

    def _meta(self, request: EnvRequest, scratch: Path) -> tuple[Path | None, str]:
        if request.project is None:
            return None, ""
        name, data = metadata_wheel(*request.project)
        path = scratch / name
        path.write_bytes(data)
        return path, sha256_json(data.hex())

    def venv(self, request: EnvRequest) -> Built:
        """A virtualenv for the process backend (the host interpreter)."""
        from sandbox.envs.request import host_target

        base = f"{os.path.realpath(sys.executable)} {sys.version}"
        return self._ensure(request, host_target(), "venv", base, engine=None)

    def layer(
        self, request: EnvRequest, target: Target, base_image: str, engine: ImageEngine
    ) -> Built:
        """An image layer on ``base_image`` for the Docker backend."""
        return self._ensure(request, target, "docker", base_image, engine=engine)

    def _ensure(
        self, request: EnvRequest, target: Target, kind: str, base: str, engine: ImageEngine | None
    ) -> Built:
        started = time.monotonic()
        wheels, notes = self.resolve(request, target)
        if kind == "docker":  # the sandbox image brings the harness's own packages
            wheels = [w for w in wheels if _name(w.file) not in request.harness_names]
        meta_key = sha256_json(list(request.project)) if request.project else ""
        key = sha256_json(
            {"v": _VERSION, "kind": kind, "base": base, "meta": meta_key,
             "wheels": sorted(w.sha256 for w in wheels)}
        )  # fmt: skip
        packages = tuple(sorted({_name(w.file) for w in wheels} - request.harness_names))
        timeout = self.settings.build_timeout_s
        entry = self._reusable(key, engine)
        if entry is None:
            with self.cache.lock(key, timeout):
                entry = self._reusable(key, engine)
                if entry is None:
                    with self.cache.slot(self.settings.builds, timeout):
                        entry = self._build(key, kind, base, wheels, request, engine, packages)
            self._evict(keep=key, engine=engine)
            built = True
        else:
            self.cache.touch(entry)
            built = False
        seconds = round(time.monotonic() - started, 3)
        return Built(key, entry.location, built, seconds, packages, tuple(notes))

    def _reusable(self, key: str, engine: ImageEngine | None) -> Entry | None:
        entry = self.cache.entry(key)
        if entry is None:
            return None
        if entry.kind == "venv" and not Path(entry.location).exists():
            return None
        if entry.kind == "docker" and (
            engine is None or engine.image_labels(entry.location) is None
        ):
            return None
        return entry

    def _build(
        self, key: str, kind: str, base: str, wheels: list[StoredWheel], request: EnvRequest,
        engine: ImageEngine | None, packages: tuple[str, ...],
    ) -> Entry:  # fmt: skip
        scratch = self.cache.scratch()
        try:
            paths = []
            for w in wheels:
                path = self.cache.stored(w)
                if path is None:
                    raise EnvError(f"the cached wheel {w.file} vanished; run the check again")
                paths.append(path)
            meta, _ = self._meta(request, scratch)
            if meta is not None:
                paths.append(meta)
            timeout = self.settings.build_timeout_s
            self.log(f"building the dependency environment ({len(packages)} packages)")
            if kind == "venv":
                python, size = build_venv(
                    self.cache.venv_dir(key), paths, scratch=scratch,
                    max_bytes=self.settings.max_mb << 20, timeout=timeout,
                )  # fmt: skip
                location = str(python)
            else:
                assert engine is not None
                location = build_layer(
                    engine, key=key, base_image=base, wheels=paths, context=scratch / "ctx",
                    log=_quiet,  # docker build's own lines: not for the user's progress
                )  # fmt: skip
                size = sum(p.stat().st_size for p in paths)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        now = time.time()
        entry = Entry(
            key, kind, location, size, now, now, list(packages), [w.sha256 for w in wheels]
        )
        self.cache.save(entry)
        return entry

    def _evict(self, *, keep: str, engine: ImageEngine | None) -> list[Entry]:
        def remove(entry: Entry) -> bool:
            if entry.kind != "docker":
                return True
            if engine is None:
                return False  # its image lives in an engine this process does not hold
            return (
                engine.remove_image(entry.location) or engine.image_labels(entry.location) is None
            )

        return self.cache.evict(
            max_entries=self.settings.cache_entries,
            max_bytes=self.settings.cache_mb << 20,
            keep=keep,
            remove=remove,
        )
