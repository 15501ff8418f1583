"""The adapter to the Anthropic Messages API: the only module that imports ``anthropic``.

(It does so when a sampler is built, so importing this module, the pipeline or the judge
without a key costs nothing.)

Everything else sees the ``Sampler`` port: a list of ``Prompt`` in, one ``Sample`` per prompt
out, drawn in parallel under a concurrency cap. Structured output is tool use with a forced
tool (``propose_checks`` or ``judge_change``, schemas below); the input is validated here, so a
malformed tool input, a refusal, a rate limit that outlasts the retries or a budget that is
spent comes back as a *discarded* sample (``Sample.tool_input is None``, counted in the
``Ledger``), never as an exception.

Configuration (``LLMSettings.from_env``): ``ANTHROPIC_API_KEY`` turns the model on,
``ANTHROPIC_BASE_URL`` is honored, ``DEEPCHECK_MODEL`` picks the model; docs/llm.md lists the
``DEEPCHECK_LLM_*`` caps. The key goes to the SDK client only: never into a prompt.

Retries: 429, 5xx (529 overloaded included), timeouts and connection errors are retried up to
``max_retries`` times, waiting what ``retry-after-ms`` / ``retry-after`` says (capped), else an
exponential backoff; never past the latency deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

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
    "Sample",
    "Sampler",
    "from_env",
    "retry_after_seconds",
    "validate_tool_input",
]

DEFAULT_MODEL = "claude-sonnet-4-6"


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens."""

    input: float
    output: float

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input + output_tokens * self.output) / 1_000_000


# Per-model prices (USD per million tokens). Check against Anthropic's pricing page when a model
# is added; ``DEEPCHECK_LLM_PRICE="input,output"`` overrides for the configured model. A model
# missing here is charged at the most expensive entry, so caps stay conservative.
PRICES: Mapping[str, Price] = {
    "claude-opus-4-6": Price(5.0, 25.0),
    "claude-opus-4-5": Price(5.0, 25.0),
    "claude-sonnet-4-6": Price(3.0, 15.0),
    "claude-sonnet-4-5": Price(3.0, 15.0),
    "claude-haiku-4-5": Price(1.0, 5.0),
}


def price_for(model: str, prices: Mapping[str, Price] = PRICES) -> Price:
    if model in prices:
        return prices[model]
    for name, price in prices.items():  # dated snapshots: claude-haiku-4-5-20251001
        if model.startswith(name + "-"):
            return price
    return max(prices.values(), key=lambda p: p.output)


# -- tool schemas (the contract: tests outside this repo depend on these names and shapes) --

PROPOSE_CHECKS: dict[str, Any] = {
    "name": "propose_checks",
    "description": (
        "Propose executable checks for the changed functions: for each, the function's "
        "qualified name, the claim (what is wrong, or what must hold) and a self-contained "
        "pytest test that passes on the code before the change and fails on the code after it "
        "when the claim is right."
    ),
    "input_schema": {
        "type": "object",
        "properties": {
            "checks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "function": {"type": "string", "description": "qualified name"},
                        "claim": {"type": "string", "description": "what is wrong / must hold"},
                        "test": {"type": "string", "description": "pytest source"},
                    },
                    "required": ["function", "claim", "test"],
                },
            }
        },
        "required": ["checks"],
    },
}

JUDGE_CHANGE: dict[str, Any] = {
    "name": "judge_change",
    "description": (
        "Judge a verified behavior change: 'bug' when it contradicts the PR's stated intent or "
        "the docstring, 'intended' when the PR says it wants exactly this, 'unsure' otherwise."
    ),
    "input_schema": {
        "type": "object",
        "properties": {
            "verdict": {"type": "string", "enum": ["bug", "intended", "unsure"]},
            "reason": {"type": "string"},
        },
        "required": ["verdict", "reason"],
    },
}

