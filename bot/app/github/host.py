"""The ports the pipeline and the GitHub App see; adapters live in one module per library.

- ``Runner`` (sandbox.runner): sandbox backends (docker_runner, process_runner).
- ``Generator`` (bot.engine.candidates): candidate generators.
- ``CodeHost`` (here): GitHub as the App uses it; ``bot.app.github.client`` is the only PyGithub
importer,
  tests use a fake GitHub REST API on 127.0.0.1 driven through the real PyGithub.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sandbox.runner import Runner

__all__ = ["Annotation", "CodeHost", "PullRequestInfo", "ReviewComment", "Runner"]


@dataclass(frozen=True)
class PullRequestInfo:
    number: int
    head_sha: str
    base_sha: str
    base_ref: str
    title: str
    body: str
    author: str
    author_is_bot: bool
    draft: bool
    # path -> the file's unified patch as GitHub returns it (None for binary / too large)
    patches: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewComment:
    path: str
    line: int  # head-side line inside the PR diff
    body: str
    start_line: int | None = None


@dataclass(frozen=True)
class Annotation:
    path: str
    start_line: int
    end_line: int
    level: str  # notice | warning | failure
    message: str
    title: str = ""


class CodeHost(Protocol):
    def pull_request(self, repo: str, number: int) -> PullRequestInfo: ...

    def head_sha(self, repo: str, number: int) -> str: ...

    def can_write(self, repo: str, user: str) -> bool: ...

    def react(self, repo: str, comment_id: int, content: str) -> None: ...

    def comment(self, repo: str, number: int, body: str) -> None: ...

    def start_check(self, repo: str, head_sha: str, name: str, external_id: str) -> int: ...

    def finish_check(
        self,
        repo: str,
        check_id: int,
        *,
        conclusion: str,
        title: str,
        summary: str,
        text: str,
        annotations: Sequence[Annotation],
    ) -> None: ...

    def review(
        self, repo: str, number: int, head_sha: str, body: str, comments: Sequence[ReviewComment]
    ) -> None: ...

    def posted_finding_ids(self, repo: str, number: int) -> set[str]: ...

    def file_on_branch(self, repo: str, path: str, branch: str) -> str | None: ...

    def upsert_issue(self, repo: str, marker: str, title: str, body: str) -> int: ...

    def clone_token(self, installation_id: int) -> str | None: ...
