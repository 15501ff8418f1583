"""GitHub through PyGithub: the only module that imports ``github``.

:class:`GitHubApp` holds the App's identity (app id and private key) and makes one
:class:`GitHubHost` per installation; the host implements :class:`bot.app.github.host.CodeHost`.
PyGithub is synchronous: call it from workers or threads, never on the event loop.

Every call goes through a shared :class:`bot.app.github.ratelimit.RateLimiter` (writes serialized
per
installation, ``Retry-After`` / ``x-ratelimit-reset`` / backoff); PyGithub's own retry and
pacing are off so that nothing repeats a POST behind our back. A write retried after a
``5xx`` first looks for what the failed attempt may have left (a review with the same body,
a check run with the same ``external_id``, an issue with the same marker).

Errors leave as :class:`GitHubError`, an :class:`~bot.errors.InfrastructureError` (a
neutral check run, never a finding). Installation tokens never leave this module except
through :meth:`GitHubApp.installation_token` (for http(s) clone URLs only).

Longer than ~400 lines: it is the one PyGithub adapter (tests/test_layering.py), so every
GitHub call the App makes lives here, behind the ``CodeHost`` protocol.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, GithubIntegration
from github.CheckRun import CheckRun
from github.Repository import Repository

from bot.app.github.host import Annotation, CodeHost, PullRequestInfo, ReviewComment
from bot.app.github.publish import ANNOTATIONS_PER_REQUEST, annotation_batches
from bot.app.github.ratelimit import HttpFailure, RateLimiter
from bot.errors import InfrastructureError
from bot.report.fences import truncate_markdown
from bot.report.markdown import COMMENT_LIMIT

__all__ = ["DEFAULT_BASE_URL", "GitHubApp", "GitHubError", "GitHubHost", "http_failure"]

DEFAULT_BASE_URL = "https://api.github.com"
WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})
_FINDING = re.compile(r"<!-- deepcheck:finding:([^\s>]+) -->")
_RESOLVED = re.compile(r"<!-- deepcheck:resolved:([^\s>]+) -->")
T = TypeVar("T")


class GitHubError(InfrastructureError):
    """A GitHub call failed (after retries); ``status`` is None when no answer came."""

    def __init__(self, what: str, status: int | None, message: str) -> None:
        self.what = what
        self.status = status
        self.message = message
        code = f"HTTP {status}" if status is not None else "no answer"
        super().__init__(f"GitHub: {what} failed ({code}): {message}".rstrip(": "))


def http_failure(exc: BaseException) -> HttpFailure | None:
    """What a PyGithub / requests exception says about the answer (None: not an HTTP error)."""
    if isinstance(exc, GithubException):
        data = exc.data
        message = data.get("message", "") if isinstance(data, dict) else str(data or "")
        return HttpFailure(exc.status, dict(exc.headers or {}), str(message or ""))
    if isinstance(exc, requests.ConnectionError | requests.Timeout):
        return HttpFailure(None, {}, type(exc).__name__)
    return None


class GitHubApp:
    """The App: JWT-authenticated calls and one client per installation (thread-safe)."""

    def __init__(
        self,
        app_id: int | str,
        private_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        limiter: RateLimiter | None = None,
        timeout: int = 15,
        bot_login: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.limiter = limiter or RateLimiter()
        self._auth = Auth.AppAuth(app_id, private_key)
        self._timeout = timeout
        self._bot_login = bot_login
        self._clients: dict[int, Github] = {}
        self._lock = threading.Lock()

    def _options(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "timeout": self._timeout,
            "retry": None,  # bot.app.github.ratelimit decides; PyGithub's retry repeats POSTs
            "seconds_between_requests": None,
            "seconds_between_writes": None,  # the limiter spaces writes per installation
        }

    def _integration(self) -> GithubIntegration:
        return GithubIntegration(auth=self._auth, **self._options())

    def client(self, installation_id: int) -> Github:
        with self._lock:
            client = self._clients.get(installation_id)
            if client is None:
                auth = self._auth.get_installation_auth(installation_id)
                client = Github(auth=auth, lazy=True, per_page=100, **self._options())
                self._clients[installation_id] = client
            return client

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def host(self, installation_id: int) -> GitHubHost:
        return GitHubHost(self, installation_id)

    def call(
        self,
        key: int,
        what: str,
        fn: Callable[[], T],
        *,
        write: bool = False,
        recover: Callable[[], T | None] | None = None,
    ) -> T:
        try:
            return self.limiter.call(key, fn, classify=http_failure, write=write, recover=recover)
        except (GithubException, requests.RequestException) as exc:
            failure = http_failure(exc) or HttpFailure(None, {}, type(exc).__name__)
            raise GitHubError(what, failure.status, failure.message) from exc

    @property
    def bot_login(self) -> str:
        """The App's user (``<slug>[bot]``): the author of its reviews, comments and issues."""
        if self._bot_login is None:

            def fetch() -> str:
                with self._integration() as integration:
                    return f"{integration.get_app().slug}[bot]"

            self._bot_login = self.call(0, "get the app", fetch)
        return self._bot_login

    def installation_token(self, installation_id: int) -> str | None:
        """A fresh installation token (None when the App is not installed there)."""

        def fetch() -> str | None:
            try:
                with self._integration() as integration:
                    return integration.get_access_token(installation_id).token
            except GithubException as exc:
                if exc.status != 404:
                    raise
                return None

        return self.call(installation_id, "create an installation token", fetch)