TOOLS: Mapping[str, dict[str, Any]] = {
    "propose_checks": PROPOSE_CHECKS,
    "judge_change": JUDGE_CHANGE,
}
_MAX_CHECKS = 8
_MAX_TEST_CHARS = 20_000


def validate_tool_input(tool: str, data: object) -> str | None:
    """None when ``data`` is a well-formed input for ``tool``, else what is wrong with it."""
    if not isinstance(data, dict):
        return "tool input is not an object"
    if tool == "judge_change":
        if data.get("verdict") not in ("bug", "intended", "unsure"):
            return f"verdict must be bug, intended or unsure (got {data.get('verdict')!r})"
        if not isinstance(data.get("reason"), str):
            return "reason must be a string"
        return None
    if tool == "propose_checks":
        checks = data.get("checks")
        if not isinstance(checks, list):
            return "checks must be a list"
        if len(checks) > _MAX_CHECKS:
            return f"more than {_MAX_CHECKS} checks"
        for i, check in enumerate(checks):
            if not isinstance(check, dict):
                return f"checks[{i}] is not an object"
            for key in ("function", "claim", "test"):
                if not isinstance(check.get(key), str) or not check[key].strip():
                    return f"checks[{i}].{key} must be a non-empty string"
            if len(check["test"]) > _MAX_TEST_CHARS:
                return f"checks[{i}].test is longer than {_MAX_TEST_CHARS} characters"
        return None
    return f"unknown tool {tool!r}"


# -- settings ----------------------------------------------------------------------------

_PLACEHOLDER_KEYS = frozenset({"changeme", "change-me", "your-key", "sk-ant-...", "xxx", "none"})


@dataclass(frozen=True)
class LLMSettings:
    api_key: str = field(repr=False)
    model: str = DEFAULT_MODEL
    base_url: str | None = None
    concurrency: int = 4  # requests in flight at once
    timeout_s: float = 120.0  # per request
    max_retries: int = 4
    max_retry_wait_s: float = 60.0
    pr_tokens: int = 2_000_000  # input + output tokens per check (one PR push)
    pr_usd: float = 5.0
    day_tokens: int = 20_000_000  # per installation per UTC day
    day_usd: float = 50.0
    latency_budget_s: float | None = None  # best evidence found in this time
    price: Price | None = None  # overrides PRICES for ``model``

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LLMSettings | None:
        """Settings from the environment; None when no (usable) ``ANTHROPIC_API_KEY`` is set."""
        env = os.environ if env is None else env
        key = env.get("ANTHROPIC_API_KEY", "").strip()
        if not key or key.lower() in _PLACEHOLDER_KEYS:
            return None

        def num(name: str, default: float) -> float:
            raw = env.get(name, "").strip()
            try:
                return float(raw) if raw else default
            except ValueError:
                return default

        price = None
        raw_price = env.get("DEEPCHECK_LLM_PRICE", "").strip()
        if raw_price:
            with contextlib.suppress(ValueError):
                inp, out = (float(v) for v in raw_price.split(","))
                price = Price(inp, out)
        latency = num("DEEPCHECK_LATENCY_BUDGET", 0.0)
        return cls(
            api_key=key,
            model=env.get("DEEPCHECK_MODEL", "").strip() or DEFAULT_MODEL,
            base_url=env.get("ANTHROPIC_BASE_URL", "").strip() or None,
            concurrency=max(1, int(num("DEEPCHECK_LLM_CONCURRENCY", 4))),
            timeout_s=num("DEEPCHECK_LLM_TIMEOUT", 120.0),
            max_retries=max(0, int(num("DEEPCHECK_LLM_RETRIES", 4))),
            pr_tokens=int(num("DEEPCHECK_LLM_PR_TOKENS", 2_000_000)),
            pr_usd=num("DEEPCHECK_LLM_PR_USD", 5.0),
            day_tokens=int(num("DEEPCHECK_LLM_DAY_TOKENS", 20_000_000)),
            day_usd=num("DEEPCHECK_LLM_DAY_USD", 50.0),
            latency_budget_s=latency or None,
            price=price,
        )


