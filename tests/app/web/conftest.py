from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from webhook_samples import FakeQueue, settings

from bot.app.web import WebhookMetrics, create_app


@pytest.fixture(autouse=True)
def _no_deepcheck_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("DEEPCHECK_"):
            monkeypatch.delenv(name)


@pytest.fixture
def queue() -> FakeQueue:
    return FakeQueue()


@pytest.fixture
def metrics() -> WebhookMetrics:
    return WebhookMetrics()


@pytest.fixture
def client(queue: FakeQueue, metrics: WebhookMetrics) -> Iterator[TestClient]:
    app = create_app(
        settings(),
        enqueue=queue.enqueue,
        claim_delivery=queue.claim,
        release_delivery=queue.release,
        metrics=metrics,
    )
    with TestClient(app) as test_client:
        yield test_client
