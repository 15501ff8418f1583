"""A fake GitHub REST API on 127.0.0.1 for tests that drive the real PyGithub.

Answers with the shapes of PyGithub's recorded GitHub exchanges (its test replay data, trimmed
to the fields PyGithub reads), and every URL it returns starts with the fake's own base URL. It
checks
what GitHub checks where that matters to us: the App's JWT (RS256, verified with the public
key) for ``/app`` endpoints, an issued installation token for everything else, review
comments on lines inside the PR diff (else 422 for the whole review), reviews answer 200,
at most 50 annotations per check run request, body and output limits.

Tests arrange state with ``add_repo`` / ``add_pull`` / ``add_issue_comment``, inject
failures with ``fail`` (e.g. 403 secondary rate limit with ``Retry-After``, 5xx), and read
what was posted from ``requests``, ``reviews``, ``check_runs``, ``issues``, ``reactions``.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import jwt

NOW = "2026-11-28T12:00:00Z"
EXPIRES = "2099-01-01T00:00:00Z"
DOCS = "https://docs.github.com/rest"
SECONDARY_RATE_LIMIT = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
OUTSIDE_DIFF = "Pull request review thread line must be part of the diff"
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")

Json = dict[str, Any]


class HttpError(Exception):
    def __init__(self, status: int, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: Json = {"message": message, "documentation_url": DOCS}
        if errors is not None:
            self.body["errors"] = errors


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0
    authorization: str = ""
    response: Any = None


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    headers: dict[str, str]
    body: Json
    times: int
    after: bool  # the request takes effect, then the failure is answered


@dataclass
class FakePull:
    number: int
    head_sha: str
    base_sha: str
    base_ref: str
    title: str
    body: str
    author: str
    author_type: str
    draft: bool
    patches: dict[str, str | None]


@dataclass
class FakeRepo:
    full_name: str
    default_branch: str
    branches: dict[str, dict[str, str]] = field(default_factory=dict)
    permissions: dict[str, str] = field(default_factory=dict)
    pulls: dict[int, FakePull] = field(default_factory=dict)


def right_side_lines(patch: str | None) -> set[int]:
    """Head lines GitHub takes comments on: context and added lines of every hunk."""
    lines: set[int] = set()
    head = None
    for raw in (patch or "").split("\n"):
        match = _HUNK.match(raw)
        if match:
            head = int(match.group(1))
        elif head is not None and not raw.startswith(("-", "\\")):
            lines.add(head)
            head += 1
    return lines


class FakeGitHub:
    def __init__(
        self,
        public_key_pem: bytes,
        *,
        app_id: int = 4242,
        app_slug: str = "deepcheck",
        installations: tuple[int, ...] = (1001,),
    ) -> None:
        self.public_key_pem = public_key_pem
        self.app_id = app_id
        self.app_slug = app_slug
        self.bot_login = f"{app_slug}[bot]"
        self.installations = set(installations)
        self.repos: dict[str, FakeRepo] = {}
        self.requests: list[Recorded] = []
        self.reviews: list[Json] = []
        self.review_comments: list[Json] = []
        self.check_runs: dict[int, Json] = {}
        self.issues: dict[tuple[str, int], Json] = {}
        self.issue_comments: dict[int, Json] = {}
        self.reactions: list[Json] = []
        self.tokens: dict[str, int] = {}
        self._failures: list[Failure] = []
        self._link = ""  # the Link header of the request being answered (under the lock)
        self._ids = itertools.count(5_000_001)
        self._lock = threading.RLock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}"

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- arranging ------------------------------------------------------------------------

    def add_repo(
        self,
        full_name: str,
        *,
        default_branch: str = "main",
        files: dict[str, str] | None = None,
        permissions: dict[str, str] | None = None,
    ) -> FakeRepo:
        repo = FakeRepo(full_name, default_branch, {default_branch: dict(files or {})})
        repo.permissions.update(permissions or {})
        self.repos[full_name] = repo
        return repo

    def add_pull(
        self,
        full_name: str,
        number: int,
        *,
        head_sha: str,
        base_sha: str = "b" * 40,
        patches: dict[str, str | None],
        title: str = "Change interest",
        body: str = "",
        author: str = "alice",
        author_type: str = "User",
        draft: bool = False,
    ) -> FakePull:
        repo = self.repos[full_name]
        pull = FakePull(
            number,
            head_sha,
            base_sha,
            repo.default_branch,
            title,
            body,
            author,
            author_type,
            draft,
            dict(patches),
        )
        repo.pulls[number] = pull
        return pull

    def push(
        self, full_name: str, number: int, head_sha: str, patches: dict[str, str | None]
    ) -> None:
        pull = self.repos[full_name].pulls[number]
        pull.head_sha = head_sha
        pull.patches = dict(patches)

    def add_issue_comment(self, full_name: str, number: int, body: str, user: str) -> int:
        comment_id = next(self._ids)
        self.issue_comments[comment_id] = self._issue_comment(
            full_name, number, comment_id, body, user
        )
        return comment_id

    def fail(
        self,
        method: str,
        path_pattern: str,
        status: int,
        *,
        headers: dict[str, str] | None = None,
        message: str = "",
        times: int = 1,
        after: bool = False,
    ) -> None:
        """The next ``times`` matching requests answer ``status`` (``re.search`` on the path).

        With ``after`` the request takes effect first (a 5xx that hides a success).
        """
        body = {"message": message or f"fake failure {status}", "documentation_url": DOCS}
        self._failures.append(
            Failure(
                method.upper(),
                re.compile(path_pattern),
                status,
                dict(headers or {}),
                body,
                times,
                after,
            )
        )

    def secondary_rate_limit(self, method: str, path_pattern: str, retry_after: str) -> None:
        self.fail(
            method,
            path_pattern,
            403,
            headers={"Retry-After": retry_after},
            message=SECONDARY_RATE_LIMIT,
        )

    # -- reading what was posted ----------------------------------------------------------

    def calls(self, method: str, path_pattern: str) -> list[Recorded]:
        pattern = re.compile(path_pattern)
        return [r for r in self.requests if r.method == method and pattern.search(r.path)]

    def check_run_patches(self, run_id: int) -> list[Any]:
        return [r.body for r in self.calls("PATCH", rf"/check-runs/{run_id}$") if r.status == 200]

    # -- shapes ---------------------------------------------------------------------------

    def _user(self, login: str, kind: str | None = None) -> Json:
        kind = kind or ("Bot" if login.endswith("[bot]") else "User")
        return {
            "login": login,
            "id": abs(hash(login)) % 10_000_000,
            "node_id": "U_fake",
            "avatar_url": f"{self.base_url}/avatars/{login}",
            "url": f"{self.base_url}/users/{login}",
            "html_url": f"{self.base_url}/{login}",
            "type": kind,
            "site_admin": False,
        }

    def _repo_json(self, repo: FakeRepo) -> Json:
        owner, name = repo.full_name.split("/")
        return {
            "id": abs(hash(repo.full_name)) % 10_000_000,
            "name": name,
            "full_name": repo.full_name,
            "owner": self._user(owner),
            "private": False,
            "url": f"{self.base_url}/repos/{repo.full_name}",
            "html_url": f"{self.base_url}/{repo.full_name}",
            "default_branch": repo.default_branch,
        }

    def _issue_comment(
        self, full_name: str, number: int, comment_id: int, body: str, user: str
    ) -> Json:
        url = f"{self.base_url}/repos/{full_name}/issues/comments/{comment_id}"
        return {
            "id": comment_id,
            "url": url,
            "html_url": f"{self.base_url}/{full_name}/issues/{number}#issuecomment-{comment_id}",
            "issue_url": f"{self.base_url}/repos/{full_name}/issues/{number}",
            "body": body,
            "user": self._user(user),
            "created_at": NOW,
            "updated_at": NOW,
            "_number": number,
            "_repo": full_name,
        }

    def _pull_json(self, repo: FakeRepo, pull: FakePull) -> Json:
        url = f"{self.base_url}/repos/{repo.full_name}/pulls/{pull.number}"
        return {
            "id": pull.number + 900_000,
            "number": pull.number,
            "url": url,
            "html_url": f"{self.base_url}/{repo.full_name}/pull/{pull.number}",
            "state": "open",
            "title": pull.title,
            "body": pull.body,
            "draft": pull.draft,
            "user": self._user(pull.author, pull.author_type),
            "head": {
                "sha": pull.head_sha,
                "ref": "feature",
                "label": "x:feature",
                "repo": self._repo_json(repo),
                "user": self._user(pull.author),
            },
            "base": {
                "sha": pull.base_sha,
                "ref": pull.base_ref,
                "label": "x:main",
                "repo": self._repo_json(repo),
                "user": self._user("owner"),
            },
            "created_at": NOW,
            "updated_at": NOW,
        }

    def _check_run_json(self, run: Json) -> Json:
        public = {k: v for k, v in run.items() if not k.startswith("_")}
        public["output"] = {
            **run["output"],
            "annotations_count": len(run["_annotations"]),
            "annotations_url": f"{run['url']}/annotations",
        }
        return public

    # -- routing --------------------------------------------------------------------------

    def _routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., tuple[int, Any]]]]:
        table: list[tuple[str, str, Callable[..., tuple[int, Any]]]] = [
            ("GET", r"/app", self._get_app),
            ("POST", r"/app/installations/(\d+)/access_tokens", self._access_token),
            ("GET", r"/repos/([^/]+/[^/]+)", self._get_repo),
            ("GET", r"/repos/([^/]+/[^/]+)/pulls/(\d+)", self._get_pull),
            ("GET", r"/repos/([^/]+/[^/]+)/pulls/(\d+)/files", self._get_files),
            ("GET", r"/repos/([^/]+/[^/]+)/pulls/(\d+)/reviews", self._get_reviews),
            ("POST", r"/repos/([^/]+/[^/]+)/pulls/(\d+)/reviews", self._post_review),
            ("GET", r"/repos/([^/]+/[^/]+)/pulls/(\d+)/comments", self._get_review_comments),
            ("GET", r"/repos/([^/]+/[^/]+)/commits/([0-9a-f]+)", self._get_commit),
            ("GET", r"/repos/([^/]+/[^/]+)/commits/([0-9a-f]+)/check-runs", self._list_checks),
            ("POST", r"/repos/([^/]+/[^/]+)/check-runs", self._create_check),
            ("GET", r"/repos/([^/]+/[^/]+)/check-runs/(\d+)", self._get_check),
            ("PATCH", r"/repos/([^/]+/[^/]+)/check-runs/(\d+)", self._update_check),
            ("GET", r"/repos/([^/]+/[^/]+)/collaborators/([^/]+)/permission", self._permission),
            ("GET", r"/repos/([^/]+/[^/]+)/contents/(.+)", self._contents),
            ("POST", r"/repos/([^/]+/[^/]+)/issues/comments/(\d+)/reactions", self._react),
            ("GET", r"/repos/([^/]+/[^/]+)/issues", self._list_issues),
            ("POST", r"/repos/([^/]+/[^/]+)/issues", self._create_issue),
            ("GET", r"/repos/([^/]+/[^/]+)/issues/(\d+)", self._get_issue),
            ("PATCH", r"/repos/([^/]+/[^/]+)/issues/(\d+)", self._edit_issue),
            ("GET", r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments", self._list_issue_comments),
            ("POST", r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments", self._create_issue_comment),
        ]
        return [(m, re.compile(f"^{p}$"), h) for m, p, h in table]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self
        routes = self._routes()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                record = Recorded(
                    self.command,
                    unquote(parts.path),
                    query,
                    body,
                    authorization=self.headers.get("Authorization", ""),
                )
                status, payload, headers = fake._dispatch(routes, record)
                record.status, record.response = status, payload
                with fake._lock:
                    fake.requests.append(record)
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        return Handler

    def _dispatch(
        self, routes: list[tuple[str, re.Pattern[str], Callable[..., tuple[int, Any]]]], r: Recorded
    ) -> tuple[int, Any, dict[str, str]]:
        headers = {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": "4999",
            "x-ratelimit-reset": "4102444800",
        }
        with self._lock:
            injected = None
            for failure in self._failures:
                hit = failure.method == r.method and failure.pattern.search(r.path)
                if failure.times > 0 and hit:
                    failure.times -= 1
                    injected = failure
                    break
            if injected is not None and not injected.after:
                return injected.status, injected.body, {**headers, **injected.headers}
            self._link = ""
            try:
                status, payload = self._route(routes, r)
            except HttpError as exc:
                status, payload = exc.status, exc.body
            if injected is not None:
                return injected.status, injected.body, {**headers, **injected.headers}
            if self._link:
                headers["Link"] = self._link
            return status, payload, headers

    def _route(
        self, routes: list[tuple[str, re.Pattern[str], Callable[..., tuple[int, Any]]]], r: Recorded
    ) -> tuple[int, Any]:
        for method, pattern, handler in routes:
            match = pattern.match(r.path)
            if match and method == r.method:
                self._authorize(r)
                return handler(r, *match.groups())
        raise HttpError(404, "Not Found")

    def _authorize(self, r: Recorded) -> None:
        if r.path.startswith("/app"):
            scheme, _, token = r.authorization.partition(" ")
            if scheme != "Bearer":
                raise HttpError(401, "A JSON web token could not be decoded")
            try:
                claims = jwt.decode(token, self.public_key_pem, algorithms=["RS256"])
            except jwt.PyJWTError as exc:
                raise HttpError(401, f"'Expiration time' claim ('exp') is invalid: {exc}") from exc
            if str(claims.get("iss")) != str(self.app_id):
                raise HttpError(401, "A JSON web token could not be decoded")
            return
        scheme, _, token = r.authorization.partition(" ")
        if scheme.lower() != "token" or token not in self.tokens:
            raise HttpError(401, "Bad credentials")

    def _repo(self, full_name: str) -> FakeRepo:
        repo = self.repos.get(full_name)
        if repo is None:
            raise HttpError(404, "Not Found")
        return repo

    def _pull(self, full_name: str, number: str) -> tuple[FakeRepo, FakePull]:
        repo = self._repo(full_name)
        pull = repo.pulls.get(int(number))
        if pull is None:
            raise HttpError(404, "Not Found")
        return repo, pull

    def _page(self, r: Recorded, items: list[Any]) -> list[Any]:
        """One page of ``items``; a ``Link`` header (next, last) as GitHub sends it."""
        per_page = int(r.query.get("per_page", "30"))
        page = int(r.query.get("page", "1"))
        last = max(1, -(-len(items) // per_page))
        if page < last:

            def url(n: int) -> str:
                query = urlencode({**r.query, "per_page": per_page, "page": n})
                return f"<{self.base_url}{r.path}?{query}>"

            self._link = f'{url(page + 1)}; rel="next", {url(last)}; rel="last"'
        return items[(page - 1) * per_page : page * per_page]

    # -- handlers -------------------------------------------------------------------------

    def _get_app(self, r: Recorded) -> tuple[int, Any]:
        return 200, {
            "id": self.app_id,
            "slug": self.app_slug,
            "node_id": "A_fake",
            "name": "deepcheck",
            "owner": self._user("deepcheck-org"),
            "external_url": self.base_url,
            "html_url": f"{self.base_url}/apps/{self.app_slug}",
            "created_at": NOW,
            "updated_at": NOW,
            "permissions": {
                "checks": "write",
                "pull_requests": "write",
                "issues": "write",
                "contents": "read",
                "metadata": "read",
            },
            "events": ["pull_request", "issue_comment", "check_run"],
        }

    def _access_token(self, r: Recorded, installation: str) -> tuple[int, Any]:
        if int(installation) not in self.installations:
            raise HttpError(404, "Not Found")
        token = f"ghs_fake{next(self._ids)}"
        self.tokens[token] = int(installation)
        return 201, {
            "token": token,
            "expires_at": EXPIRES,
            "permissions": {"checks": "write", "pull_requests": "write", "issues": "write"},
            "repository_selection": "selected",
        }

    def _get_repo(self, r: Recorded, full_name: str) -> tuple[int, Any]:
        return 200, self._repo_json(self._repo(full_name))

    def _get_pull(self, r: Recorded, full_name: str, number: str) -> tuple[int, Any]:
        repo, pull = self._pull(full_name, number)
        return 200, self._pull_json(repo, pull)

    def _get_files(self, r: Recorded, full_name: str, number: str) -> tuple[int, Any]:
        _, pull = self._pull(full_name, number)
        files = []
        for path, patch in pull.patches.items():
            item: Json = {
                "sha": pull.head_sha,
                "filename": path,
                "status": "modified",
                "additions": 1,
                "deletions": 1,
                "changes": 2,
                "blob_url": f"{self.base_url}/{full_name}/blob/{pull.head_sha}/{path}",
                "raw_url": f"{self.base_url}/{full_name}/raw/{pull.head_sha}/{path}",
            }
            if patch is not None:
                item["patch"] = patch
            files.append(item)
        return 200, self._page(r, files)

    def _review_json(self, review: Json) -> Json:
        return {k: v for k, v in review.items() if not k.startswith("_")}

    def _get_reviews(self, r: Recorded, full_name: str, number: str) -> tuple[int, Any]:
        self._pull(full_name, number)
        found = [
            self._review_json(v)
            for v in self.reviews
            if v["_repo"] == full_name and v["_number"] == int(number)
        ]
        return 200, self._page(r, found)

    def _post_review(self, r: Recorded, full_name: str, number: str) -> tuple[int, Any]:
        _, pull = self._pull(full_name, number)
        body = r.body or {}
        commit_id = body.get("commit_id", pull.head_sha)
        if commit_id != pull.head_sha:
            raise HttpError(422, "Unprocessable Entity", ["commit_id is not part of the PR"])
        text = body.get("body") or ""
        if len(text) > 65_536:
            raise HttpError(422, "Unprocessable Entity", ["Body is too long"])
        comments = body.get("comments") or []
        event = body.get("event")
        if event == "COMMENT" and not text and not comments:
            raise HttpError(422, "Unprocessable Entity", ["Review body is required"])
        for c in comments:
            lines = right_side_lines(pull.patches.get(c.get("path", "")))
            wanted = [c.get("line"), c.get("start_line", c.get("line"))]
            if c.get("side", "RIGHT") != "RIGHT" or any(w not in lines for w in wanted):
                raise HttpError(422, "Unprocessable Entity", [OUTSIDE_DIFF])
            if len(c.get("body", "")) > 65_536:
                raise HttpError(422, "Unprocessable Entity", ["Body is too long"])
        review_id = next(self._ids)
        html = f"{self.base_url}/{full_name}/pull/{number}#pullrequestreview-{review_id}"
        review = {
            "id": review_id,
            "node_id": "PRR_fake",
            "user": self._user(self._login(r)),
            "body": text,
            "state": {
                "COMMENT": "COMMENTED",
                "APPROVE": "APPROVED",
                "REQUEST_CHANGES": "CHANGES_REQUESTED",
            }.get(event or "", "PENDING"),
            "html_url": html,
            "pull_request_url": f"{self.base_url}/repos/{full_name}/pulls/{number}",
            "author_association": "NONE",
            "_links": {"html": {"href": html}},
            "submitted_at": NOW,
            "commit_id": commit_id,
            "_repo": full_name,
            "_number": int(number),
        }
        self.reviews.append(review)
        for c in comments:
            comment_id = next(self._ids)
            self.review_comments.append(
                {
                    "id": comment_id,
                    "pull_request_review_id": review_id,
                    "url": f"{self.base_url}/repos/{full_name}/pulls/comments/{comment_id}",
                    "html_url": f"{html}-{comment_id}",
                    "pull_request_url": f"{self.base_url}/repos/{full_name}/pulls/{number}",
                    "path": c["path"],
                    "line": c["line"],
                    "start_line": c.get("start_line"),
                    "side": "RIGHT",
                    "body": c["body"],
                    "commit_id": commit_id,
                    "original_commit_id": commit_id,
                    "user": self._user(self._login(r)),
                    "created_at": NOW,
                    "updated_at": NOW,
                    "_repo": full_name,
                    "_number": int(number),
                }
            )
        return 200, self._review_json(review)

    def _login(self, r: Recorded) -> str:
        return self.bot_login if r.authorization.lower().startswith("token ghs_") else "someone"

    def _get_review_comments(self, r: Recorded, full_name: str, number: str) -> tuple[int, Any]:
        self._pull(full_name, number)
        found = [
            self._review_json(c)
            for c in self.review_comments
            if c["_repo"] == full_name and c["_number"] == int(number)
        ]
        return 200, self._page(r, found)

    def _get_commit(self, r: Recorded, full_name: str, sha: str) -> tuple[int, Any]:
        self._repo(full_name)
        return 200, {
            "sha": sha,
            "url": f"{self.base_url}/repos/{full_name}/commits/{sha}",
            "html_url": f"{self.base_url}/{full_name}/commit/{sha}",
            "commit": {"message": "change", "url": f"{self.base_url}/repos/{full_name}/git/{sha}"},
            "parents": [],
            "files": [],
        }

    def _list_checks(self, r: Recorded, full_name: str, sha: str) -> tuple[int, Any]:
        runs = [
            self._check_run_json(c)
            for c in self.check_runs.values()
            if c["_repo"] == full_name
            and c["head_sha"] == sha
            and ("check_name" not in r.query or c["name"] == r.query["check_name"])
        ]
        return 200, {"total_count": len(runs), "check_runs": self._page(r, runs)}

    def _validate_output(self, output: Json | None) -> list[Json]:
        if output is None:
            return []
        for key in ("title", "summary"):
            if key not in output:
                raise HttpError(422, "Invalid request.", [f'"{key}" wasn\'t supplied.'])
        for key in ("summary", "text"):
            if len(output.get(key) or "") > 65_535:
                raise HttpError(422, "Invalid request.", [f"{key} is too long"])
        annotations = list(output.get("annotations") or [])
        if len(annotations) > 50:
            raise HttpError(422, "Invalid request.", ["Only 50 annotations per request"])
        for a in annotations:
            needed = ("path", "start_line", "end_line", "annotation_level", "message")
            if any(k not in a for k in needed) or a["annotation_level"] not in (
                "notice",
                "warning",
                "failure",
            ):
                raise HttpError(422, "Invalid request.", ["bad annotation"])
        return annotations

    def _create_check(self, r: Recorded, full_name: str) -> tuple[int, Any]:
        self._repo(full_name)
        body = r.body or {}
        annotations = self._validate_output(body.get("output"))
        run_id = next(self._ids)
        url = f"{self.base_url}/repos/{full_name}/check-runs/{run_id}"
        run: Json = {
            "id": run_id,
            "node_id": "CR_fake",
            "head_sha": body["head_sha"],
            "external_id": body.get("external_id", ""),
            "url": url,
            "html_url": f"{self.base_url}/{full_name}/runs/{run_id}",
            "details_url": body.get("details_url", self.base_url),
            "status": body.get("status", "queued"),
            "conclusion": body.get("conclusion"),
            "started_at": body.get("started_at", NOW),
            "completed_at": body.get("completed_at"),
            "output": {
                k: v
                for k, v in (
                    body.get("output") or {"title": None, "summary": None, "text": None}
                ).items()
                if k != "annotations"
            },
            "name": body["name"],
            "check_suite": {"id": 77},
            "app": {"id": self.app_id, "slug": self.app_slug, "name": "deepcheck"},
            "pull_requests": [],
            "_repo": full_name,
            "_annotations": annotations,
        }
        self.check_runs[run_id] = run
        return 201, self._check_run_json(run)

    def _get_check(self, r: Recorded, full_name: str, run_id: str) -> tuple[int, Any]:
        run = self.check_runs.get(int(run_id))
        if run is None or run["_repo"] != full_name:
            raise HttpError(404, "Not Found")
        return 200, self._check_run_json(run)

    def _update_check(self, r: Recorded, full_name: str, run_id: str) -> tuple[int, Any]:
        run = self.check_runs.get(int(run_id))
        if run is None or run["_repo"] != full_name:
            raise HttpError(404, "Not Found")
        body = r.body or {}
        output = body.get("output")
        annotations = self._validate_output(output)
        for key in ("status", "conclusion", "completed_at", "started_at", "external_id", "name"):
            if key in body:
                run[key] = body[key]
        if run.get("conclusion") and "status" not in body:
            run["status"] = "completed"
        if output is not None:
            shown = {k: v for k, v in output.items() if k != "annotations"}
            run["output"] = {**run["output"], **shown}
            run["_annotations"].extend(annotations)
        return 200, self._check_run_json(run)

    def _permission(self, r: Recorded, full_name: str, user: str) -> tuple[int, Any]:
        repo = self._repo(full_name)
        permission = repo.permissions.get(user)
        if permission is None:
            raise HttpError(404, f"{user} is not a user")
        legacy = {"maintain": "write", "triage": "read"}.get(permission, permission)
        return 200, {"permission": legacy, "role_name": permission, "user": self._user(user)}

    def _contents(self, r: Recorded, full_name: str, path: str) -> tuple[int, Any]:
        repo = self._repo(full_name)
        branch = r.query.get("ref", repo.default_branch)
        text = repo.branches.get(branch, {}).get(path)
        if text is None:
            raise HttpError(404, "Not Found")
        raw = text.encode()
        url = f"{self.base_url}/repos/{full_name}/contents/{path}?ref={branch}"
        return 200, {
            "type": "file",
            "encoding": "base64",
            "size": len(raw),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": base64.b64encode(raw).decode(),
            "sha": "c" * 40,
            "url": url,
            "git_url": f"{self.base_url}/repos/{full_name}/git/blobs/{'c' * 40}",
            "html_url": f"{self.base_url}/{full_name}/blob/{branch}/{path}",
            "download_url": f"{self.base_url}/raw/{full_name}/{branch}/{path}",
            "_links": {"self": url},
        }

    def _react(self, r: Recorded, full_name: str, comment_id: str) -> tuple[int, Any]:
        comment = self.issue_comments.get(int(comment_id))
        if comment is None or comment["_repo"] != full_name:
            raise HttpError(404, "Not Found")
        content = (r.body or {}).get("content")
        if content not in ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"):
            raise HttpError(422, "Validation Failed", [{"field": "content", "code": "invalid"}])
        login = self._login(r)
        for reaction in self.reactions:
            if (reaction["_comment"], reaction["content"], reaction["user"]["login"]) == (
                int(comment_id),
                content,
                login,
            ):
                return 200, {k: v for k, v in reaction.items() if not k.startswith("_")}
        reaction = {
            "id": next(self._ids),
            "node_id": "R_fake",
            "user": self._user(login),
            "content": content,
            "created_at": NOW,
            "_comment": int(comment_id),
        }
        self.reactions.append(reaction)
        return 201, {k: v for k, v in reaction.items() if not k.startswith("_")}

    def _issue_json(self, issue: Json) -> Json:
        return {k: v for k, v in issue.items() if not k.startswith("_")}

    def _list_issues(self, r: Recorded, full_name: str) -> tuple[int, Any]:
        self._repo(full_name)
        state = r.query.get("state", "open")
        creator = r.query.get("creator")
        found = [
            self._issue_json(i)
            for (repo, _), i in sorted(self.issues.items())
            if repo == full_name
            and (state == "all" or i["state"] == state)
            and (creator is None or i["user"]["login"] == creator)
        ]
        return 200, self._page(r, found)

    def _create_issue(self, r: Recorded, full_name: str) -> tuple[int, Any]:
        self._repo(full_name)
        body = r.body or {}
        if not body.get("title"):
            raise HttpError(422, "Validation Failed", [{"field": "title", "code": "missing_field"}])
        number = 1 + max((n for (repo, n) in self.issues if repo == full_name), default=0)
        number += 100  # issues and pulls share numbers; keep clear of the test pulls
        url = f"{self.base_url}/repos/{full_name}/issues/{number}"
        issue = {
            "id": next(self._ids),
            "number": number,
            "url": url,
            "html_url": f"{self.base_url}/{full_name}/issues/{number}",
            "repository_url": f"{self.base_url}/repos/{full_name}",
            "comments_url": f"{url}/comments",
            "title": body["title"],
            "body": body.get("body", ""),
            "state": "open",
            "user": self._user(self._login(r)),
            "labels": [],
            "assignees": [],
            "comments": 0,
            "created_at": NOW,
            "updated_at": NOW,
            "closed_at": None,
        }
        self.issues[(full_name, number)] = issue
        return 201, self._issue_json(issue)

    def _issue(self, full_name: str, number: str) -> Json:
        self._repo(full_name)
        issue = self.issues.get((full_name, int(number)))
        if issue is None:
            raise HttpError(404, "Not Found")
        return issue

    def _get_issue(self, r: Recorded, full_name: str, number: str) -> tuple[int, Any]:
        return 200, self._issue_json(self._issue(full_name, number))

    def _edit_issue(self, r: Recorded, full_name: str, number: str) -> tuple[int, Any]:
        issue = self._issue(full_name, number)
        for key in ("title", "body", "state"):
            if key in (r.body or {}):
                issue[key] = r.body[key]
        return 200, self._issue_json(issue)

    def _comments_on(self, full_name: str, number: int) -> Iterator[Json]:
        for comment in self.issue_comments.values():
            if comment["_repo"] == full_name and comment["_number"] == number:
                yield comment

    def _list_issue_comments(self, r: Recorded, full_name: str, number: str) -> tuple[int, Any]:
        self._repo(full_name)
        found = [self._issue_json(c) for c in self._comments_on(full_name, int(number))]
        return 200, self._page(r, found)

    def _create_issue_comment(self, r: Recorded, full_name: str, number: str) -> tuple[int, Any]:
        self._repo(full_name)
        text = (r.body or {}).get("body") or ""
        if len(text) > 65_536:
            raise HttpError(422, "Validation Failed", ["Body is too long"])
        comment_id = next(self._ids)
        comment = self._issue_comment(full_name, int(number), comment_id, text, self._login(r))
        self.issue_comments[comment_id] = comment
        return 201, self._issue_json(comment)


def rsa_key_pair() -> tuple[str, bytes]:
    """A fresh RSA key: (private key PEM for the App, public key PEM for the fake)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public