# -- accounting --------------------------------------------------------------------------


class DailyQuota:
    """Tokens and dollars per installation per UTC day; in memory, or in a JSON file."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        today: Callable[[], str] = lambda: datetime.now(UTC).date().isoformat(),
    ) -> None:
        self._path = path
        self._today = today
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, float]] = {}
        if path is not None and path.exists():
            with contextlib.suppress(OSError, ValueError):
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self._data = loaded

    def _key(self, installation: str) -> str:
        return f"{installation}:{self._today()}"

    def used(self, installation: str) -> tuple[int, float]:
        with self._lock:
            entry = self._data.get(self._key(installation), {})
            return int(entry.get("tokens", 0)), float(entry.get("usd", 0.0))

    def add(self, installation: str, tokens: int, usd: float) -> None:
        with self._lock:
            today = self._today()
            self._data = {k: v for k, v in self._data.items() if k.endswith(today)}
            entry = self._data.setdefault(self._key(installation), {"tokens": 0, "usd": 0.0})
            entry["tokens"] += tokens
            entry["usd"] += usd
            if self._path is not None:
                with contextlib.suppress(OSError):
                    self._path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = self._path.with_suffix(".tmp")
                    tmp.write_text(json.dumps(self._data), encoding="utf-8")
                    tmp.replace(self._path)


_BREAKER = 3  # failed calls in a row (after their retries) before no more are made


class Ledger:
    """What the model cost in one check, and whether another call is allowed (thread-safe)."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        quota: DailyQuota | None = None,
        installation: str = "local",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.price = settings.price or price_for(settings.model)
        self.quota = quota or DailyQuota()
        self.installation = installation
        self._clock = clock
        self._lock = threading.Lock()
        self.deadline = (
            clock() + settings.latency_budget_s if settings.latency_budget_s is not None else None
        )
        self.calls = 0
        self.retries = 0
        self.redactions = 0  # prompts from which the API key had to be removed
        self.input_tokens = 0
        self.output_tokens = 0
        self.cost_usd = 0.0
        self.discarded: Counter[str] = Counter()
        self._failures_in_a_row = 0  # API errors / exhausted retries since the last answer
        self.refused: Counter[str] = Counter()  # calls not made: budget or deadline
        self.agreement: list[tuple[int, int]] = []  # (votes for the majority, samples)

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def remaining_s(self) -> float | None:
        return None if self.deadline is None else self.deadline - self._clock()

    def out_of_budget(self) -> str | None:
        """Why no further call may be made (None: go ahead)."""
        s = self.settings
        left = self.remaining_s()
        if left is not None and left <= 0:
            return "latency budget spent"
        with self._lock:
            if self._failures_in_a_row >= _BREAKER:
                return f"the API failed {self._failures_in_a_row} times in a row"
            if self.tokens >= s.pr_tokens:
                return f"per-PR token cap ({s.pr_tokens}) reached"
            if self.cost_usd >= s.pr_usd:
                return f"per-PR cost cap (${s.pr_usd:.2f}) reached"
        day_tokens, day_usd = self.quota.used(self.installation)
        if day_tokens >= s.day_tokens or day_usd >= s.day_usd:
            return "daily cap for this installation reached"
        return None

    def refuse(self, reason: str) -> None:
        with self._lock:
            self.refused[reason] += 1

    def record(self, input_tokens: int, output_tokens: int) -> None:
        cost = self.price.cost(input_tokens, output_tokens)
        with self._lock:
            self._failures_in_a_row = 0
            self.calls += 1
            self.input_tokens += input_tokens
            self.output_tokens += output_tokens
            self.cost_usd += cost
        self.quota.add(self.installation, input_tokens + output_tokens, cost)

    def redacted(self) -> None:
        with self._lock:
            self.redactions += 1

    def retried(self) -> None:
        with self._lock:
            self.retries += 1

    def discard(self, reason: str) -> None:
        with self._lock:
            self.discarded[reason] += 1
            if reason in ("unavailable", "api error"):
                self._failures_in_a_row += 1

    def agree(self, majority: int, samples: int) -> None:
        """One vote (proposals for a function, or a judgment): how many samples agreed."""
        if samples:
            with self._lock:
                self.agreement.append((majority, samples))

    def agreement_rate(self) -> float | None:
        """Share of samples that sided with their vote's majority (None: no votes)."""
        total = sum(n for _m, n in self.agreement)
        return round(sum(m for m, _n in self.agreement) / total, 3) if total else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.settings.model,
            "llm_calls": self.calls,
            "llm_retries": self.retries,
            "llm_input_tokens": self.input_tokens,
            "llm_output_tokens": self.output_tokens,
            "llm_tokens": self.tokens,
            "cost_usd": round(self.cost_usd, 6),
            "llm_agreement": self.agreement_rate(),
            "llm_discarded": dict(self.discarded),
            "llm_refused": dict(self.refused),
        }

    def fill(self, spent: object) -> None:
        """Add these figures to a ``bot.models.Spent`` (fields it lacks are skipped)."""
        figures = self.as_dict()
        for name in ("llm_calls", "llm_tokens", "llm_input_tokens", "llm_output_tokens"):
            if hasattr(spent, name):
                setattr(spent, name, int(getattr(spent, name) or 0) + int(figures[name]))
        if hasattr(spent, "cost_usd"):
            spent.cost_usd = round(float(spent.cost_usd or 0.0) + self.cost_usd, 6)
        if hasattr(spent, "llm_agreement"):
            spent.llm_agreement = figures["llm_agreement"]


