"""Recorded real deliveries (``tests/samples/payloads``, octokit/webhooks, MIT) and in-memory
fakes."""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.app.events import sign
from bot.app.jobs import Command
from bot.app.settings import Settings

REPO = Path(__file__).resolve().parents[3]
PAYLOADS = REPO / "tests" / "samples" / "payloads"
EXPECTED_PAYLOADS = 71  # 70 upstream (octokit/webhooks) + the DERIVED comment on a PR
SECRET = "test-webhook-secret-0123456789abcdef"
DERIVED_COMMENT = "issue_comment/created.on-pull-request.DERIVED.json"


def payload_files() -> list[Path]:
    return sorted(PAYLOADS.rglob("*.json")) if PAYLOADS.is_dir() else []


def require_payloads() -> None:
    """The deliveries ship with the repository: their absence is a broken checkout, never a skip."""
    if not PAYLOADS.is_dir():
        pytest.fail(f"recorded deliveries missing: {PAYLOADS}")


def load(name: str) -> dict[str, Any]:
    require_payloads()
    data: dict[str, Any] = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def event_of(path: Path) -> str:
    return path.relative_to(PAYLOADS).parts[0]


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"webhook_secret": SECRET, "bot_login": "deepcheck[bot]"}
    values.update(overrides)
    return Settings(**values)


def headers(
    event: str, body: bytes, *, delivery: str | None = None, secret: str = SECRET
) -> dict[str, str]:
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(secret.encode(), body),
        "Content-Type": "application/json",
    }


@dataclass
class FakeQueue:
    """enqueue / claim / release as the web app sees them, kept in memory."""

    enqueued: list[tuple[str, list[Command]]] = field(default_factory=list)
    claimed: set[str] = field(default_factory=set)
    released: list[str] = field(default_factory=list)
    fail_enqueue: bool = False
    fail_claim: bool = False

    def enqueue(self, delivery_id: str, commands: list[Command]) -> None:
        if self.fail_enqueue:
            raise ConnectionError("queue is down")
        self.enqueued.append((delivery_id, commands))

    def claim(self, delivery_id: str) -> bool:
        if self.fail_claim:
            raise ConnectionError("store is down")
        if delivery_id in self.claimed:
            return False
        self.claimed.add(delivery_id)
        return True

    def release(self, delivery_id: str) -> None:
        self.claimed.discard(delivery_id)
        self.released.append(delivery_id)
