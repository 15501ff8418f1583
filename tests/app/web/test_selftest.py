"""The sandbox self-test gates the web process: ``/healthz`` says 503 with the reason and the
webhook refuses deliveries until one trivial job has run through the configured runner; a
runner that works (the real process backend) turns both on."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webhook_samples import FakeQueue, headers, load, settings

from bot.app.selftest import PREFIX, SelfTest, run_selftest
from bot.app.web import WebhookMetrics, create_app
from sandbox.process_runner import ProcessRunner
from sandbox.results import CandidateResult, Outcome, RunResult, Status
from sandbox.runner import NoBackend, Runner
from sandbox.select import select_runner
from sandbox.spec import SandboxSpec
from sandbox.workspace import Workspace

ENGINE_DOWN = "Docker engine not reachable at /var/run/docker.sock: No such file or directory"


class EngineDown:
    """A runner whose engine does not answer (what DockerRunner says without a socket)."""

    name = "docker"
    isolation = "test"

    def __init__(self) -> None:
        self.ran = 0
        self.closed = False

    def unavailable_reason(self) -> str | None:
        return ENGINE_DOWN

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        self.ran += 1
        raise AssertionError("an unavailable runner must not be asked to run")

    def close(self) -> None:
        self.closed = True


class Answers:
    """A runner that answers ``result`` and records the tree it was given."""

    name = "fake"
    isolation = "test"

    def __init__(self, result: RunResult) -> None:
        self.result = result
        self.seen: list[tuple[Path, list[str]]] = []

    def unavailable_reason(self) -> str | None:
        return None

    def run(self, workspace: Workspace, spec: SandboxSpec) -> RunResult:
        files = sorted(p.name for p in workspace.head.iterdir())
        self.seen.append((workspace.head, files))
        return self.result


def process_runner() -> Runner:
    # the real process backend, chosen the way the App chooses (allowed explicitly)
    return select_runner("process", allow_process=True)


def post_opened(client: TestClient) -> tuple[int, str]:
    body = json.dumps(load("pull_request/opened.payload.json")).encode()
    answer = client.post("/webhook", content=body, headers=headers("pull_request", body))
    return answer.status_code, answer.text


def make_client(
    selftest: SelfTest, queue: FakeQueue, metrics: WebhookMetrics | None = None
) -> TestClient:
    app = create_app(
        settings(),
        enqueue=queue.enqueue,
        claim_delivery=queue.claim,
        release_delivery=queue.release,
        metrics=metrics,
        selftest=selftest,
    )
    return TestClient(app)


def test_a_runner_that_cannot_reach_the_engine_fails_the_self_test(tmp_path: Path) -> None:
    runner = EngineDown()
    verdict = run_selftest(lambda: runner, tmp_path)
    assert not verdict.ok and verdict.state == "failed"
    assert verdict.reason == f"{PREFIX}docker sandbox unavailable: {ENGINE_DOWN}"
    assert runner.ran == 0 and runner.closed


def test_no_backend_at_all_is_the_reason(tmp_path: Path) -> None:
    def refuse() -> Runner:
        raise NoBackend("docker sandbox unavailable: Docker engine not reachable at /x.sock")

    verdict = run_selftest(refuse, tmp_path)
    assert (
        verdict.reason
        == PREFIX + "docker sandbox unavailable: Docker engine not reachable at /x.sock"
    )


def test_an_infrastructure_error_fails_it(tmp_path: Path) -> None:
    runner = Answers(RunResult(backend="fake", infrastructure_error="sandbox image x is missing"))
    verdict = run_selftest(lambda: runner, tmp_path)
    assert verdict.reason == PREFIX + "sandbox image x is missing"
    [(tree, files)] = runner.seen
    assert files == ["selftest_module.py"]
    assert tree.is_relative_to(tmp_path) and not tree.exists()  # written there, then removed


@pytest.mark.parametrize(
    "result",
    [
        RunResult(backend="fake"),  # no candidate came back
        RunResult(
            backend="fake",
            candidates={
                "selftest": CandidateResult(
                    "selftest", "pytest", {"head": Outcome(Status.ERROR, "ImportError: nope")}
                )
            },
        ),
    ],
    ids=["no-result", "error"],
)
def test_anything_but_a_passed_test_fails_it(tmp_path: Path, result: RunResult) -> None:
    verdict = run_selftest(lambda: Answers(result), tmp_path)
    assert not verdict.ok and verdict.reason.startswith(PREFIX)


def test_the_real_process_runner_passes_it(tmp_path: Path) -> None:
    verdict = run_selftest(process_runner, tmp_path / "data")
    assert verdict.ok, verdict.reason
    assert list((tmp_path / "data").iterdir()) == []  # the tree is gone


def test_the_test_really_runs_in_the_sandbox(tmp_path: Path) -> None:
    """A process runner without a working Python fails it: the verdict comes from a real run."""
    broken = ProcessRunner(python=str(tmp_path / "no-such-python"))
    verdict = run_selftest(lambda: broken, tmp_path)
    assert not verdict.ok and verdict.reason.startswith(PREFIX)


def test_healthz_and_webhook_refuse_while_the_self_test_fails(tmp_path: Path) -> None:
    queue, metrics = FakeQueue(), WebhookMetrics()
    selftest = SelfTest(EngineDown, tmp_path)
    with make_client(selftest, queue, metrics) as client:
        pending = client.get("/healthz")
        assert pending.status_code == 503 and "not finished" in pending.json()["sandbox"]
        selftest.run_once()
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json() == {
            "status": "unavailable",
            "sandbox": f"{PREFIX}docker sandbox unavailable: {ENGINE_DOWN}",
        }
        status, text = post_opened(client)
        assert status == 503 and ENGINE_DOWN in text
        assert queue.enqueued == [] and queue.claimed == set()
        assert metrics.count("unverified", "unavailable") == 1


def test_healthz_and_webhook_open_once_a_real_runner_passes(tmp_path: Path) -> None:
    queue = FakeQueue()
    selftest = SelfTest(process_runner, tmp_path)
    with make_client(selftest, queue) as client:
        assert post_opened(client)[0] == 503
        assert selftest.run_once().ok
        health = client.get("/healthz")
        assert (health.status_code, health.json()) == (200, {"status": "ok", "sandbox": "ok"})
        status, text = post_opened(client)
        assert status == 202, text
        assert len(queue.enqueued) == 1


def test_the_background_self_test_retries_until_it_passes(tmp_path: Path) -> None:
    attempts: list[str] = []

    def flaky() -> Runner:  # the engine comes up after the first attempt
        attempts.append("x")
        return EngineDown() if len(attempts) == 1 else process_runner()

    selftest = SelfTest(flaky, tmp_path, retry_s=0.05)
    selftest.start()
    try:
        deadline = time.monotonic() + 60
        while not selftest.verdict.ok:
            assert time.monotonic() < deadline, selftest.verdict
            time.sleep(0.05)
    finally:
        selftest.stop()
    assert len(attempts) == 2


def test_without_a_self_test_the_endpoint_alone_is_healthy(
    client: TestClient,
) -> None:  # the fixture's app has no self-test: endpoint tests stay independent of sandboxes
    assert client.get("/healthz").json() == {"status": "ok"}