# -- the port ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Prompt:
    tool: str  # propose_checks | judge_change
    system: str
    user: str
    max_tokens: int = 4096


@dataclass(frozen=True)
class Sample:
    tool_input: dict[str, Any] | None  # None: discarded (see ``problem``)
    problem: str = ""
    input_tokens: int = 0
    output_tokens: int = 0

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
        import anthropic  # here, not at import time: importing bot.llm stays cheap

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
        if not prompts:
            return []
        workers = min(self.settings.concurrency, len(prompts))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="llm") as pool:
            return list(pool.map(self._one, prompts))

    def _one(self, prompt: Prompt) -> Sample:
        key = self.settings.api_key
        if key and (key in prompt.system or key in prompt.user):
            # PR content quoted our own key back: never send it.
            self.ledger.redacted()
            prompt = Prompt(
                prompt.tool,
                prompt.system.replace(key, "[redacted]"),
                prompt.user.replace(key, "[redacted]"),
                prompt.max_tokens,
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
            messages: list[MessageParam] = [{"role": "user", "content": prompt.user}]
            choice: ToolChoiceToolParam = {"type": "tool", "name": prompt.tool}
            try:
                with self._slots:
                    message = self._client.messages.create(
                        model=self.settings.model,
                        max_tokens=prompt.max_tokens,
                        system=prompt.system,
                        messages=messages,
                        tools=[cast("ToolParam", TOOLS[prompt.tool])],
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
        self.ledger.record(inp, out)
        if getattr(message, "stop_reason", None) == "refusal":
            self.ledger.discard("refusal")
            return Sample(None, "the model refused", inp, out)
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
            return Sample(None, f"no {prompt.tool} tool call (stop: {stop})", inp, out)
        data = block.input
        problem = validate_tool_input(prompt.tool, data)
        if problem is not None:
            self.ledger.discard("malformed")
            return Sample(None, f"malformed {prompt.tool} input: {problem}", inp, out)
        return Sample(dict(data), "", inp, out)


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


def from_env(
    env: Mapping[str, str] | None = None,
    *,
    quota: DailyQuota | None = None,
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
