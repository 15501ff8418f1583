"""The adapter to the Anthropic Messages API: the only module that imports ``anthropic``.

(It does so when a sampler is built, so importing this module, the pipeline or the judge
without a key costs nothing.)

Everything else sees the ``Sampler`` port: a list of ``Prompt`` in, one ``Sample`` per prompt
out, drawn in parallel under a concurrency cap. Structured output is tool use with a forced
tool (``propose_checks``, ``predict_result`` or ``judge_change``, schemas in ``bot.llm.tools``;
every request sends all three, so tools + system are one cached prefix); the input is
validated here, so a malformed tool input, a refusal, a rate limit that outlasts the retries or
a budget that is spent comes back as a *discarded* sample (``Sample.tool_input is None``,
counted in the ``Ledger``), never as an exception.

Configuration (``LLMSettings.from_env``; it, the prices, the ``Ledger`` and the ``DailyQuota``
live in ``bot.llm.budget`` and are re-exported here): ``ANTHROPIC_API_KEY`` turns the model on,
``ANTHROPIC_BASE_URL`` is honored, ``DEEPCHECK_MODEL`` picks the model; docs/llm.md lists the
``DEEPCHECK_LLM_*`` caps. The key goes to the SDK client only: never into a prompt.

Retries: 429, 5xx (529 overloaded included), timeouts and connection errors are retried up to
``max_retries`` times, waiting what ``retry-after-ms`` / ``retry-after`` says (capped), else an
exponential backoff; never past the latency deadline.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

from bot.llm.budget import (
    DEFAULT_MODEL,
    PRICES,
    DailyQuota,
    Ledger,
    LLMSettings,
    Price,
    Quota,
    price_for,
)
from bot.llm.tools import JUDGE_CHANGE, PROPOSE_CHECKS, TOOLS, validate_tool_input

if TYPE_CHECKING:
    from anthropic.types import MessageParam, ToolChoiceToolParam, ToolParam

__all__ = [
    "DEFAULT_MODEL",
    "JUDGE_CHANGE",
    "PRICES",
    "PROPOSE_CHECKS",
    "TOOLS",
    "AnthropicSampler",
    "DailyQuota",
    "LLMSession",
    "LLMSettings",
    "Ledger",
    "Price",
    "Prompt",
    "Quota",
    "Sample",
    "Sampler",
    "from_env",
    "price_for",
    "retry_after_seconds",
    "validate_tool_input",
]


# -- the port ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Prompt:
    """One request. ``prefix``: the start of the user turn shared by many requests (the data
    blocks of one function), sent first and marked ``cache_control: ephemeral`` so that the
    API caches tools + system + prefix; ``user`` is the per-request rest (the angle)."""

    tool: str  # propose_checks | predict_result | judge_change
    system: str
    user: str
    max_tokens: int = 4096
    prefix: str = ""


@dataclass(frozen=True)
class Sample:
    tool_input: dict[str, Any] | None  # None: discarded (see ``problem``)
    problem: str = ""
    input_tokens: int = 0  # uncached input tokens
    output_tokens: int = 0
    cache_write_tokens: int = 0  # input tokens written to the prompt cache (1.25x)
    cache_read_tokens: int = 0  # input tokens read from the prompt cache (0.1x)

    @property
    def ok(self) -> bool:
        return self.tool_input is not None


class Sampler(Protocol):
    ledger: Ledger

    def sample(self, prompts: Sequence[Prompt]) -> list[Sample]:
        """One sample per prompt (independent draws, in parallel), in the prompts' order."""
        ...


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date)."""
    if not headers:
        return None
    lower = {k.lower(): v for k, v in headers.items()}
    raw_ms = lower.get("retry-after-ms")
    if raw_ms:
        with contextlib.suppress(ValueError):
            return max(0.0, float(raw_ms) / 1000)
    raw = lower.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


_RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504, 529})


class AnthropicSampler:
    """``Sampler`` over the official SDK (``max_retries=0``: the retries are ours, counted)."""

    def __init__(
        self,
        settings: LLMSettings,
        ledger: Ledger | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.ledger = ledger or Ledger(settings)
        self._sleep = sleep
        self._slots = threading.BoundedSemaphore(settings.concurrency)
        import anthropic  # here, not at import time: importing bot.llm.client stays cheap

        self._errors = (anthropic.APIStatusError, anthropic.APIConnectionError)
        self._other_errors = (anthropic.APIError,)  # e.g. an unreadable response
        self._client = anthropic.Anthropic(
            api_key=settings.api_key,
            base_url=settings.base_url,
            max_retries=0,
            timeout=settings.timeout_s,
        )

    def close(self) -> None:
        self._client.close()

    def sample(self, prompts: Sequence[Prompt]) -> list[Sample]:
        """In parallel; when several prompts share a cacheable prefix, one of them goes first
        (the cache entry exists only once its response has begun), then the rest read it."""
        if not prompts:
            return []
        groups: dict[tuple[str, str], list[int]] = {}
        for n, prompt in enumerate(prompts):
            if prompt.prefix:
                groups.setdefault((prompt.system, prompt.prefix), []).append(n)
        first = sorted(members[0] for members in groups.values() if len(members) > 1)
        rest = [n for n in range(len(prompts)) if n not in set(first)]
        out: dict[int, Sample] = {}
        for wave in (first, rest):
            if not wave:
                continue
            workers = min(self.settings.concurrency, len(wave))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="llm") as pool:
                batch = [prompts[n] for n in wave]
                for n, sample in zip(wave, pool.map(self._one, batch), strict=True):
                    out[n] = sample
        return [out[n] for n in range(len(prompts))]

    def _one(self, prompt: Prompt) -> Sample:
        key = self.settings.api_key
        if key and (key in prompt.system or key in prompt.user or key in prompt.prefix):
            # PR content quoted our own key back: never send it.
            self.ledger.redacted()
            prompt = Prompt(
                prompt.tool,
                prompt.system.replace(key, "[redacted]"),
                prompt.user.replace(key, "[redacted]"),
                prompt.max_tokens,
                prompt.prefix.replace(key, "[redacted]"),
            )
        attempt = 0
        while True:
            why = self.ledger.out_of_budget()
            if why is not None:
                self.ledger.refuse(why)
                return Sample(None, f"not sent: {why}")
            left = self.ledger.remaining_s()
            timeout = (
                self.settings.timeout_s if left is None else min(self.settings.timeout_s, left)
            )
            messages: list[MessageParam] = [{"role": "user", "content": _content(prompt)}]
            choice: ToolChoiceToolParam = {"type": "tool", "name": prompt.tool}
            try:
                with self._slots:
                    message = self._client.messages.create(
                        model=self.settings.model,
                        max_tokens=prompt.max_tokens,
                        system=_system(prompt),
                        messages=messages,
                        tools=_TOOLS,
                        tool_choice=choice,
                        timeout=max(0.1, timeout),
                    )
            except self._errors as exc:
                status = getattr(exc, "status_code", None)
                retryable = status is None or status in _RETRYABLE_STATUS
                what = f"HTTP {status}" if status is not None else type(exc).__name__
                if not retryable or attempt >= self.settings.max_retries:
                    self.ledger.discard("api error" if not retryable else "unavailable")
                    return Sample(None, f"{what}: {_short(str(exc))}")
                response = getattr(exc, "response", None)
                wait = retry_after_seconds(dict(response.headers) if response is not None else None)
                if wait is None:
                    wait = min(8.0, 0.5 * 2**attempt)
                wait = min(wait, self.settings.max_retry_wait_s)
                left = self.ledger.remaining_s()
                if left is not None and wait >= left:
                    self.ledger.discard("unavailable")
                    return Sample(None, f"{what}: retry-after {wait:.1f}s past the deadline")
                attempt += 1
                self.ledger.retried()
                self._sleep(wait)
                continue
            except self._other_errors as exc:
                self.ledger.discard("api error")
                return Sample(None, f"{type(exc).__name__}: {_short(str(exc))}")
            return self._read(prompt, message)

    def _read(self, prompt: Prompt, message: Any) -> Sample:
        usage = getattr(message, "usage", None)
        inp = int(getattr(usage, "input_tokens", 0) or 0)
        out = int(getattr(usage, "output_tokens", 0) or 0)
        write = int(getattr(usage, "cache_creation_input_tokens", 0) or 0)
        read = int(getattr(usage, "cache_read_input_tokens", 0) or 0)
        self.ledger.record(inp, out, cache_write=write, cache_read=read)
        tokens = (inp, out, write, read)
        if getattr(message, "stop_reason", None) == "refusal":
            self.ledger.discard("refusal")
            return Sample(None, "the model refused", *tokens)
        block = next(
            (
                b
                for b in (getattr(message, "content", None) or [])
                if getattr(b, "type", "") == "tool_use" and getattr(b, "name", "") == prompt.tool
            ),
            None,
        )
        if block is None:
            self.ledger.discard("no tool call")
            stop = getattr(message, "stop_reason", None)
            return Sample(None, f"no {prompt.tool} tool call (stop: {stop})", *tokens)
        data = block.input
        problem = validate_tool_input(prompt.tool, data)
        if problem is not None:
            self.ledger.discard("malformed")
            return Sample(None, f"malformed {prompt.tool} input: {problem}", *tokens)
        return Sample(dict(data), "", *tokens)


# Every request sends every tool, in one order, and the same system prompt marked as a cache
# breakpoint: tools + system are then one prefix shared by the proposals, the predictions and
# the judges of a whole review (the forced ``tool_choice`` picks the tool; changing it
# invalidates only the cached message blocks, not tools + system).
_TOOLS: list[ToolParam] = [cast("ToolParam", TOOLS[name]) for name in TOOLS]


def _system(prompt: Prompt) -> Any:
    """The system prompt as a block marked ``cache_control`` (tools + system cache)."""
    if not prompt.system:
        return prompt.system
    return [{"type": "text", "text": prompt.system, "cache_control": {"type": "ephemeral"}}]


def _content(prompt: Prompt) -> Any:
    """The user turn: the shared prefix first, marked as a cache breakpoint, then the rest."""
    if not prompt.prefix:
        return prompt.user
    blocks: list[dict[str, Any]] = [
        {"type": "text", "text": prompt.prefix, "cache_control": {"type": "ephemeral"}}
    ]
    if prompt.user:
        blocks.append({"type": "text", "text": prompt.user})
    return blocks


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class LLMSession:
    """The sampler and its ledger for one check (one PR push)."""

    settings: LLMSettings
    sampler: Sampler

    @property
    def ledger(self) -> Ledger:
        return self.sampler.ledger

    def close(self) -> None:
        """Release the HTTP connections of the sampler (once the check is done)."""
        close = getattr(self.sampler, "close", None)
        if callable(close):
            close()

    def __enter__(self) -> LLMSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def from_env(
    env: Mapping[str, str] | None = None,
    *,
    quota: Quota | None = None,
    installation: str = "local",
    latency_budget_s: float | None = None,
) -> LLMSession | None:
    """A session when ``ANTHROPIC_API_KEY`` is set, else None (the model-free generators run)."""
    settings = LLMSettings.from_env(env)
    if settings is None:
        return None
    if latency_budget_s is not None:
        from dataclasses import replace

        settings = replace(settings, latency_budget_s=latency_budget_s)
    ledger = Ledger(settings, quota=quota, installation=installation)
    return LLMSession(settings, AnthropicSampler(settings, ledger))
