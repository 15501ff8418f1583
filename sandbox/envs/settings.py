"""The budgets of dependency environments, from ``DEEPCHECK_ENV_*`` variables (documented in
docs/configuration.md, "Dependencies"). Read once by the caller and passed in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from sandbox.envs.errors import EnvError

__all__ = ["DEFAULT_WHEELHOUSE", "EnvSettings"]

# The sandbox image's own wheels (``deepcheck sandbox build`` fills it): the harness's pinned
# packages resolve from here first, so a private index need not carry them.
DEFAULT_WHEELHOUSE = Path(__file__).resolve().parents[2] / "build" / "wheelhouse"


@dataclass(frozen=True)
class EnvSettings:
    max_mb: int = 1024  # the resolved wheels and the installed environment, each
    build_timeout_s: float = 900.0  # one resolution, one download, one build
    builds: int = 2  # environment builds at once on this host (all workers together)
    cache_entries: int = 20  # environments kept (LRU by last use)
    cache_mb: int = 8192  # their total size
    resolve_ttl_s: float = 86_400.0  # a resolution is reused this long, then redone
    wheelhouse: Path | None = DEFAULT_WHEELHOUSE  # --find-links (the sandbox's own wheels)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> EnvSettings:
        """``DEEPCHECK_ENV_MAX_MB`` etc.; a bad value is an EnvError naming the variable."""
        values: dict[str, object] = {}
        for f in fields(cls):
            var = f"DEEPCHECK_ENV_{f.name.upper()}"
            raw = environ.get(var)
            if raw is None or raw.strip() == "":
                continue
            if f.name == "wheelhouse":
                values[f.name] = Path(raw)
                continue
            try:
                number = float(raw) if f.name.endswith("_s") else int(raw)
            except ValueError:
                raise EnvError(f"{var} must be a number (got {raw!r})") from None
            if number <= 0:
                raise EnvError(f"{var} must be positive (got {raw!r})")
            values[f.name] = number
        return cls(**values)  # type: ignore[arg-type]
