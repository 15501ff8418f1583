"""What a sandbox run is allowed: image, limits, timeouts, seed."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_IMAGE_REPO = "deepcheck-sandbox"


@dataclass(frozen=True)
class Limits:
    """Hard limits for one sandbox start (one container holding many candidates)."""

    memory_mb: int = 1024
    pids: int = 256
    cpus: float = 2.0
    tmpfs_mb: int = 128
    # Captured stdout+stderr kept per candidate side; the rest is drained and dropped.
    output_bytes: int = 32_000
    # Per candidate side (one pytest file, one differential driver...).
    candidate_timeout_s: float = 60.0
    # The whole start: the container is killed past this.
    wall_timeout_s: float = 600.0


@dataclass(frozen=True)
class SandboxSpec:
    """Backend-neutral description of a sandbox start."""

    image: str | None = None  # None: the default image for this deepcheck version
    limits: Limits = field(default_factory=Limits)
    seed: int = 0
    # Candidate sides run at once inside one start.
    parallelism: int = 2
