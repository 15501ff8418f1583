"""Service settings of the GitHub App: one typed ``Settings`` from ``DEEPCHECK_*`` variables.

Nothing here is built at import time: ``deepcheck serve`` / ``worker`` make one ``Settings()``
and pass it in. ``Settings()`` never fails for a missing secret, so the CLI and tests can build
one freely; ``validate_for_serving()`` is the gate a server passes at start, and it raises one
``SettingsError`` whose message is one line naming every problem (never a secret's value).

| variable | default |
|---|---|
| ``DEEPCHECK_GITHUB_API_URL`` | ``https://api.github.com`` |
| ``DEEPCHECK_GITHUB_APP_ID`` | none (required to serve) |
| ``DEEPCHECK_GITHUB_PRIVATE_KEY`` / ``…_PATH`` | none (exactly one required to serve) |
| ``DEEPCHECK_WEBHOOK_SECRET`` | none (required to serve webhooks) |
| ``DEEPCHECK_DATA_DIR`` | ``$XDG_DATA_HOME/deepcheck`` or ``~/.local/share/deepcheck`` |
| ``DEEPCHECK_DATABASE_URL`` | ``sqlite:///<data dir>/deepcheck.db`` |
| ``DEEPCHECK_QUEUE_URL`` | ``sqlite:///<data dir>/queue.db`` (``redis://…`` switches to Redis) |
| ``DEEPCHECK_SANDBOX`` | ``auto`` (``docker`` / ``process``) |
| ``DEEPCHECK_SANDBOX_IMAGE`` | the sandbox image matching this deepcheck |
| ``DEEPCHECK_ALLOW_PROCESS_SANDBOX`` | ``false`` |
| ``DEEPCHECK_BOT_LOGIN`` | ``deepcheck[bot]`` |
| ``DEEPCHECK_SKIP_DRAFTS`` / ``DEEPCHECK_SKIP_BOTS`` | ``true`` |
| ``DEEPCHECK_ANALYSIS_MEMORY_BYTES`` | ``2147483648`` (2 GiB: the analysis child's address space) |
| ``DEEPCHECK_ANALYSIS_CPU_S`` / ``DEEPCHECK_ANALYSIS_TIMEOUT_S`` | ``1800`` / ``3600`` |
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import UsageError
from bot.git import TreeLimits
from bot.redaction import is_placeholder_secret

__all__ = ["SandboxChoice", "Settings", "SettingsError"]

SandboxChoice = Literal["auto", "docker", "process"]

MIN_WEBHOOK_SECRET_LENGTH = 16


class SettingsError(UsageError):
    """The service settings cannot be used to serve: one line, exit code 2."""


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "deepcheck"


class Settings(BaseSettings):
    """Everything the App's processes need; read from ``DEEPCHECK_*`` (and ``.env`` if given)."""

    model_config = SettingsConfigDict(
        env_prefix="DEEPCHECK_", extra="ignore", frozen=True, validate_default=True
    )

    github_api_url: str = "https://api.github.com"
    github_app_id: int | None = None
    github_private_key: SecretStr | None = None
    github_private_key_path: Path | None = None
    webhook_secret: SecretStr | None = None
    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str = ""  # "" → sqlite file under data_dir (filled in below)
    queue_url: str = ""  # "" → sqlite huey file under data_dir; redis://… → Redis
    sandbox: SandboxChoice = "auto"
    sandbox_image: str = ""  # "" → the image matching this deepcheck (`deepcheck sandbox build`)
    allow_process_sandbox: bool = False
    bot_login: str = "deepcheck[bot]"
    skip_drafts: bool = True
    skip_bots: bool = True
    # What one pull request may cost the host (docs/security.md): checked before reading.
    max_file_bytes: int = Field(default=TreeLimits.max_file_bytes, gt=0)
    max_tree_bytes: int = Field(default=TreeLimits.max_tree_bytes, gt=0)
    max_tree_files: int = Field(default=TreeLimits.max_tree_files, gt=0)
    max_diff_bytes: int = Field(default=TreeLimits.max_diff_bytes, gt=0)
    keep_trees: int = Field(default=TreeLimits.keep_trees, ge=2)
    trees_budget_bytes: int = Field(default=TreeLimits.trees_budget_bytes, gt=0)
    # The per-job analysis child (bot.app.worker.isolation): address space, CPU, wall clock.
    analysis_memory_bytes: int = Field(default=2 << 30, ge=64 << 20)
    analysis_cpu_s: int = Field(default=1800, gt=0)
    analysis_timeout_s: float = Field(default=3600.0, gt=0)
    # Building a repository's sdists runs its build code on this host (pip runs setup.py even
    # to read metadata): off in the App whatever .deepcheck.yml says, unless the operator
    # trusts every installed repository (docs/configuration.md, Dependencies).
    env_sdists: bool = False

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        # frozen model: defaults derived from data_dir are set once, here
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / 'deepcheck.db'}")
        if not self.queue_url:
            object.__setattr__(self, "queue_url", f"sqlite:///{self.data_dir / 'queue.db'}")
        object.__setattr__(self, "github_api_url", self.github_api_url.rstrip("/"))
        return self

    @property
    def tree_limits(self) -> TreeLimits:
        return TreeLimits(
            max_file_bytes=self.max_file_bytes, max_tree_bytes=self.max_tree_bytes,
            max_tree_files=self.max_tree_files, max_diff_bytes=self.max_diff_bytes,
            keep_trees=self.keep_trees, trees_budget_bytes=self.trees_budget_bytes,
        )  # fmt: skip

    @property
    def queue_backend(self) -> Literal["sqlite", "redis"]:
        return (
            "redis" if self.queue_url.startswith(("redis://", "rediss://", "unix://")) else "sqlite"
        )

    def webhook_secret_bytes(self) -> bytes:
        """The webhook secret as HMAC key bytes (empty when unset: verification then fails)."""
        if self.webhook_secret is None:
            return b""
        return self.webhook_secret.get_secret_value().encode("utf-8")

    def private_key_pem(self) -> str:
        """The App's private key, inline or read from ``github_private_key_path``."""
        if self.github_private_key is not None:
            return self.github_private_key.get_secret_value()
        if self.github_private_key_path is not None:
            return self.github_private_key_path.read_text(encoding="utf-8")
        raise SettingsError(
            "DEEPCHECK_GITHUB_PRIVATE_KEY or DEEPCHECK_GITHUB_PRIVATE_KEY_PATH is not set"
        )

    def validate_for_serving(self, *, web: bool = True, worker: bool = True) -> None:
        """Raise one ``SettingsError`` (one line) listing what stops this process from serving.

        ``web`` checks what the webhook endpoint needs (the secret); ``worker`` what talking to
        GitHub and running sandboxes need (App id, private key, sandbox policy).
        """
        problems: list[str] = []
        if web:
            problems.extend(self._webhook_problems())
        if worker:
            problems.extend(self._worker_problems())
        if problems:
            raise SettingsError("cannot serve: " + "; ".join(problems))

    def _webhook_problems(self) -> list[str]:
        name = "DEEPCHECK_WEBHOOK_SECRET"
        if self.webhook_secret is None:
            return [f"{name} is not set"]
        value = self.webhook_secret.get_secret_value()
        if is_placeholder_secret(value):
            return [f"{name} is a placeholder; use the secret set on the GitHub App"]
        if len(value) < MIN_WEBHOOK_SECRET_LENGTH:
            return [f"{name} is shorter than {MIN_WEBHOOK_SECRET_LENGTH} characters"]
        return []

    def _worker_problems(self) -> list[str]:
        problems: list[str] = []
        if self.github_app_id is None:
            problems.append("DEEPCHECK_GITHUB_APP_ID is not set")
        problems.extend(self._private_key_problems())
        if self.sandbox == "process" and not self.allow_process_sandbox:
            problems.append(
                "DEEPCHECK_SANDBOX=process is refused for the App"
                " unless DEEPCHECK_ALLOW_PROCESS_SANDBOX=true"
            )
        if not self.github_api_url.startswith(("https://", "http://")):
            problems.append("DEEPCHECK_GITHUB_API_URL must be an http(s) URL")
        return problems

    def _private_key_problems(self) -> list[str]:
        inline, path = self.github_private_key, self.github_private_key_path
        if inline is not None and path is not None:
            return [
                "set only one of DEEPCHECK_GITHUB_PRIVATE_KEY and DEEPCHECK_GITHUB_PRIVATE_KEY_PATH"
            ]
        if inline is None and path is None:
            return ["DEEPCHECK_GITHUB_PRIVATE_KEY or DEEPCHECK_GITHUB_PRIVATE_KEY_PATH is not set"]
        if path is not None:
            name = "DEEPCHECK_GITHUB_PRIVATE_KEY_PATH"
            try:
                pem = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "strerror", None) or type(exc).__name__
                return [f"{name}: cannot read {path}: {reason}"]
        else:
            name = "DEEPCHECK_GITHUB_PRIVATE_KEY"
            assert inline is not None
            pem = inline.get_secret_value()
        if is_placeholder_secret(pem):
            return [f"{name} is a placeholder"]
        if "-----BEGIN" not in pem or "PRIVATE KEY-----" not in pem:
            return [f"{name} is not a PEM private key"]
        return []
