"""End to end: a signed ``pull_request.opened`` delivery for a local ``file://`` repository →
the webhook (uvicorn) → the real SQLite queue and store → a consumer thread → the real sandbox
(process backend) → the real PyGithub against the fake GitHub API → a review whose inline
comment sits on the right line with a verified witness."""

from __future__ import annotations

import copy
import json
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from app_fakes import git, github_patches

from bot.app.events import sign
from bot.app.queue import start_consumer, stop_consumer
from bot.app.settings import Settings
from bot.app.web import create_app
from bot.cli.serve import build
from tests.fakes.github_api import FakeGitHub, rsa_key_pair

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = ROOT / "tests" / "samples" / "payloads" / "pull_request" / "opened.payload.json"
SECRET = "e2e-webhook-secret-0123456789abcdef"
REPO = "octo/interest"
INSTALLATION = 1001


@pytest.fixture
def example(tmp_path: Path) -> tuple[Path, str, str]:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        from make_example import materialize
    finally:
        sys.path.remove(str(ROOT / "examples"))
    path = materialize("interest", tmp_path / "interest")
    return path, git(path, "rev-parse", "main~1"), git(path, "rev-parse", "main")


@pytest.fixture
def fake() -> Iterator[tuple[FakeGitHub, str]]:
    private, public = rsa_key_pair()
    with FakeGitHub(public, installations=(INSTALLATION,)) as server:
        yield server, private


class Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test's thread, not the main one
        pass


def delivery(path: Path, base: str, head: str) -> dict[str, Any]:
    if not PAYLOAD.is_file():
        pytest.fail(f"recorded delivery missing: {PAYLOAD}")
    payload: dict[str, Any] = copy.deepcopy(json.loads(PAYLOAD.read_text(encoding="utf-8")))
    payload["installation"]["id"] = INSTALLATION
    payload["repository"].update(full_name=REPO, clone_url=f"file://{path}", default_branch="main")
    payload["number"] = 7
    payload["pull_request"].update(number=7, draft=False)
    payload["pull_request"]["head"]["sha"] = head
    payload["pull_request"]["base"]["sha"] = base
    return payload


def test_pull_request_opened_to_a_review_on_the_right_line(
    tmp_path: Path,
    example: tuple[Path, str, str],
    fake: tuple[FakeGitHub, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)  # model-free: no network
    path, base, head = example
    github, private_key = fake
    github.add_repo(REPO, default_branch="main", permissions={"alice": "write"})
    github.add_pull(REPO, 7, head_sha=head, base_sha=base, patches=github_patches(path, base, head))
    settings = Settings(
        webhook_secret=SECRET, github_app_id=github.app_id, github_private_key=private_key,
        github_api_url=github.base_url, data_dir=tmp_path / "data", sandbox="process",
        allow_process_sandbox=True,
    )  # fmt: skip
    settings.validate_for_serving()
    # what `deepcheck serve` builds; only the differential generator, to stay fast
    wiring = build(settings, jobs=True, generators=["differential"])
    web = create_app(
        settings, enqueue=wiring.queue.enqueue, claim_delivery=wiring.store.claim_delivery,
        release_delivery=wiring.store.release_delivery,
    )  # fmt: skip
    server = Server(uvicorn.Config(web, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    consumer = start_consumer(wiring.queue.huey, workers=1, periodic=False)
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        body = json.dumps(delivery(path, base, head)).encode()
        headers = {
            "X-GitHub-Event": "pull_request",
            "X-GitHub-Delivery": "2f0e0c3a-e2e0-11ef-8000-000000000001",
            "X-Hub-Signature-256": sign(SECRET.encode(), body),
            "Content-Type": "application/json",
        }
        url = f"http://127.0.0.1:{port}/webhook"
        with httpx.Client(timeout=10) as client:
            answer = client.post(url, content=body, headers=headers)
            assert answer.status_code == 202, answer.text
            # 75-90 s measured on 2 shared cores under a load average of 13
            deadline = time.monotonic() + 240
            while not any(r.get("status") == "completed" for r in github.check_runs.values()):
                assert time.monotonic() < deadline, "no completed check run within 240 s"
                time.sleep(0.1)
            # a manual redelivery (same X-GitHub-Delivery) changes nothing
            again = client.post(url, content=body, headers=headers)
            assert again.status_code == 200 and "duplicate" in again.text
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        stop_consumer(consumer, timeout=10)
        wiring.close()

    [run] = github.check_runs.values()
    assert run["head_sha"] == head and run["conclusion"] == "failure", run["output"]
    [review] = github.reviews
    assert review["commit_id"] == head
    [comment] = github.review_comments
    assert (comment["path"], comment["line"], comment["side"]) == (
        "ledger/interest.py",
        11,
        "RIGHT",
    )
    head_line = (path / "ledger" / "interest.py").read_text().splitlines()[10]
    assert "range(1, periods)" in head_line  # the off-by-one the example introduces
    text = comment["body"]
    assert "compound(" in text and "def test_" in text  # the witness call and its pytest test
    assert "<!-- deepcheck:finding:" in text
    job = wiring.store.job((REPO, 7, head))
    assert job is not None and job.state == "done"
    result = wiring.store.result(REPO, 7, head)
    assert result is not None and result.conclusion == "failure" and result.finding_ids
    assert len(github.check_runs) == 1 and len(github.reviews) == 1
