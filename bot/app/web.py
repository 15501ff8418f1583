"""The webhook endpoint: FastAPI (the only fastapi importer) around ``bot.app.events``.

``POST /webhook``, in this order, each step before anything that costs more:

1. read the raw body as a stream, refusing more than 25 MiB (413) without buffering past it;
2. verify ``X-Hub-Signature-256`` over those bytes (401 on a bad or missing one: nothing parsed,
   claimed or enqueued);
3. parse JSON (400 when it is not a JSON object, or ``X-GitHub-Event`` is missing);
4. route (pure): ``ping`` → 200; only ``Ignore`` → 200 with the reasons, nothing stored;
5. claim ``X-GitHub-Delivery`` (a redelivery is a no-op 200), enqueue the commands that do
   something, release the claim if enqueueing fails (500); 202.

Claim and enqueue are synchronous callables (a store, a queue): they run in the thread pool,
never on the event loop. ``GET /metrics`` is Prometheus text.

With a ``SelfTest`` (``bot.app.selftest``, what ``deepcheck serve`` passes), the sandbox must
have run one trivial job first: until it has, ``GET /healthz`` answers 503 with the reason and
``POST /webhook`` refuses every delivery with 503 (GitHub shows the reason in its delivery log;
redeliver once the App is healthy); after, ``/healthz`` answers 200 with ``sandbox: ok``.
Without one (tests of the endpoint alone), ``/healthz`` answers 200.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from bot.app.events import SIGNATURE_HEADER, handled_events, route, verify_signature
from bot.app.jobs import Command, Ignore
from bot.app.selftest import SelfTest
from bot.app.settings import Settings

__all__ = ["MAX_BODY_BYTES", "WebhookMetrics", "create_app"]

log = logging.getLogger("deepcheck.web")

MAX_BODY_BYTES = 25 * 1024 * 1024
# above this, hashing and parsing leave the event loop (hashlib releases the GIL)
_OFFLOAD_BYTES = 1024 * 1024
_DELIVERY_ID = re.compile(r"^[A-Za-z0-9-]{1,128}$")

Enqueue = Callable[[str, list[Command]], None]
Claim = Callable[[str], bool]
Release = Callable[[str], None]
Outcome = Literal[
    "accepted",
    "duplicate",
    "ignored",
    "ping",
    "unauthorized",
    "too_large",
    "bad_request",
    "error",
    "unavailable",
]

ENQUEUE_BUCKETS: tuple[float, ...] = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip


class WebhookMetrics:
    """Deliveries by (event, outcome) and the enqueue latency histogram; thread-safe."""

    def __init__(self, buckets: Sequence[float] = ENQUEUE_BUCKETS) -> None:
        self._lock = threading.Lock()
        self._deliveries: dict[tuple[str, str], int] = {}
        self._buckets = tuple(sorted(buckets))
        self._bucket_counts = [0] * len(self._buckets)
        self._sum = 0.0
        self._count = 0

    def delivery(self, event: str, outcome: Outcome) -> None:
        with self._lock:
            key = (event, outcome)
            self._deliveries[key] = self._deliveries.get(key, 0) + 1

    def observe_enqueue(self, seconds: float) -> None:
        with self._lock:
            self._sum += seconds
            self._count += 1
            for index, bound in enumerate(self._buckets):
                if seconds <= bound:
                    self._bucket_counts[index] += 1

    def count(self, event: str, outcome: Outcome) -> int:
        with self._lock:
            return self._deliveries.get((event, outcome), 0)

    def render(self) -> str:
        """Prometheus text exposition format 0.0.4."""
        with self._lock:
            lines = [
                "# HELP deepcheck_webhook_deliveries_total Webhook deliveries by event, outcome.",
                "# TYPE deepcheck_webhook_deliveries_total counter",
            ]
            for (event, outcome), value in sorted(self._deliveries.items()):
                labels = f'event="{_escape(event)}",outcome="{_escape(outcome)}"'
                lines.append(f"deepcheck_webhook_deliveries_total{{{labels}}} {value}")
            lines += [
                "# HELP deepcheck_webhook_enqueue_seconds Time to claim and enqueue a delivery.",
                "# TYPE deepcheck_webhook_enqueue_seconds histogram",
            ]
            for bound, value in zip(self._buckets, self._bucket_counts, strict=True):
                lines.append(f'deepcheck_webhook_enqueue_seconds_bucket{{le="{bound}"}} {value}')
            lines.append(f'deepcheck_webhook_enqueue_seconds_bucket{{le="+Inf"}} {self._count}')
            lines.append(f"deepcheck_webhook_enqueue_seconds_sum {self._sum}")
            lines.append(f"deepcheck_webhook_enqueue_seconds_count {self._count}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class _Rejected(Exception):
    def __init__(self, status: int, outcome: Outcome, detail: str, *, verified: bool) -> None:
        super().__init__(detail)
        self.status = status
        self.outcome = outcome
        self.detail = detail
        self.verified = verified  # was the signature checked before this refusal?


async def _read_body(request: Request, limit: int) -> bytes:
    """The raw body, or ``_Rejected`` 413 as soon as it is known to exceed ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise _Rejected(400, "bad_request", "bad Content-Length", verified=False)
        if int(declared) > limit:
            raise _Rejected(413, "too_large", f"body over {limit} bytes", verified=False)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _Rejected(413, "too_large", f"body over {limit} bytes", verified=False)
    return bytes(body)


