"""Hostile probe: the sandbox has no network interface but loopback, and cannot reach the host."""

import json
import os
import socket
from pathlib import Path
from typing import Any


def _config() -> dict[str, Any]:
    doc: dict[str, str | None] = json.loads(
        Path(__file__).with_name("probe_config.json").read_text()
    )
    return doc


def _interfaces() -> list[str]:
    if os.path.isdir("/sys/class/net"):
        return sorted(os.listdir("/sys/class/net"))
    with open("/proc/net/dev") as fh:
        return sorted(line.split(":")[0].strip() for line in fh.readlines()[2:])


def test_only_loopback() -> None:
    assert _interfaces() == ["lo"]


def test_connect_to_this_machine_fails() -> None:
    config = _config()
    target = config.get("connect_to")
    if not target:  # no Docker bridge on this machine: nothing of ours to aim at
        return
    # connect_port: a listener the host opened for this probe; the others are usual services.
    ports = [int(config["connect_port"])] if config.get("connect_port") else []
    for port in [*ports, 22, 80, 2375]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(2.0)
            try:
                sock.connect((target, port))
            except OSError:
                continue
            raise AssertionError(f"connected to {target}:{port} from inside the sandbox")
