"""What a dependency environment holds and for which interpreter (frozen values, no I/O)."""

from __future__ import annotations

import hashlib
import json
import platform
import re
import sys
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

__all__ = ["DOCKER_TARGET", "EnvRequest", "Target", "host_target", "sha256_json"]


@dataclass(frozen=True)
class Target:
    """The interpreter wheels are chosen for. ``platform`` None: the host interpreter itself
    (pip picks its own tags); else pip's ``--python-version``/``--platform``/``--abi`` flags."""

    python_version: str  # "3.11"
    platform: str | None = None  # e.g. "manylinux_2_36_x86_64": it and every older glibc
    abi: str | None = None
    implementation: str = "cp"

    @property
    def pip_flags(self) -> list[str]:
        if self.platform is None:
            return []
        flags = ["--python-version", self.python_version, "--implementation", self.implementation]
        for tag in platform_tags(self.platform):
            flags += ["--platform", tag]
        return flags + (["--abi", self.abi] if self.abi else [])

    def describe(self) -> str:
        if self.platform is None:
            return f"CPython {self.python_version} on this host ({platform.machine()})"
        return f"CPython {self.python_version} {self.platform}"


def platform_tags(platform: str) -> list[str]:
    """``manylinux_2_36_x86_64`` and every tag a glibc 2.36 machine accepts (pip does not
    expand a ``--platform`` itself): ``manylinux_2_35`` ... ``manylinux_2_5`` and the legacy
    ``manylinux2014`` / ``manylinux2010`` / ``manylinux1`` names."""
    found = re.fullmatch(r"manylinux_2_(\d+)_(\w+)", platform)
    if found is None:
        return [platform]
    glibc, arch = int(found.group(1)), found.group(2)
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(glibc, 4, -1)]
    legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
    return tags + [f"{name}_{arch}" for minor, name in legacy.items() if glibc >= minor]


# The sandbox image: Debian bookworm (glibc 2.36), CPython 3.11, x86_64.
DOCKER_TARGET = Target("3.11", platform="manylinux_2_36_x86_64", abi="cp311")


def host_target() -> Target:
    return Target(f"{sys.version_info[0]}.{sys.version_info[1]}")


@dataclass(frozen=True)
class EnvRequest:
    """Install ``requirements`` (PEP 508) and, when they resolve, the ``optional`` ones, under
    ``constraints`` (pins), together with the
    sandbox's own ``harness`` pins (pytest, hypothesis, crosshair...: resolved jointly, so a
    conflict fails loudly), plus the project's metadata (``project``: name, version)."""

    requirements: tuple[str, ...]
    harness: tuple[str, ...]
    optional: tuple[str, ...] = ()  # installed when they resolve, else left out with a note
    constraints: tuple[str, ...] = ()
    project: tuple[str, str] | None = None
    # Source distributions: False = wheels only; True = any; a tuple = only these names.
    sdists: bool | tuple[str, ...] = False
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def harness_names(self) -> frozenset[str]:
        return frozenset(canonicalize_name(p.partition("==")[0]) for p in self.harness)

    def effective_constraints(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(constraints kept, notes): a pin of a package the sandbox itself pins is dropped
        (the sandbox's version is the one that runs the checks)."""
        kept, notes = [], []
        ours = {
            canonicalize_name(name): version
            for name, _, version in (p.partition("==") for p in self.harness)
        }
        for pin in self.constraints:
            try:
                req = Requirement(pin)
            except InvalidRequirement:
                continue
            name = canonicalize_name(req.name)
            if name in ours:
                if not req.specifier.contains(ours[name], prereleases=True):
                    notes.append(
                        f"the lock's {pin} is not used: the sandbox brings its own "
                        f"{name} {ours[name]}"
                    )
            else:
                kept.append(pin)
        return tuple(kept), tuple(notes)

    def sdist_allowed(self, name: str) -> bool:
        if isinstance(self.sdists, bool):
            return self.sdists
        return canonicalize_name(name) in {canonicalize_name(n) for n in self.sdists}


def sha256_json(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()
