"""Fakes at the ports for the App tests: an in-memory code host, a sandbox that runs nothing,
and small real git repositories served over ``file://``."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.app.github.host import Annotation, PullRequestInfo, ReviewComment
from bot.report.markdown import finding_marker
from sandbox.results import CandidateResult, Outcome, RunResult, Status
from sandbox.spec import SandboxSpec
from sandbox.workspace import Workspace

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        env=GIT_ENV,
        capture_output=True,
        text=True,
        errors="replace",
    )
    return out.stdout.strip()


def write(repo: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def commit(repo: Path, files: dict[str, str], message: str) -> str:
    write(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


class Clock:
    """A hand-driven clock for the store: tests advance time instead of sleeping."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class PullRequestRepo:
    path: Path
    base: str
    head: str

    @property
    def url(self) -> str:
        return f"file://{self.path}"


def pr_repo(root: Path, base: dict[str, str], head: dict[str, str]) -> PullRequestRepo:
    """``main`` holds ``base``; branch ``feature`` adds ``head`` on top (the pull request)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    base_sha = commit(root, base, "base")
    git(root, "checkout", "-q", "-b", "feature")
    head_sha = commit(root, head, "Change the code")
    git(root, "checkout", "-q", "main")
    return PullRequestRepo(root, base_sha, head_sha)


def github_patches(repo: Path, base: str, head: str) -> dict[str, str | None]:
    """Per-file patches the way GitHub's PR files API returns them (hunks, no headers)."""
    names = git(repo, "diff", "--name-only", base, head).splitlines()
    patches: dict[str, str | None] = {}
    for name in names:
        diff = git(repo, "diff", "--unified=3", base, head, "--", name)
        start = diff.find("\n@@")
        patches[name] = diff[start + 1 :] if start >= 0 else None
    return patches


@dataclass
class CheckRun:
    id: int
    head_sha: str
    name: str
    external_id: str
    status: str = "in_progress"
    conclusion: str = ""
    title: str = ""
    summary: str = ""
    annotations: tuple[Annotation, ...] = ()


@dataclass
class Review:
    number: int
    head_sha: str
    body: str
    comments: tuple[ReviewComment, ...]


@dataclass
class FakeHost:
    """An in-memory ``CodeHost``: pull requests, files per branch, and what was posted."""

    prs: dict[tuple[str, int], PullRequestInfo] = field(default_factory=dict)
    files: dict[tuple[str, str, str], str] = field(default_factory=dict)  # repo, branch, path
    writers: set[str] = field(default_factory=set)
    token: str | None = None
    reactions: list[tuple[str, int, str]] = field(default_factory=list)
    comments: list[tuple[str, int, str]] = field(default_factory=list)
    checks: dict[int, CheckRun] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    # issue number -> (marker, title, body)
    issues: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    issue_edits: int = 0
    calls: list[str] = field(default_factory=list)

    def add_pr(self, repo: str, number: int, r: PullRequestRepo, **kw: object) -> PullRequestInfo:
        info = PullRequestInfo(
            number=number, head_sha=r.head, base_sha=r.base, base_ref="main",
            title=str(kw.get("title", "Change the code")), body="", author="alice",
            author_is_bot=False, draft=False, patches=github_patches(r.path, r.base, r.head),
        )  # fmt: skip
        self.prs[(repo, number)] = info
        return info

    def pull_request(self, repo: str, number: int) -> PullRequestInfo:
        self.calls.append("pull_request")
        return self.prs[(repo, number)]

    def head_sha(self, repo: str, number: int) -> str:
        self.calls.append("head_sha")
        return self.prs[(repo, number)].head_sha

    def can_write(self, repo: str, user: str) -> bool:
        self.calls.append("can_write")
        return user in self.writers

    def react(self, repo: str, comment_id: int, content: str) -> None:
        self.calls.append("react")
        self.reactions.append((repo, comment_id, content))

    def comment(self, repo: str, number: int, body: str) -> None:
        self.calls.append("comment")
        self.comments.append((repo, number, body))

    def start_check(self, repo: str, head_sha: str, name: str, external_id: str) -> int:
        self.calls.append("start_check")
        for run in self.checks.values():  # as GitHub's adapter: an unfinished one is reused
            same = (run.head_sha, run.external_id) == (head_sha, external_id)
            if same and run.status == "in_progress":
                return run.id
        run = CheckRun(len(self.checks) + 1, head_sha, name, external_id)
        self.checks[run.id] = run
        return run.id

    def finish_check(
        self, repo: str, check_id: int, *, conclusion: str, title: str, summary: str,
        text: str, annotations: Sequence[Annotation],
    ) -> None:  # fmt: skip
        self.calls.append("finish_check")
        run = self.checks[check_id]
        run.status, run.conclusion, run.title, run.summary = "completed", conclusion, title, summary
        run.annotations = tuple(annotations)

    def review(
        self, repo: str, number: int, head_sha: str, body: str, comments: Sequence[ReviewComment]
    ) -> None:
        self.calls.append("review")
        self.reviews.append(Review(number, head_sha, body, tuple(comments)))

    def posted_finding_ids(self, repo: str, number: int) -> set[str]:
        ids: set[str] = set()
        for r in self.reviews:
            for text in [r.body, *(c.body for c in r.comments)]:
                ids.update(i for i in _marked_ids(text))
        return ids

    def file_on_branch(self, repo: str, path: str, branch: str) -> str | None:
        return self.files.get((repo, branch, path))

    def upsert_issue(self, repo: str, marker: str, title: str, body: str) -> int:
        self.calls.append("upsert_issue")
        for number, (m, _t, _b) in self.issues.items():
            if m == marker:
                self.issues[number] = (marker, title, body)
                self.issue_edits += 1
                return number
        number = 100 + len(self.issues)
        self.issues[number] = (marker, title, body)
        return number

    def clone_token(self, installation_id: int) -> str | None:
        self.calls.append("clone_token")
        return self.token


def _marked_ids(text: str) -> list[str]:
    prefix, suffix = finding_marker("X").split("X")
    out = []
    for part in text.split(prefix)[1:]:
        out.append(part.split(suffix)[0])
    return out


@dataclass
class FakeRunner:
    """A sandbox that runs no code: every candidate answers "no difference" (a differential
    found base and head equal, a test passed on both sides), or the whole run fails as
    infrastructure when ``error`` is set."""

    error: str | None = None
    runs: int = 0
    name: str = "fake"
    isolation: str = "none (test fake)"

    def unavailable_reason(self) -> str | None:
        return None

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        self.runs += 1
        if self.error is not None:
            return RunResult(backend="fake", infrastructure_error=self.error)
        passed = {side: Outcome(Status.PASSED) for side in ("base", "head")}
        answers = {
            c.id: CandidateResult(c.id, c.kind, dict(passed), {"status": "equal", "examples": 1})
            if c.kind == "differential"
            else CandidateResult(c.id, c.kind, dict(passed))
            for c in workspace.candidates
        }
        return RunResult(backend="fake", candidates=answers)
