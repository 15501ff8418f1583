"""The real FastAPI app, fed recorded real deliveries with real signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from webhook_samples import (
    DERIVED_COMMENT,
    EXPECTED_PAYLOADS,
    PAYLOADS,
    SECRET,
    FakeQueue,
    event_of,
    headers,
    load,
    payload_files,
    require_payloads,
    settings,
)

from bot.app.events import route, sign
from bot.app.jobs import CheckPR, Ignore
from bot.app.settings import SettingsError
from bot.app.web import MAX_BODY_BYTES, WebhookMetrics, create_app

FILES = payload_files()


def post(client: TestClient, event: str, payload: Any, **kwargs: Any) -> Any:
    body = json.dumps(payload).encode()
    return client.post("/webhook", content=body, headers=headers(event, body, **kwargs))


def test_recorded_deliveries_are_present() -> None:
    require_payloads()
    assert len(FILES) == EXPECTED_PAYLOADS, f"expected {EXPECTED_PAYLOADS} files under {PAYLOADS}"


@pytest.mark.parametrize(
    "path", FILES or [None], ids=[str(p.relative_to(PAYLOADS)) for p in FILES] or ["missing"]
)
def test_every_recorded_delivery_is_accepted_or_ignored(
    path: Path | None, client: TestClient, queue: FakeQueue
) -> None:
    require_payloads()
    assert path is not None
    body = path.read_bytes()  # the recorded bytes, signed as GitHub signs them
    event = event_of(path)
    response = client.post("/webhook", content=body, headers=headers(event, body))
    expected = route(event, json.loads(body), settings())
    actionable = [c for c in expected if not isinstance(c, Ignore)]
    if event == "ping":
        assert response.status_code == 200
    elif actionable:
        assert response.status_code == 202, response.text
        assert [type(c).__name__ for c in queue.enqueued[0][1]] == response.json()["accepted"]
    else:
        assert response.status_code == 200, response.text
        assert response.json()["ignored"], "an ignored delivery says why"
    assert len(queue.enqueued) == (1 if actionable else 0)
    assert len(queue.claimed) == (1 if actionable else 0)


def test_comment_on_a_pull_request_gives_a_check(client: TestClient, queue: FakeQueue) -> None:
    payload = load(DERIVED_COMMENT)
    response = post(client, "issue_comment", payload, delivery="d-comment-1")
    assert response.status_code == 202
    assert response.json() == {"accepted": ["CheckPR"]}
    [(delivery_id, [command])] = queue.enqueued
    assert delivery_id == "d-comment-1"
    assert isinstance(command, CheckPR)
    assert command.trigger == "comment"
    assert command.head_sha == ""  # the task fetches the PR
    assert command.number == payload["issue"]["number"]
    assert command.comment_id == payload["comment"]["id"]
    assert command.repo.full_name == "Codertocat/Hello-World"
    assert command.repo.installation_id == payload["installation"]["id"]
    assert command.delivery_id == "d-comment-1"


def test_opened_pull_request_gives_a_check_of_its_head(
    client: TestClient, queue: FakeQueue
) -> None:
    payload = load("pull_request/opened.payload.json")
    assert post(client, "pull_request", payload).status_code == 202
    [(_, [command])] = queue.enqueued
    assert isinstance(command, CheckPR)
    assert command.head_sha == payload["pull_request"]["head"]["sha"]
    assert command.base_sha == payload["pull_request"]["base"]["sha"]
    assert (command.trigger, command.number) == ("pull_request", 2)


def _forged(body: bytes) -> str:
    return "sha256=" + hmac.new(b"not-the-secret", body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(_forged, id="forged"),
        pytest.param(None, id="missing"),
        pytest.param(lambda b: "sha256=", id="empty-digest"),
        pytest.param(lambda b: sign(SECRET.encode(), b + b" "), id="other-body"),
        pytest.param(lambda b: sign(SECRET.encode(), b).replace("sha256=", ""), id="no-prefix"),
        pytest.param(lambda b: sign(SECRET.encode(), b)[:-2], id="truncated"),
    ],
)
def test_bad_signatures_are_refused_before_anything(
    signature: Any, client: TestClient, queue: FakeQueue, metrics: WebhookMetrics
) -> None:
    body = json.dumps(load("pull_request/opened.payload.json")).encode()
    sent = headers("pull_request", body)
    del sent["X-Hub-Signature-256"]
    if signature is not None:
        sent["X-Hub-Signature-256"] = signature(body)
    response = client.post("/webhook", content=body, headers=sent)
    assert response.status_code == 401
    assert queue.enqueued == [] and queue.claimed == set()
    assert metrics.count("unverified", "unauthorized") == 1


def test_sha1_signature_alone_is_refused(client: TestClient, queue: FakeQueue) -> None:
    body = json.dumps(load("pull_request/opened.payload.json")).encode()
    sent = headers("pull_request", body)
    del sent["X-Hub-Signature-256"]
    sent["X-Hub-Signature"] = "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    assert client.post("/webhook", content=body, headers=sent).status_code == 401
    assert queue.enqueued == []


def test_non_ascii_signature_is_a_401_not_a_500(client: TestClient, queue: FakeQueue) -> None:
    body = json.dumps(load("pull_request/opened.payload.json")).encode()
    sent: dict[str, Any] = headers("pull_request", body)
    sent["X-Hub-Signature-256"] = "sha256=é".encode("latin-1") + b"\xff" * 62
    assert client.post("/webhook", content=body, headers=sent).status_code == 401
    assert queue.enqueued == [] and queue.claimed == set()


def test_redelivery_is_a_no_op(client: TestClient, queue: FakeQueue) -> None:
    payload = load("pull_request/synchronize.payload.json")
    first = post(client, "pull_request", payload, delivery="same-guid")
    second = post(client, "pull_request", payload, delivery="same-guid")
    assert (first.status_code, second.status_code) == (202, 200)
    assert second.json() == {"duplicate": "same-guid"}
    assert len(queue.enqueued) == 1


def test_enqueue_failure_releases_the_claim(client: TestClient, queue: FakeQueue) -> None:
    payload = load("pull_request/opened.payload.json")
    queue.fail_enqueue = True
    assert post(client, "pull_request", payload, delivery="guid-1").status_code == 500
    assert queue.claimed == set() and queue.released == ["guid-1"]
    queue.fail_enqueue = False  # a manual redelivery (same GUID) then goes through
    assert post(client, "pull_request", payload, delivery="guid-1").status_code == 202
    assert len(queue.enqueued) == 1


def test_claim_failure_is_a_500_with_nothing_enqueued(client: TestClient, queue: FakeQueue) -> None:
    queue.fail_claim = True
    payload = load("pull_request/opened.payload.json")
    assert post(client, "pull_request", payload).status_code == 500
    assert queue.enqueued == []


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]", b'"text"', b""])
def test_malformed_json_is_a_400(body: bytes, client: TestClient, queue: FakeQueue) -> None:
    response = client.post("/webhook", content=body, headers=headers("pull_request", body))
    assert response.status_code == 400
    assert queue.claimed == set()


def test_missing_event_header_is_a_400(client: TestClient) -> None:
    body = json.dumps(load("pull_request/opened.payload.json")).encode()
    sent = headers("pull_request", body)
    del sent["X-GitHub-Event"]
    assert client.post("/webhook", content=body, headers=sent).status_code == 400


@pytest.mark.parametrize("delivery", [None, "not a guid", "x" * 200])
def test_missing_or_odd_delivery_id_is_a_400(
    delivery: str | None, client: TestClient, queue: FakeQueue
) -> None:
    body = json.dumps(load("pull_request/opened.payload.json")).encode()
    sent = headers("pull_request", body)
    if delivery is None:
        del sent["X-GitHub-Delivery"]
    else:
        sent["X-GitHub-Delivery"] = delivery
    assert client.post("/webhook", content=body, headers=sent).status_code == 400
    assert queue.claimed == set()


def test_ping_is_200_and_stores_nothing(client: TestClient, queue: FakeQueue) -> None:
    response = post(client, "ping", load("ping/with-app_id.payload.json"))
    assert response.status_code == 200
    assert queue.claimed == set() and queue.enqueued == []


def test_ignored_deliveries_are_not_claimed(client: TestClient, queue: FakeQueue) -> None:
    response = post(client, "pull_request", load("pull_request/labeled.payload.json"))
    assert response.status_code == 200
    assert response.json() == {"ignored": ["pull_request.labeled: not handled"]}
    assert queue.claimed == set()


def test_unknown_event_is_ignored(client: TestClient, metrics: WebhookMetrics) -> None:
    response = post(client, "merge_group", {"action": "checks_requested", "installation": {}})
    assert response.status_code == 200
    assert metrics.count("other", "ignored") == 1


def test_a_26_mib_body_is_refused(client: TestClient, queue: FakeQueue) -> None:
    body = b" " * (26 * 1024 * 1024)
    response = client.post("/webhook", content=body, headers=headers("pull_request", body))
    assert response.status_code == 413
    assert queue.claimed == set()


def test_a_body_just_under_the_limit_is_read(client: TestClient) -> None:
    payload = json.dumps(load("pull_request/labeled.payload.json")).encode()
    body = payload + b" " * (MAX_BODY_BYTES - len(payload))
    response = client.post("/webhook", content=body, headers=headers("pull_request", body))
    assert response.status_code == 200


def _raw_post(app: Any, chunks: list[bytes], extra: list[tuple[bytes, bytes]]) -> tuple[int, int]:
    """POST through raw ASGI, counting how many body chunks the app pulled."""
    pulled = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled < len(chunks):
            pulled += 1
            return {"type": "http.request", "body": chunks[pulled - 1], "more_body": True}
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/webhook",
        "raw_path": b"/webhook",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"x-github-event", b"pull_request"), *extra],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    anyio.run(app, scope, receive, send)
    return status, pulled


def test_an_oversized_stream_is_cut_without_buffering_it(queue: FakeQueue) -> None:
    app = create_app(
        settings(),
        enqueue=queue.enqueue,
        claim_delivery=queue.claim,
        release_delivery=queue.release,
        max_body_bytes=1024,
    )
    status, pulled = _raw_post(app, [b"x" * 512] * 100, [])  # chunked: no Content-Length
    assert status == 413
    assert pulled <= 3
    status, pulled = _raw_post(app, [b"x" * 512] * 100, [(b"content-length", b"51200")])
    assert (status, pulled) == (413, 0)


def test_health_and_metrics(client: TestClient, metrics: WebhookMetrics) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    post(client, "pull_request", load("pull_request/opened.payload.json"))
    post(client, "pull_request", load("pull_request/closed.payload.json"))
    client.post("/webhook", content=b"{}", headers={"X-GitHub-Event": "evil\ninjected"})
    text = client.get("/metrics").text
    assert 'deepcheck_webhook_deliveries_total{event="pull_request",outcome="accepted"} 1' in text
    assert 'deepcheck_webhook_deliveries_total{event="pull_request",outcome="ignored"} 1' in text
    assert 'deepcheck_webhook_deliveries_total{event="unverified",outcome="unauthorized"} 1' in text
    assert 'deepcheck_webhook_enqueue_seconds_bucket{le="+Inf"} 1' in text
    assert "deepcheck_webhook_enqueue_seconds_count 1" in text
    assert "injected" not in text
    assert client.get("/metrics").headers["content-type"].startswith("text/plain; version=0.0.4")


def test_no_api_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/openapi.json").status_code == 404


@pytest.mark.parametrize("secret", [None, "", "changethis", "secret", "xxx", "CHANGETHIS "])
def test_the_app_refuses_to_start_with_a_placeholder_secret(
    secret: str | None, queue: FakeQueue
) -> None:
    with pytest.raises(SettingsError) as error:
        create_app(
            settings(webhook_secret=secret),
            enqueue=queue.enqueue,
            claim_delivery=queue.claim,
            release_delivery=queue.release,
        )
    message = str(error.value)
    assert "DEEPCHECK_WEBHOOK_SECRET" in message and "\n" not in message


def test_metric_labels_cannot_be_chosen_by_an_unverified_sender(
    client: TestClient, metrics: WebhookMetrics
) -> None:
    sent = {"X-GitHub-Event": "pull_request", "Content-Length": "12x"}
    assert client.post("/webhook", content=b"{}", headers=sent).status_code == 400
    assert metrics.count("unverified", "bad_request") == 1
    body = b"[]"
    assert client.post("/webhook", content=body, headers=headers("x" * 80, body)).status_code == 400
    assert metrics.count("other", "bad_request") == 1
    assert "x" * 80 not in client.get("/metrics").text


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ({"sender": {"type": "Bot", "login": "some-app[bot]"}}, "issue_comment: from a bot"),
        ({"sender": {"type": "User", "login": "deepcheck[bot]"}}, "issue_comment: from a bot"),
    ],
)
def test_commands_from_bots_do_nothing(
    who: dict[str, dict[str, str]], reason: str, client: TestClient, queue: FakeQueue
) -> None:
    payload = load(DERIVED_COMMENT)
    for key, changes in who.items():
        payload[key].update(changes)
    response = post(client, "issue_comment", payload)
    assert (response.status_code, response.json()) == (200, {"ignored": [reason]})
    assert queue.claimed == set() and queue.enqueued == []


def test_a_command_from_an_outsider_is_answered(client: TestClient, queue: FakeQueue) -> None:
    payload = load(DERIVED_COMMENT)
    payload["comment"]["author_association"] = "NONE"
    response = post(client, "issue_comment", payload)
    assert (response.status_code, response.json()) == (202, {"accepted": ["Reply"]})
    [reply] = queue.enqueued[-1][1]
    assert "needs write access" in reply.body


def test_a_bad_command_is_answered(client: TestClient, queue: FakeQueue) -> None:
    payload = load(DERIVED_COMMENT)
    payload["comment"]["body"] = "/deep-check turbo"
    response = post(client, "issue_comment", payload)
    assert (response.status_code, response.json()) == (202, {"accepted": ["Reply"]})
