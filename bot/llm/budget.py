"""What the model may cost: settings from the environment, the price table, the ``Ledger``.

No ``anthropic`` import here (``bot/llm/client.py`` is the adapter): the settings
(``LLMSettings.from_env``), the per-model prices, the per-check ``Ledger`` (calls, tokens,
dollars, agreement, caps, the circuit breaker) and the daily quota per installation per UTC
day (the ``Quota`` protocol; ``DailyQuota`` is the in-process one).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from bot.redaction import is_placeholder_secret

__all__ = [
    "CACHE_READ",
    "CACHE_WRITE",
    "DEFAULT_MODEL",
    "PRICES",
    "DailyQuota",
    "LLMSettings",
    "Ledger",
    "Price",
    "Quota",
    "price_for",
]

DEFAULT_MODEL = "claude-sonnet-4-6"


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens."""

    input: float
    output: float

    def cost(
        self, input_tokens: int, output_tokens: int, cache_write: int = 0, cache_read: int = 0
    ) -> float:
        """Uncached input, output, and prompt-cache writes (5-minute TTL: 1.25x the input
        price) and reads (0.1x the input price)."""
        inp = input_tokens + CACHE_WRITE * cache_write + CACHE_READ * cache_read
        return (inp * self.input + output_tokens * self.output) / 1_000_000


CACHE_WRITE = 1.25  # x the input price, for ``cache_control: {"type": "ephemeral"}`` (5 min)
CACHE_READ = 0.1


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


# -- settings ----------------------------------------------------------------------------


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
        if is_placeholder_secret(key):
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


class Quota(Protocol):
    """Tokens and dollars used per installation today. :class:`DailyQuota` keeps them in memory
    or a file (one process: the CLI); the App passes one stored in its database
    (``bot.app.store.quota.StoreQuota``), added to atomically, so the cap holds across processes."""

    def used(self, installation: str) -> tuple[int, float]: ...

    def add(self, installation: str, tokens: int, usd: float) -> None: ...


class DailyQuota:
    """Tokens and dollars per installation per UTC day; in memory, or in a JSON file (one
    process: a second process writing the same file would lose the other's additions)."""

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
        quota: Quota | None = None,
        installation: str = "local",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.price = settings.price or price_for(settings.model)
        self.quota: Quota = quota or DailyQuota()
        self.installation = installation
        self._clock = clock
        self._lock = threading.Lock()
        self.deadline = (
            clock() + settings.latency_budget_s if settings.latency_budget_s is not None else None
        )
        self.calls = 0
        self.retries = 0
        self.redactions = 0  # prompts from which the API key had to be removed
        self.input_tokens = 0  # uncached input
        self.output_tokens = 0
        self.cache_write_tokens = 0
        self.cache_read_tokens = 0
        self.cost_usd = 0.0
        self.discarded: Counter[str] = Counter()
        self._failures_in_a_row = 0  # API errors / exhausted retries since the last answer
        self.refused: Counter[str] = Counter()  # calls not made: budget or deadline
        self.agreement: list[tuple[int, int]] = []  # (votes for the majority, samples)

    @property
    def tokens(self) -> int:
        """Every token sent or received (cached input included: the caps count them all)."""
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_write_tokens
            + self.cache_read_tokens
        )

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

    def record(
        self, input_tokens: int, output_tokens: int, *, cache_write: int = 0, cache_read: int = 0
    ) -> None:
        cost = self.price.cost(input_tokens, output_tokens, cache_write, cache_read)
        with self._lock:
            self._failures_in_a_row = 0
            self.calls += 1
            self.input_tokens += input_tokens
            self.output_tokens += output_tokens
            self.cache_write_tokens += cache_write
            self.cache_read_tokens += cache_read
            self.cost_usd += cost
        total = input_tokens + output_tokens + cache_write + cache_read
        self.quota.add(self.installation, total, cost)

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
            "llm_cache_write_tokens": self.cache_write_tokens,
            "llm_cache_read_tokens": self.cache_read_tokens,
            "llm_tokens": self.tokens,
            "cost_usd": round(self.cost_usd, 6),
            "llm_agreement": self.agreement_rate(),
            "llm_discarded": dict(self.discarded),
            "llm_refused": dict(self.refused),
        }

    def fill(self, spent: object) -> None:
        """Add these figures to a ``bot.models.Spent`` (fields it lacks are skipped)."""
        figures = self.as_dict()
        names = (
            "llm_calls",
            "llm_tokens",
            "llm_input_tokens",
            "llm_output_tokens",
            "llm_cache_write_tokens",
            "llm_cache_read_tokens",
        )
        for name in names:
            if hasattr(spent, name):
                setattr(spent, name, int(getattr(spent, name) or 0) + int(figures[name]))
        if hasattr(spent, "cost_usd"):
            spent.cost_usd = round(float(spent.cost_usd or 0.0) + self.cost_usd, 6)
        if hasattr(spent, "llm_agreement"):
            spent.llm_agreement = figures["llm_agreement"]
