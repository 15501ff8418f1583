"""``deepcheck serve`` / ``worker`` refuse unusable settings in one line, before anything runs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from bot.cli.serve import app
from tests.fakes.github_api import rsa_key_pair

KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"


def invoke(args: list[str], tmp_path: Path, **env: str) -> tuple[int, str]:
    base = {
        "DEEPCHECK_DATA_DIR": str(tmp_path / "data"),
        "DEEPCHECK_WEBHOOK_SECRET": "",
        "DEEPCHECK_GITHUB_APP_ID": "",
        "DEEPCHECK_GITHUB_PRIVATE_KEY": "",
        "DEEPCHECK_QUEUE_URL": "",
        "DEEPCHECK_DATABASE_URL": "",
    }
    merged = {**base, **env}
    unset = {k: None for k, v in merged.items() if v == ""}
    result = CliRunner().invoke(app, args, env={**merged, **unset})  # type: ignore[dict-item]
    return result.exit_code, result.stderr


@pytest.mark.parametrize("secret", ["changeme", "xxxxxxxxxxxxxxxxxxxx", "ChangeThis"])
def test_serve_refuses_a_placeholder_secret_in_one_line(tmp_path: Path, secret: str) -> None:
    code, stderr = invoke(["serve", "--consumers", "0"], tmp_path, DEEPCHECK_WEBHOOK_SECRET=secret)
    assert code == 2
    assert stderr.count("\n") == 1 and stderr.startswith("deepcheck: cannot serve: ")
    assert "DEEPCHECK_WEBHOOK_SECRET is a placeholder" in stderr
    assert secret not in stderr.replace("DEEPCHECK_WEBHOOK_SECRET", "")
    assert not (tmp_path / "data").exists()  # refused before anything was created


def test_serve_with_jobs_needs_the_app_credentials(tmp_path: Path) -> None:
    code, stderr = invoke(["serve"], tmp_path, DEEPCHECK_WEBHOOK_SECRET="a-real-secret-0123456789")
    assert code == 2 and stderr.count("\n") == 1
    assert "DEEPCHECK_GITHUB_APP_ID is not set" in stderr


def test_invalid_settings_are_one_line(tmp_path: Path) -> None:
    code, stderr = invoke(["worker"], tmp_path, DEEPCHECK_SANDBOX="vm")
    assert code == 2 and stderr.count("\n") == 1
    assert stderr.startswith("deepcheck: invalid settings: DEEPCHECK_SANDBOX")


def test_worker_refuses_the_process_sandbox_unless_allowed(tmp_path: Path) -> None:
    code, stderr = invoke(
        ["worker"], tmp_path, DEEPCHECK_SANDBOX="process", DEEPCHECK_GITHUB_APP_ID="1",
        DEEPCHECK_GITHUB_PRIVATE_KEY=KEY,
    )  # fmt: skip
    assert code == 2 and stderr.count("\n") == 1
    assert "DEEPCHECK_ALLOW_PROCESS_SANDBOX" in stderr


def test_serve_answers_and_stops_cleanly(tmp_path: Path) -> None:
    """The real process: uvicorn + the embedded consumer on SQLite; SIGINT stops both."""
    key = tmp_path / "app.pem"
    key.write_text(rsa_key_pair()[0])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DEEPCHECK_")
    } | {
        "DEEPCHECK_DATA_DIR": str(tmp_path / "data"),
        "DEEPCHECK_WEBHOOK_SECRET": "a-real-secret-0123456789",
        "DEEPCHECK_GITHUB_APP_ID": "1",
        "DEEPCHECK_GITHUB_PRIVATE_KEY_PATH": str(key),
        "DEEPCHECK_SANDBOX": "process",
        "DEEPCHECK_ALLOW_PROCESS_SANDBOX": "true",
    }  # fmt: skip
    code = "from bot.cli.serve import app; app()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port)],
        env=env, cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, proc.communicate()[0]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not answer within 30 s"
            time.sleep(0.1)
        assert (tmp_path / "data" / "deepcheck.db").exists()
        assert (tmp_path / "data" / "queue.db").exists()
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0, output
    assert "Application shutdown complete" in output


def test_deepcheck_serve_is_the_same_command(tmp_path: Path) -> None:
    """``deepcheck serve`` (bot.cli.main) behaves as ``bot.cli.serve.serve``."""
    from bot.cli.main import app as deepcheck

    env = {"DEEPCHECK_DATA_DIR": str(tmp_path), "DEEPCHECK_WEBHOOK_SECRET": "changeme"}
    result = CliRunner().invoke(deepcheck, ["serve", "--consumers", "0"], env=env)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "DEEPCHECK_WEBHOOK_SECRET is a placeholder" in result.stderr