class GitHubHost:
    """:class:`bot.app.github.host.CodeHost` for one installation of the App."""

    def __init__(self, app: GitHubApp, installation_id: int) -> None:
        self.app = app
        self.installation_id = installation_id
        self._checks: dict[tuple[str, int], CheckRun] = {}

    # -- plumbing -------------------------------------------------------------------------

    def _repo(self, repo: str) -> Repository:
        return self.app.client(self.installation_id).get_repo(repo)

    def _call(
        self,
        what: str,
        fn: Callable[[], T],
        *,
        write: bool = False,
        recover: Callable[[], T | None] | None = None,
    ) -> T:
        return self.app.call(self.installation_id, what, fn, write=write, recover=recover)

    def _by_app(self, user: Any) -> bool:
        return user is not None and user.login == self.app.bot_login

    # -- reads ----------------------------------------------------------------------------

    def pull_request(self, repo: str, number: int) -> PullRequestInfo:
        def fetch() -> PullRequestInfo:
            pr = self._repo(repo).get_pull(number)
            patches: dict[str, str | None] = {f.filename: f.patch for f in pr.get_files()}
            return PullRequestInfo(
                number=pr.number,
                head_sha=pr.head.sha,
                base_sha=pr.base.sha,
                base_ref=pr.base.ref,
                title=pr.title or "",
                body=pr.body or "",
                author=pr.user.login,
                author_is_bot=pr.user.type == "Bot",
                draft=bool(pr.draft),
                patches=patches,
            )

        return self._call(f"read pull request {repo}#{number}", fetch)

    def head_sha(self, repo: str, number: int) -> str:
        """The PR's head as GitHub has it now (one read; arrival order of deliveries lies)."""

        def fetch() -> str:
            return str(self._repo(repo).get_pull(number).head.sha)

        return self._call(f"read the head of {repo}#{number}", fetch)

    def can_write(self, repo: str, user: str) -> bool:
        def fetch() -> bool:
            try:
                permission = self._repo(repo).get_collaborator_permission(user)
            except GithubException as exc:
                if exc.status != 404:
                    raise
                return False  # not a collaborator
            return permission in WRITE_PERMISSIONS

        return self._call(f"read the permission of {user} on {repo}", fetch)

    def file_on_branch(self, repo: str, path: str, branch: str) -> str | None:
        def fetch() -> str | None:
            try:
                content = self._repo(repo).get_contents(path, ref=branch)
            except GithubException as exc:
                if exc.status != 404:
                    raise
                return None
            if isinstance(content, list) or content.encoding != "base64":
                return None  # a directory, or a file over 1 MB
            return content.decoded_content.decode("utf-8", errors="replace")

        return self._call(f"read {path} on {repo}@{branch}", fetch)

    def posted_finding_ids(self, repo: str, number: int) -> set[str]:
        """Findings this App posted on the PR and has not since reported resolved."""

        def fetch() -> list[tuple[int, int, str]]:
            pr = self._repo(repo).get_pull(number)
            texts = [(r.id, 0, r.body or "") for r in pr.get_reviews() if self._by_app(r.user)]
            for c in pr.get_review_comments():
                if self._by_app(c.user):
                    texts.append((c.pull_request_review_id or 0, 1, c.body or ""))
            return texts

        open_ids: set[str] = set()
        for _, _, text in sorted(self._call(f"read reviews of {repo}#{number}", fetch)):
            open_ids.difference_update(_RESOLVED.findall(text))
            open_ids.update(_FINDING.findall(text))
        return open_ids

    def clone_token(self, installation_id: int) -> str | None:
        return self.app.installation_token(installation_id)

    # -- writes ---------------------------------------------------------------------------

    def react(self, repo: str, comment_id: int, content: str) -> None:
        def post() -> None:
            # Issue.get_comment builds ``<repo>/issues/comments/<id>``; the number is unused
            self._repo(repo).get_issue(0).get_comment(comment_id).create_reaction(content)

        self._call(f"react to comment {comment_id} on {repo}", post, write=True)

    def comment(self, repo: str, number: int, body: str) -> None:
        def post() -> bool:
            self._repo(repo).get_issue(number).create_comment(body)
            return True

        def recover() -> bool | None:
            comments = self._repo(repo).get_issue(number).get_comments()
            done = any(self._by_app(c.user) and c.body == body for c in comments)
            return True if done else None

        self._call(f"comment on {repo}#{number}", post, write=True, recover=recover)

    def review(
        self, repo: str, number: int, head_sha: str, body: str, comments: Sequence[ReviewComment]
    ) -> None:
        """One review (event ``COMMENT``). If GitHub still refuses an inline comment (the
        diff moved under us), the comments are folded into the body and posted once more."""
        if not body and not comments:
            return
        try:
            self._post_review(repo, number, head_sha, body, comments)
        except GitHubError as exc:
            if exc.status != 422 or not comments:
                raise
            self._post_review(repo, number, head_sha, _folded(body, comments), ())

    def _post_review(
        self, repo: str, number: int, head_sha: str, body: str, comments: Sequence[ReviewComment]
    ) -> None:
        payload: list[dict[str, Any]] = []
        for c in comments:
            item: dict[str, Any] = {"path": c.path, "line": c.line, "side": "RIGHT", "body": c.body}
            if c.start_line is not None and c.start_line < c.line:
                item.update(start_line=c.start_line, start_side="RIGHT")
            payload.append(item)

        def post() -> bool:
            r = self._repo(repo)
            commit = r.get_commit(head_sha)  # a Commit object: a SHA string is refused
            r.get_pull(number).create_review(
                commit=commit,
                body=body,
                event="COMMENT",
                comments=payload,  # type: ignore[arg-type]
            )
            return True

        def recover() -> bool | None:
            reviews = self._repo(repo).get_pull(number).get_reviews()
            for r in reviews:
                if self._by_app(r.user) and r.commit_id == head_sha and r.body == body:
                    return True
            return None

        self._call(f"review {repo}#{number}", post, write=True, recover=recover)

    def start_check(self, repo: str, head_sha: str, name: str, external_id: str) -> int:
        """An ``in_progress`` check run; an unfinished one with ``external_id`` is reused."""

        def find() -> CheckRun | None:
            runs = self._repo(repo).get_commit(head_sha).get_check_runs(check_name=name)
            for run in runs:
                if run.external_id == external_id and run.status != "completed":
                    return run
            return None

        def create() -> CheckRun:
            return self._repo(repo).create_check_run(
                name,
                head_sha,
                external_id=external_id,
                status="in_progress",
                started_at=datetime.now(UTC),
            )

        what = f"start check run {name} on {repo}@{head_sha[:12]}"
        run = self._call(what, find)
        if run is None:
            run = self._call(what, create, write=True, recover=find)
        self._checks[(repo, run.id)] = run
        return run.id

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
    ) -> None:
        """Complete the run; annotations go 50 a request (later requests append)."""
        run = self._checks.pop((repo, check_id), None)
        if run is None:
            run = self._repo(repo).get_check_run(check_id)
        what = f"finish check run {check_id} on {repo}"
        for index, batch in enumerate(annotation_batches(annotations, ANNOTATIONS_PER_REQUEST)):
            output: dict[str, Any] = {"title": title, "summary": summary}
            if text and index == 0:
                output["text"] = text
            if batch:
                output["annotations"] = [_annotation_json(a) for a in batch]
            first = index == 0  # completes the run; the later requests append annotations

            def edit(output: dict[str, Any] = output, first: bool = first) -> None:
                if first:
                    run.edit(
                        status="completed",
                        conclusion=conclusion,
                        completed_at=datetime.now(UTC),
                        output=output,
                    )
                else:
                    run.edit(output=output)

            self._call(what, edit, write=True)

    def upsert_issue(self, repo: str, marker: str, title: str, body: str) -> int:
        """Edit the App's open issue whose body holds ``marker``, or open one."""
        if marker not in body:
            body = f"{marker}\n{body}"

        def find() -> int | None:
            login = self.app.bot_login  # PyGithub takes a login although typed NamedUser
            issues = self._repo(repo).get_issues(state="open", creator=login)  # type: ignore[arg-type]
            for issue in issues:
                if issue.pull_request is None and marker in (issue.body or ""):
                    return int(issue.number)
            return None

        what = f"update the tracking issue of {repo}"
        number = self._call(what, find)
        if number is not None:
            found = number

            def edit() -> None:
                self._repo(repo).get_issue(found).edit(title=title, body=body)

            self._call(what, edit, write=True)
            return found

        def create() -> int:
            return int(self._repo(repo).create_issue(title=title, body=body).number)

        return self._call(what, create, write=True, recover=find)


def _annotation_json(a: Annotation) -> dict[str, Any]:
    item: dict[str, Any] = {
        "path": a.path,
        "start_line": a.start_line,
        "end_line": a.end_line,
        "annotation_level": a.level,
        "message": a.message,
    }
    if a.title:
        item["title"] = a.title
    return item


def _folded(body: str, comments: Sequence[ReviewComment]) -> str:
    parts = [body, "### Comments GitHub did not accept inline"]
    for c in comments:
        parts.append(f"**`{c.path}:{c.line}`**\n\n{c.body}")
    return truncate_markdown("\n\n".join(p for p in parts if p), COMMENT_LIMIT)


def _is_a_code_host(host: GitHubHost) -> CodeHost:
    return host  # mypy checks GitHubHost against the CodeHost protocol here
