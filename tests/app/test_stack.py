"""The deployment runs: ``scripts/stack up`` starts the App image (web and worker), Redis and
PostgreSQL as containers on the host network; a signed ``pull_request.opened`` for a local
repository (a ``file://`` URL under the shared data path) reaches the web container, the worker
container clones it, runs the sandboxes as sibling containers through the mounted Docker
socket, and posts the review with its witness to the fake GitHub API on 127.0.0.1 (this
process); ``scripts/stack down`` removes it all. The App image is rebuilt from this checkout
first; the Redis, PostgreSQL and sandbox images are reused when ``make test`` built them.

Also: the web container without the engine's socket answers ``/healthz`` with 503 and the
self-test's reason, and refuses deliveries.

Without a Docker engine the tests SKIP on a developer machine and FAIL under ``CI=true``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import httpx
import pytest
from app_fakes import git, github_patches
from test_e2e import INSTALLATION, REPO, delivery

from bot.app.events import sign
from tests.fakes.availability import unavailable
from tests.fakes.github_api import FakeGitHub, rsa_key_pair

pytestmark = [pytest.mark.docker, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "scripts" / "stack"
APP_IMAGE = "deepcheck-app:latest"
APP_UID = 10002
SECRET = "stack-webhook-secret-" + secrets.token_hex(16)


def docker_unavailable(reason: str) -> NoReturn:
    unavailable("Docker tests", reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 900) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, args))} exited {done.returncode}\n"
            f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}",
            pytrace=False,
        )
    return done.stdout


def give_to_app(path: Path) -> None:
    """The App runs as uid 10002 in its containers: as root, hand it the tree (git also
    refuses to clone a repository owned by someone else)."""
    if os.geteuid() != 0:
        return
    for entry in [path, *path.rglob("*")]:
        os.chown(entry, APP_UID, APP_UID, follow_symlinks=False)


@pytest.fixture(scope="module")
def app_image() -> str:
    if shutil.which("docker") is None:
        docker_unavailable("no docker client")
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=30)
    if info.returncode != 0:
        docker_unavailable(f"docker info: {info.stderr.strip()[-300:]}")
    # this checkout, as the image the stack runs (the base and layers are reused)
    run("bash", ROOT / "scripts" / "build-app-image", APP_IMAGE,
        env={**os.environ, "PYTHON": sys.executable})  # fmt: skip
    return APP_IMAGE


@pytest.fixture
def github() -> Iterator[tuple[FakeGitHub, str]]:
    private, public = rsa_key_pair()
    with FakeGitHub(public, installations=(INSTALLATION,)) as server:
        yield server, private


@pytest.fixture
def stack_env(tmp_path: Path, github: tuple[FakeGitHub, str]) -> Iterator[dict[str, str]]:
    """The environment of one `scripts/stack` run: its own name, ports, data dir, env file."""
    fake, private_key = github
    data = tmp_path / "data"
    data.mkdir()
    key = tmp_path / "app-key.pem"
    key.write_text(private_key, encoding="utf-8")
    key.chmod(0o600)
    give_to_app(key)
    env_file = tmp_path / "deepcheck.env"
    env_file.write_text(
        f"DEEPCHECK_WEBHOOK_SECRET={SECRET}\n"
        f"DEEPCHECK_GITHUB_APP_ID={fake.app_id}\n"
        f"DEEPCHECK_GITHUB_PRIVATE_KEY_PATH={key}\n"
        f"DEEPCHECK_GITHUB_API_URL={fake.base_url}\n"
        f"DEEPCHECK_POSTGRES_PASSWORD={secrets.token_hex(16)}\n",
        encoding="utf-8",
    )
    name = f"dc-stack-test-{secrets.token_hex(3)}"
    env = {
        **os.environ,
        "DEEPCHECK_STACK_NAME": name,
        "DEEPCHECK_STACK_ENV": str(env_file),
        "DEEPCHECK_STACK_DATA": str(data),
        "DEEPCHECK_STACK_WEB_PORT": str(free_port()),
        "DEEPCHECK_STACK_REDIS_PORT": str(free_port()),
        "DEEPCHECK_STACK_POSTGRES_PORT": str(free_port()),
        "DEEPCHECK_STACK_WAIT_S": "180",
        "PYTHON": sys.executable,
    }
    yield env
    # stop and remove everything this test started, whatever happened
    subprocess.run([str(STACK), "down", "--volumes"], cwd=ROOT, env=env, capture_output=True,
                   timeout=120, check=False)  # fmt: skip


def containers(name: str) -> list[str]:
    out = subprocess.run(
        ["docker", "ps", "-a", "--filter", f"name=^{name}-", "--format", "{{.Names}}"],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    return sorted(out.stdout.split())


def test_the_stack_reviews_a_pull_request(
    app_image: str, stack_env: dict[str, str], github: tuple[FakeGitHub, str]
) -> None:
    fake, _ = github
    data = Path(stack_env["DEEPCHECK_STACK_DATA"])
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        from make_example import materialize
    finally:
        sys.path.remove(str(ROOT / "examples"))
    path = materialize("interest", data / "fixtures" / "interest")
    base, head = git(path, "rev-parse", "main~1"), git(path, "rev-parse", "main")
    patches = github_patches(path, base, head)
    give_to_app(data / "fixtures")
    fake.add_repo(REPO, default_branch="main", permissions={"alice": "write"})
    fake.add_pull(REPO, 7, head_sha=head, base_sha=base, patches=patches)

    started = time.monotonic()
    out = run(STACK, "up", env=stack_env, timeout=900)
    name = stack_env["DEEPCHECK_STACK_NAME"]
    assert containers(name) == sorted(f"{name}-{c}" for c in ("postgres", "redis", "web", "worker"))
    assert "worker passed its sandbox self-test" in out

    web = f"http://127.0.0.1:{stack_env['DEEPCHECK_STACK_WEB_PORT']}"
    body = json.dumps(delivery(path, base, head)).encode()
    headers = {
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": "2f0e0c3a-e2e0-11ef-8000-00000000057a",
        "X-Hub-Signature-256": sign(SECRET.encode(), body),
        "Content-Type": "application/json",
    }
    with httpx.Client(timeout=10) as client:
        health = client.get(f"{web}/healthz")
        assert (health.status_code, health.json()) == (200, {"status": "ok", "sandbox": "ok"})
        unsigned = client.post(
            f"{web}/webhook", content=body, headers={**headers, "X-Hub-Signature-256": "sha256=00"}
        )
        assert unsigned.status_code == 401
        answer = client.post(f"{web}/webhook", content=body, headers=headers)
        assert answer.status_code == 202, answer.text
    deadline = time.monotonic() + 300
    while not any(r.get("status") == "completed" for r in fake.check_runs.values()):
        if time.monotonic() > deadline:
            logs = subprocess.run(["docker", "logs", "--tail", "40", f"{name}-worker"],
                                  capture_output=True, text=True, check=False)  # fmt: skip
            pytest.fail(f"no completed check run within 300 s\n{logs.stdout}{logs.stderr}")
        time.sleep(0.5)
    status = run(STACK, "status", env=stack_env, timeout=60)
    assert "sandbox" in status and '"ok"' in status

    [check] = fake.check_runs.values()
    assert check["head_sha"] == head and check["conclusion"] == "failure", check["output"]
    [review] = fake.reviews
    assert review["commit_id"] == head
    comments = [c for c in fake.review_comments if c["path"] == "ledger/interest.py"]
    assert comments, fake.review_comments
    assert any(c["line"] == 11 and c["side"] == "RIGHT" for c in comments), comments
    text = "\n".join(c["body"] for c in comments)
    assert "compound(" in text and "def test_" in text  # the witness call and its pytest test
    assert "<!-- deepcheck:finding:" in text
    # the clone happened in the worker container, into the shared data directory
    assert (data / "repos" / "octo" / "interest.git").is_dir()
    print(f"stack up to review: {time.monotonic() - started:.0f} s")

    run(STACK, "down", "--volumes", env=stack_env, timeout=120)
    assert containers(name) == []


def test_without_the_engine_socket_the_app_refuses_to_serve(app_image: str, tmp_path: Path) -> None:
    port = free_port()
    name = f"dc-nosocket-{secrets.token_hex(3)}"
    data = tmp_path / "data"
    data.mkdir()
    give_to_app(data)
    command = [
        "docker", "run", "-d", "--name", name, "--network", "host",
        "-e", f"DEEPCHECK_WEBHOOK_SECRET={SECRET}", "-e", f"DEEPCHECK_DATA_DIR={data}",
        "-e", "DEEPCHECK_SANDBOX=docker", "-e", "DEEPCHECK_SANDBOX_IMAGE=deepcheck-sandbox:any",
        "-v", f"{data}:{data}", app_image,
        "serve", "--host", "127.0.0.1", "--port", str(port), "--consumers", "0",
    ]  # fmt: skip
    run(*command, timeout=60)
    try:
        deadline = time.monotonic() + 60
        health: httpx.Response | None = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            except httpx.HTTPError:
                time.sleep(0.2)
                continue
            if "not finished" not in health.text:
                break
            time.sleep(0.2)
        assert health is not None, "the web container never answered"
        assert health.status_code == 503, health.text
        reason = health.json()["sandbox"]
        assert reason.startswith("sandbox self-test failed: ")
        assert "Docker engine not reachable at /var/run/docker.sock" in reason
        body = b'{"zen": "hi", "hook_id": 1}'
        refused = httpx.post(
            f"http://127.0.0.1:{port}/webhook", content=body, timeout=5,
            headers={"X-GitHub-Event": "ping", "X-Hub-Signature-256": sign(SECRET.encode(), body)},
        )  # fmt: skip
        assert refused.status_code == 503 and "sandbox self-test failed" in refused.text
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, timeout=60, check=False)