def create_app(
    settings: Settings,
    *,
    enqueue: Enqueue,
    claim_delivery: Claim,
    release_delivery: Release,
    metrics: WebhookMetrics | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    selftest: SelfTest | None = None,
) -> FastAPI:
    """The App's web process. Raises ``SettingsError`` when the webhook secret is unusable.

    ``selftest``: deliveries are refused (503) until its verdict is ok; ``/healthz`` says why."""
    settings.validate_for_serving(web=True, worker=False)
    secret = settings.webhook_secret_bytes()
    counters = metrics if metrics is not None else WebhookMetrics()
    known_events = handled_events() | {"ping"}
    app = FastAPI(title="deepcheck", docs_url=None, redoc_url=None, openapi_url=None)

    def accept(delivery_id: str, commands: list[Command]) -> bool:
        """Claim, then enqueue; False for a delivery already claimed. Runs in a thread."""
        started = time.perf_counter()
        if not claim_delivery(delivery_id):
            return False
        try:
            enqueue(delivery_id, commands)
        except BaseException:
            release_delivery(delivery_id)
            raise
        counters.observe_enqueue(time.perf_counter() - started)
        return True

    async def handle(
        request: Request, event: str | None, signature: str | None, delivery_id: str | None
    ) -> tuple[str, Outcome, Response]:
        body = await _read_body(request, max_body_bytes)
        if len(body) > _OFFLOAD_BYTES:
            valid = await run_in_threadpool(verify_signature, secret, body, signature)
        else:
            valid = verify_signature(secret, body, signature)
        if not valid:
            raise _Rejected(
                401, "unauthorized", f"bad or missing {SIGNATURE_HEADER}", verified=False
            )
        if not event:
            raise _Rejected(400, "bad_request", "missing X-GitHub-Event", verified=True)
        label = event if event in known_events else "other"
        try:
            if len(body) > _OFFLOAD_BYTES:
                payload: Any = await run_in_threadpool(json.loads, body)
            else:
                payload = json.loads(body)
        except (ValueError, RecursionError):
            raise _Rejected(400, "bad_request", "body is not JSON", verified=True) from None
        if not isinstance(payload, dict):
            raise _Rejected(400, "bad_request", "body is not a JSON object", verified=True)
        try:
            commands = route(event, payload, settings, delivery_id=delivery_id or "")
        except Exception:
            log.exception("webhook %s (%s): routing failed", delivery_id, event)
            return label, "error", JSONResponse({"error": "routing failed"}, status_code=500)
        if event == "ping":
            return label, "ping", JSONResponse({"ok": True, "event": "ping"}, status_code=200)
        actionable: list[Command] = [c for c in commands if not isinstance(c, Ignore)]
        if not actionable:
            reasons = [command.reason for command in commands if isinstance(command, Ignore)]
            return label, "ignored", JSONResponse({"ignored": reasons}, status_code=200)
        if delivery_id is None or not _DELIVERY_ID.match(delivery_id):
            raise _Rejected(
                400, "bad_request", "missing or malformed X-GitHub-Delivery", verified=True
            )
        try:
            claimed = await run_in_threadpool(accept, delivery_id, actionable)
        except Exception:
            log.exception("webhook %s (%s): claim or enqueue failed", delivery_id, event)
            return label, "error", JSONResponse({"error": "enqueue failed"}, status_code=500)
        if not claimed:
            return label, "duplicate", JSONResponse({"duplicate": delivery_id}, status_code=200)
        kinds = [type(command).__name__ for command in actionable]
        return label, "accepted", JSONResponse({"accepted": kinds}, status_code=202)

    @app.post("/webhook")
    async def webhook(request: Request) -> Response:
        # headers read directly: no per-request dependency solving on the hot path
        x_github_event = request.headers.get("x-github-event")
        if selftest is not None:
            verdict = selftest.verdict
            if not verdict.ok:
                counters.delivery("unverified", "unavailable")
                return JSONResponse({"error": verdict.reason}, status_code=503)
        try:
            label, outcome, response = await handle(
                request,
                x_github_event,
                request.headers.get("x-hub-signature-256"),
                request.headers.get("x-github-delivery"),
            )
        except _Rejected as rejected:
            if rejected.verified:
                event = x_github_event if x_github_event in known_events else "other"
            else:
                event = "unverified"
            counters.delivery(event, rejected.outcome)
            if rejected.status == 401:
                log.info("webhook refused: %s", rejected.detail)
            return JSONResponse({"error": rejected.detail}, status_code=rejected.status)
        counters.delivery(label, outcome)
        return response

    @app.get("/healthz")
    async def healthz() -> Response:
        if selftest is None:
            return JSONResponse({"status": "ok"})
        verdict = selftest.verdict
        if verdict.ok:
            return JSONResponse({"status": "ok", "sandbox": "ok"})
        return JSONResponse({"status": "unavailable", "sandbox": verdict.reason}, status_code=503)

    @app.get("/metrics")
    async def prometheus() -> PlainTextResponse:
        return PlainTextResponse(
            counters.render(), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    return app
