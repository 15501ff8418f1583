"""Ordering and ``/deep-check`` answers through the whole App: signed deliveries → the webhook
(uvicorn) → the real SQLite queue and store → a consumer with two threads → the real sandbox
(process backend) → the real PyGithub against the fake GitHub API.

A PR pushed twice (A, then B): GitHub's head is B. The deliveries arrive as B, then a late A,
then a "Re-run" of A's check run: only B is checked and reviewed, A's check runs end
``neutral`` ("Superseded by B"), nothing is left in progress. Then a maintainer's
``/deep-check`` gets 👀 and a reply ("no new findings; N already posted above"), and commenters
without write access get a refusal and no 👀, no check run.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from app_fakes import commit, git, github_patches

from bot.app.events import sign
from bot.app.queue import start_consumer, stop_consumer
from bot.app.settings import Settings
from bot.app.web import create_app
from bot.cli.serve import Wiring, build
from tests.fakes.github_api import FakeGitHub, rsa_key_pair

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "samples" / "payloads"
SECRET = "ordering-webhook-secret-0123456789abcdef"
REPO = "octo/interest"
REPO_ID = 81_000_001
INSTALLATION = 1001
NUMBER = 7
_deliveries = itertools.count(1)


def sample(name: str) -> dict[str, Any]:
    path = SAMPLES / name
    if not path.is_file():
        pytest.fail(f"recorded delivery missing: {path}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def _repository(payload: dict[str, Any], clone_url: str) -> None:
    payload["installation"] = {"id": INSTALLATION}
    payload["repository"].update(
        id=REPO_ID, full_name=REPO, clone_url=clone_url, default_branch="main"
    )


class Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test's thread, not the main one
        pass


@dataclass
class App:
    github: FakeGitHub
    wiring: Wiring
    url: str
    clone_url: str
    base: str

    def post(self, event: str, payload: dict[str, Any]) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": f"0rd3r000-0000-4000-8000-{next(_deliveries):012d}",
            "X-Hub-Signature-256": sign(SECRET.encode(), body),
            "Content-Type": "application/json",
        }
        return httpx.post(self.url, content=body, headers=headers, timeout=10)

    def push_delivery(self, head: str) -> dict[str, Any]:
        payload = sample("pull_request/synchronize.payload.json")
        _repository(payload, self.clone_url)
        payload["number"] = NUMBER
        payload["pull_request"].update(number=NUMBER, draft=False)
        payload["pull_request"]["head"]["sha"] = head
        payload["pull_request"]["base"]["sha"] = self.base
        return payload

    def rerun_delivery(self, head: str) -> dict[str, Any]:
        payload = sample("check_run/rerequested.payload.json")
        _repository(payload, self.clone_url)
        run = payload["check_run"]
        run["head_sha"] = head
        run["app"]["id"] = self.github.app_id
        run["pull_requests"] = [
            {
                "number": NUMBER,
                "head": {"sha": head, "ref": "feature", "repo": {"id": REPO_ID}},
                "base": {"sha": self.base, "ref": "main", "repo": {"id": REPO_ID}},
            }
        ]
        return payload

    def comment_delivery(self, body: str, login: str, association: str) -> dict[str, Any]:
        comment_id = self.github.add_issue_comment(REPO, NUMBER, body, login)
        payload = sample("issue_comment/created.on-pull-request.DERIVED.json")
        _repository(payload, self.clone_url)
        payload["issue"]["number"] = NUMBER
        payload["comment"].update(id=comment_id, body=body, author_association=association)
        payload["comment"]["user"].update(login=login, type="User")
        payload["sender"].update(login=login, type="User")
        return payload

    def settled(self) -> bool:
        """Nothing queued or running, nothing pending, no check run in progress."""
        jobs = self.wiring.store.jobs(REPO, NUMBER)
        busy = any(j.state in ("queued", "running") for j in jobs)
        runs = list(self.github.check_runs.values())
        in_progress = any(r.get("status") != "completed" for r in runs)
        return not busy and not in_progress and self.wiring.queue.huey.pending_count() == 0

    def bot_comments(self) -> list[str]:
        return [
            c["body"]
            for c in self.github.issue_comments.values()
            if c["user"]["login"] == self.github.bot_login
        ]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)  # model-free: no network
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        from make_example import materialize
    finally:
        sys.path.remove(str(ROOT / "examples"))
    path = materialize("interest", tmp_path / "interest")
    base = git(path, "rev-parse", "main~1")
    private, public = rsa_key_pair()
    with FakeGitHub(public, installations=(INSTALLATION,)) as github:
        github.add_repo(
            REPO, default_branch="main", permissions={"maria": "maintain", "eve": "read"}
        )
        settings = Settings(
            webhook_secret=SECRET, github_app_id=github.app_id, github_private_key=private,
            github_api_url=github.base_url, data_dir=tmp_path / "data", sandbox="process",
            allow_process_sandbox=True,
        )  # fmt: skip
        wiring = build(settings, jobs=True, generators=["differential"])
        web = create_app(
            settings, enqueue=wiring.queue.enqueue, claim_delivery=wiring.store.claim_delivery,
            release_delivery=wiring.store.release_delivery,
        )  # fmt: skip
        server = Server(uvicorn.Config(web, host="127.0.0.1", port=0, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        consumer = start_consumer(wiring.queue.huey, workers=2, periodic=False)
        try:
            wait_for(lambda: server.started, "uvicorn", timeout=10)
            port = server.servers[0].sockets[0].getsockname()[1]
            yield App(github, wiring, f"http://127.0.0.1:{port}/webhook", f"file://{path}", base)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            stop_consumer(consumer, timeout=30)
            wiring.close()


def test_out_of_order_deliveries_and_a_rerun_never_supersede_the_newest_head(app: App) -> None:
    path = Path(app.clone_url.removeprefix("file://"))
    older = git(path, "rev-parse", "main")  # A: the PR's first head
    newer = commit(path, {"NOTES.md": "a second push\n"}, "Second push")  # B
    app.github.add_pull(
        REPO, NUMBER, head_sha=newer, base_sha=app.base,
        patches=github_patches(path, app.base, newer),
    )  # fmt: skip
    for payload in (app.push_delivery(newer), app.push_delivery(older)):  # B, then A late
        assert app.post("pull_request", payload).status_code == 202
    assert app.post("check_run", app.rerun_delivery(older)).status_code == 202  # "Re-run" A
    wait_for(app.settled, "the deliveries to settle")

    runs = list(app.github.check_runs.values())
    assert all(r["status"] == "completed" for r in runs)  # never left in progress
    on_newer = [r for r in runs if r["head_sha"] == newer]
    on_older = [r for r in runs if r["head_sha"] == older]
    assert [r["conclusion"] for r in on_newer] == ["failure"]  # the off-by-one, verified
    assert on_older and all(r["conclusion"] == "neutral" for r in on_older)
    assert {r["output"]["title"] for r in on_older} == {f"Superseded by {newer[:12]}"}
    assert [r["commit_id"] for r in app.github.reviews] == [newer]  # 0 duplicate reviews
    states = {j.head_sha: j.state for j in app.wiring.store.jobs(REPO, NUMBER)}
    assert states == {newer: "done", older: "superseded"}
    assert app.wiring.store.latest_head(REPO, NUMBER) == newer

    # a maintainer asks again: 👀, a check run, and an answer saying nothing new was found
    comment = app.comment_delivery("/deep-check", "maria", "MEMBER")
    assert app.post("issue_comment", comment).status_code == 202
    wait_for(lambda: len(app.bot_comments()) == 1 and app.settled(), "the answer")
    [answer] = app.bot_comments()
    posted = len(app.wiring.store.posted_finding_ids(REPO, NUMBER))
    said = re.search(r"no new findings; (\d+) findings? already posted above", answer)
    assert said is not None and int(said.group(1)) == posted >= 1, answer
    assert answer.startswith(f"`/deep-check deep` on `{newer[:12]}`") and "Ran " in answer
    assert [(r["_comment"], r["content"]) for r in app.github.reactions] == [
        (comment["comment"]["id"], "eyes")
    ]
    assert len(app.github.reviews) == 1
    assert len([r for r in app.github.check_runs.values() if r["head_sha"] == newer]) == 2

    # without write access: a refusal that says why; no 👀, no check run
    checks = len(app.github.check_runs)
    for login, association in (("eve", "CONTRIBUTOR"), ("mallory", "NONE")):
        refused = app.comment_delivery("/deep-check", login, association)
        assert app.post("issue_comment", refused).status_code == 202
    wait_for(lambda: len(app.bot_comments()) == 3 and app.settled(), "the refusals")
    for login, body in zip(("eve", "mallory"), sorted(app.bot_comments()[1:]), strict=True):
        assert body == (
            f"@{login}: `/deep-check{' deep' if login == 'eve' else ''}` was not run: "
            "it needs write access to the repository."
        )
    assert len(app.github.reactions) == 1 and len(app.github.check_runs) == checks
