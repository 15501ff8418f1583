"""Hostile probe: nothing from the host environment, no secrets, no Docker socket."""

import json
import os
import socket
from pathlib import Path

SECRET_WORDS = ("SECRET", "TOKEN", "PASSWORD", "CREDENTIAL", "API_KEY", "PRIVATE")
SOCKETS = ("/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock")


def _config() -> dict[str, str | None]:
    doc: dict[str, str | None] = json.loads(
        Path(__file__).with_name("probe_config.json").read_text()
    )
    return doc


def test_canary_is_absent() -> None:
    name, value = _config()["canary_name"], _config()["canary"]
    assert name and value
    assert name not in os.environ
    assert all(value not in v for v in os.environ.values())


def test_no_secret_looking_variables() -> None:
    leaked = [k for k in os.environ if any(word in k.upper() for word in SECRET_WORDS)]
    assert not leaked


def test_supervisor_environment_is_clean() -> None:
    canary = _config()["canary"]
    assert canary
    for pid in ("1", str(os.getppid())):
        try:
            data = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue  # not readable (non-dumpable supervisor): fine
        assert canary.encode() not in data


def test_no_engine_socket() -> None:
    for path in SOCKETS:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2.0)
            try:
                sock.connect(path)
            except OSError:
                continue
            raise AssertionError(f"connected to {path}")
