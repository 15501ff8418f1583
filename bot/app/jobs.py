"""What the GitHub App asks the engine to do: frozen values, no I/O.

Webhook routing (``bot.app.events``) turns deliveries into commands; the queue
(``bot.app.worker.tasks``)
runs them; the code host port (``bot.app.github.host.CodeHost``) carries results back to GitHub.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Trigger = Literal["pull_request", "comment", "rerequest", "nightly"]


@dataclass(frozen=True)
class RepoRef:
    installation_id: int
    full_name: str  # "owner/name"
    clone_url: str  # from the payload; file:// in tests; the token is added for http(s) only
    default_branch: str = "main"


@dataclass(frozen=True)
class CheckPR:
    """Verify one PR head. ``head_sha`` may be empty for a comment (the task fetches the PR)."""

    repo: RepoRef
    number: int
    head_sha: str = ""
    base_sha: str = ""
    tier: str = "auto"  # auto | quick | standard | deep
    paths: tuple[str, ...] = ()  # `/deep-check path/to/file.py` narrows the analysis
    trigger: Trigger = "pull_request"
    delivery_id: str = ""
    comment_id: int | None = None  # the /deep-check comment, for the 👀 reaction
    requested_by: str = ""  # the commenter's login (needs write access), for comment triggers

    @property
    def key(self) -> tuple[str, int, str]:
        """Jobs are keyed by (repository, PR, head SHA)."""
        return (self.repo.full_name, self.number, self.head_sha)


@dataclass(frozen=True)
class Reply:
    """A short answer on a PR conversation (e.g. a bad ``/deep-check`` command)."""

    repo: RepoRef
    number: int
    body: str
    comment_id: int | None = None


@dataclass(frozen=True)
class SyncInstallation:
    installation_id: int
    action: str  # created | deleted | added | removed | ...
    repositories_added: tuple[str, ...] = ()
    repositories_removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class NightlyScan:
    repo: RepoRef
    paths: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Ignore:
    reason: str


Command = CheckPR | Reply | SyncInstallation | NightlyScan | Ignore
