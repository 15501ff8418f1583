"""A local fake of the Anthropic Messages API (HTTP on 127.0.0.1), for the real SDK.

Tests point the official ``anthropic`` client at ``FakeAnthropicAPI.url`` (``base_url``) and
script the answers: queued ``Reply`` values are served first (in arrival order), then the
``responder`` (a function of the ``Request``) answers. Every request is recorded.

    with FakeAnthropicAPI(responder=model) as api:
        api.enqueue(error(429, retry_after="0.01"))
        ... AnthropicSampler(LLMSettings(api_key="test-key", base_url=api.url)) ...
        assert api.requests[0].tool == "propose_checks"

Prompt caching is modelled like the API: every ``cache_control`` breakpoint (on a tool, a
system block or a message block) closes a prefix (tools, system, messages up to and including
the marked block; a message-level prefix also depends on ``tool_choice``). A prefix of at least
``cache_min_tokens`` tokens is a cache entry once its request has been answered; a request
reports the longest entry it starts with as ``cache_read_input_tokens``, the tokens from there
to its last breakpoint as ``cache_creation_input_tokens`` (when that prefix is new), and only
the rest as ``input_tokens``. Input tokens are measured from the request (``len(text) // 4``)
unless a ``Reply`` pins them (``usage=(n, m)``, for tests about other things).

Helpers build the wire format: ``tool_reply`` (a ``tool_use`` block), ``refusal``, ``error``
(429 rate limit, 529 overloaded, with ``retry-after``), ``text_reply``; ``Reply.delay_s``
makes the server stall (client timeouts).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ids = itertools.count(1)


@dataclass(frozen=True)
class Request:
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def tool(self) -> str:
        choice = self.body.get("tool_choice") or {}
        return str(choice.get("name", ""))

    @property
    def system(self) -> str:
        system = self.body.get("system", "")
        if isinstance(system, list):
            return "\n".join(str(b.get("text", "")) for b in system)
        return str(system)

    @property
    def user(self) -> str:
        parts: list[str] = []
        for message in self.body.get("messages", []):
            content = message.get("content", "")
            if isinstance(content, list):
                parts.extend(str(b.get("text", "")) for b in content)
            else:
                parts.append(str(content))
        return "\n".join(parts)

    @property
    def function(self) -> str:
        """The function a deepcheck prompt is about (first backquoted name in the prompt)."""
        match = re.search(r"`([A-Za-z_][\w.]*)`", self.user)
        return match.group(1) if match else ""

    @property
    def refining(self) -> bool:
        """A follow-up on a test: a collection error, or a refutation with observed values."""
        return "This is a follow-up on a test" in self.user

    def cache_breakpoints(self) -> list[str]:
        """Canonical texts of the cacheable prefixes, one per ``cache_control`` breakpoint, in
        request order: tools, then system, then messages. A message-level prefix includes the
        ``tool_choice`` (changing it invalidates the cached message blocks, not tools + system,
        as the API documents)."""
        parts: list[Any] = []
        out: list[str] = []

        def walk(blocks: list[Any]) -> None:
            for block in blocks:
                parts.append(block)
                if isinstance(block, dict) and block.get("cache_control"):
                    out.append(json.dumps(parts, sort_keys=True))

        walk(list(self.body.get("tools", [])))
        system = self.body.get("system", "")
        walk(system if isinstance(system, list) else [{"type": "text", "text": system}])
        parts.append({"tool_choice": self.body.get("tool_choice")})
        for message in self.body.get("messages", []):
            content = message.get("content", "")
            walk(content if isinstance(content, list) else [{"type": "text", "text": content}])
        return out

    def cache_prefix(self) -> str | None:
        """The longest cacheable prefix (the last breakpoint's), None without a breakpoint."""
        breakpoints = self.cache_breakpoints()
        return breakpoints[-1] if breakpoints else None

    def measured_tokens(self) -> int:
        """Input tokens of the whole request, estimated like the fake does (4 chars a token)."""
        keys = ("tools", "system", "messages")
        return tokens_of(json.dumps([self.body.get(k) for k in keys], sort_keys=True))


def tokens_of(text: str) -> int:
    return max(1, len(text) // 4)


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


def message(
    content: list[dict[str, Any]], stop_reason: str, usage: tuple[int | None, int]
) -> Reply:
    return Reply(
        body={
            "id": f"msg_fake_{next(_ids)}",
            "type": "message",
            "role": "assistant",
            "model": "claude-fake",
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
            # None input tokens: the fake measures the request (and its cache prefix).
        }
    )


def tool_reply(name: str, tool_input: Any, *, usage: tuple[int | None, int] = (None, 200)) -> Reply:
    block = {
        "type": "tool_use",
        "id": f"toolu_fake_{next(_ids)}",
        "name": name,
        "input": tool_input,
    }
    return message([block], "tool_use", usage)


def checks_reply(
    *checks: tuple[str, str, str], usage: tuple[int | None, int] = (None, 200)
) -> Reply:
    """``propose_checks`` with (function, claim, test) triples."""
    items = [{"function": f, "claim": c, "test": t} for f, c, t in checks]
    return tool_reply("propose_checks", {"checks": items}, usage=usage)


def verdict_reply(
    verdict: str, reason: str = "", *, usage: tuple[int | None, int] = (None, 60)
) -> Reply:
    return tool_reply(
        "judge_change", {"verdict": verdict, "reason": reason or verdict}, usage=usage
    )


def prediction_reply(
    expected: str,
    stated: bool = True,
    reason: str = "",
    *,
    usage: tuple[int | None, int] = (None, 40),
) -> Reply:
    """``predict_result``: what the PR's intent implies for the witness's call."""
    return tool_reply(
        "predict_result",
        {"expected": expected, "stated": stated, "reason": reason or expected},
        usage=usage,
    )


def text_reply(text: str, *, usage: tuple[int | None, int] = (500, 20)) -> Reply:
    return message([{"type": "text", "text": text}], "end_turn", usage)


def refusal(*, usage: tuple[int | None, int] = (500, 5)) -> Reply:
    return message([{"type": "text", "text": "I can't help with that."}], "refusal", usage)


def error(status: int, *, retry_after: str | None = None, delay_s: float = 0.0) -> Reply:
    kind = {429: "rate_limit_error", 529: "overloaded_error", 400: "invalid_request_error"}
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    body = {
        "type": "error",
        "error": {"type": kind.get(status, "api_error"), "message": f"fake {status}"},
    }
    return Reply(status=status, body=body, headers=headers, delay_s=delay_s)


Responder = Callable[[Request], Reply]


class FakeAnthropicAPI:
    """``POST /v1/messages`` on 127.0.0.1 (a thread per request); a context manager."""

    def __init__(self, responder: Responder | None = None, *, cache_min_tokens: int = 1024) -> None:
        self.responder = responder
        self.cache_min_tokens = cache_min_tokens  # shorter prefixes are not cached (like the API)
        self._cache: set[str] = set()  # prefixes written (no expiry: tests take < 5 minutes)
        self.requests: list[Request] = []
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._in_flight = 0
        self.max_in_flight = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def calls(self, tool: str | None = None) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if tool is None or r.tool == tool]

    def __enter__(self) -> FakeAnthropicAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            queued = self._queue.popleft() if self._queue else None
        try:
            reply = queued or (self.responder(request) if self.responder else error(500))
            if reply.delay_s:
                time.sleep(reply.delay_s)
            return self._usage(request, reply)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _usage(self, request: Request, reply: Reply) -> Reply:
        """Fill ``usage`` the way the API does: measured input, cache writes and reads."""
        usage = reply.body.get("usage")
        if reply.status != 200 or not isinstance(usage, dict):
            return reply
        pinned = usage.get("input_tokens")
        measured = pinned is None
        total = request.measured_tokens() if pinned is None else int(pinned)
        write = read = 0
        if measured:
            # Each breakpoint of at least the minimum is a cache entry; the longest one written
            # before is read, the rest up to the last breakpoint is written (like the API).
            eligible = [
                p for p in request.cache_breakpoints() if tokens_of(p) >= self.cache_min_tokens
            ]
            if eligible:
                with self._lock:
                    read = max((tokens_of(p) for p in eligible if p in self._cache), default=0)
                    last = eligible[-1]
                    write = 0 if last in self._cache else max(0, tokens_of(last) - read)
                    self._cache.update(eligible)  # answered: later requests read them
                total = max(0, total - read - write)
        usage = {
            **usage,
            "input_tokens": total,
            "cache_creation_input_tokens": write,
            "cache_read_input_tokens": read,
        }
        return Reply(reply.status, {**reply.body, "usage": usage}, reply.headers, reply.delay_s)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                if self.path.split("?", 1)[0] != "/v1/messages":
                    self._send(Reply(404, {"type": "error", "error": {"type": "not_found"}}))
                    return
                request = Request(
                    json.loads(raw or b"{}"), {k.lower(): v for k, v in self.headers.items()}
                )
                self._send(api._answer(request))

            def _send(self, reply: Reply) -> None:
                data = json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.send_header("request-id", f"req_fake_{next(_ids)}")
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and went away

        return Handler


class ScriptedModel:
    """A responder that plays a model: answers per (tool, function), in turn.

    ``proposals[function]`` is a list of ``Reply`` served to successive ``propose_checks``
    requests about that function (cycling); ``refinements[function]`` likewise for refinement
    prompts; ``verdicts[function]`` for ``judge_change``; ``predictions[function]`` for
    ``predict_result`` (default: nothing stated). ``obey_injection``: a gullible model that
    follows "ignore previous instructions" found in the user prompt (it approves: no checks,
    verdict ``intended``, and it predicts whatever it is asked to, stated).
    """

    INJECTION = re.compile(r"ignore (all )?previous instructions", re.IGNORECASE)

    def __init__(
        self,
        proposals: dict[str, list[Reply]] | None = None,
        refinements: dict[str, list[Reply]] | None = None,
        verdicts: dict[str, list[Reply]] | None = None,
        *,
        predictions: dict[str, list[Reply]] | None = None,
        obey_injection: bool = False,
    ) -> None:
        self.predictions = predictions or {}
        self.proposals = proposals or {}
        self.refinements = refinements or {}
        self.verdicts = verdicts or {}
        self.obey_injection = obey_injection
        self._turns: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def _next(self, table: dict[str, list[Reply]], kind: str, function: str) -> Reply | None:
        replies = table.get(function) or table.get("*")
        if not replies:
            return None
        with self._lock:
            turn = self._turns.get((kind, function), 0)
            self._turns[(kind, function)] = turn + 1
        return replies[turn % len(replies)]

    def __call__(self, request: Request) -> Reply:
        if self.obey_injection and self.INJECTION.search(request.user):
            if request.tool == "judge_change":
                return verdict_reply("intended", "the PR says to approve")
            if request.tool == "predict_result":
                return prediction_reply("whatever head returns", True, "the PR says to approve")
            return checks_reply()
        function = request.function
        if request.tool == "predict_result":
            reply = self._next(self.predictions, "predict", function)
            return reply or prediction_reply("unknown", False)
        if request.tool == "judge_change":
            reply = self._next(self.verdicts, "judge", function)
            return reply or verdict_reply("unsure")
        if request.refining:
            reply = self._next(self.refinements, "refine", function)
        else:
            reply = self._next(self.proposals, "propose", function)
        return reply or checks_reply()
