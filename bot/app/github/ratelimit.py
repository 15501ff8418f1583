"""Pacing GitHub calls: writes serialized per installation, waits decided from the answer.

GitHub's secondary rate limits allow about 80 writes a minute per installation; a burst gets
``403``/``429`` with ``Retry-After`` (honored), or with ``x-ratelimit-remaining: 0`` and
``x-ratelimit-reset`` (wait until the reset), or only a message saying so (exponential
backoff from a minute). A ``5xx`` or a dropped connection backs off exponentially from
``Backoff.base``. Anything else is not retried.

:func:`retry_delay` is pure (the answer in, seconds to wait or ``None`` out);
:class:`RateLimiter` applies it around a call, holding one lock per installation for writes
so the writes of one installation never overlap and stay ``min_write_interval`` apart.
The HTTP library stays out: the adapter turns its exceptions into an :class:`HttpFailure`.

A write retried after an answer that may hide a success (a ``5xx``, a dropped connection)
is idempotent only if the adapter can look for what the first attempt left behind: the
``recover`` callback (a hidden marker in a body, a check run's ``external_id``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TypeVar

__all__ = ["Backoff", "HttpFailure", "RateLimiter", "is_rate_limited", "retry_delay"]

T = TypeVar("T")

_RATE_LIMIT_WORDS = ("rate limit", "abuse detection")


@dataclass(frozen=True)
class HttpFailure:
    """What a failed call answered; ``status`` is None when no answer came (connection)."""

    status: int | None
    headers: Mapping[str, str] = field(default_factory=dict)
    message: str = ""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return str(value)
        return None

    @property
    def ambiguous(self) -> bool:
        """The request may have taken effect although it failed (a write must check)."""
        return self.status is None or self.status >= 500


@dataclass(frozen=True)
class Backoff:
    """How long and how often to wait. Tests shrink ``base`` and ``secondary_wait``."""

    attempts: int = 5  # calls in all, the first one included
    base: float = 1.0  # 5xx / connection: base, 2·base, 4·base, ... up to ``cap``
    cap: float = 60.0
    secondary_wait: float = 60.0  # a secondary limit without Retry-After: 60 s, 120 s, ...
    max_wait: float = 900.0  # a longer wait is not waited for: the call fails


def is_rate_limited(failure: HttpFailure) -> bool:
    if failure.status not in (403, 429):
        return False
    if failure.header("retry-after") is not None:
        return True
    if failure.header("x-ratelimit-remaining") == "0":
        return True
    message = failure.message.lower()
    return any(word in message for word in _RATE_LIMIT_WORDS)


def _retry_after(value: str, now: float) -> float | None:
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def retry_delay(failure: HttpFailure, attempt: int, policy: Backoff, now: float) -> float | None:
    """Seconds to wait before call number ``attempt + 1`` (``attempt`` ≥ 1), None to give up.

    ``now`` is the wall clock (``time.time()``), for ``x-ratelimit-reset`` and HTTP dates.
    """
    if attempt >= policy.attempts:
        return None
    delay: float | None
    if is_rate_limited(failure):
        retry_after = failure.header("retry-after")
        reset = failure.header("x-ratelimit-reset")
        delay = None
        if retry_after is not None:
            delay = _retry_after(retry_after, now)
        if delay is None and failure.header("x-ratelimit-remaining") == "0" and reset:
            try:
                delay = max(0.0, float(reset) - now) + 1.0  # the reset second is not exact
            except ValueError:
                delay = None
        if delay is None:
            delay = policy.secondary_wait * 2 ** (attempt - 1)
    elif failure.status is None or failure.status >= 500:
        delay = min(policy.cap, policy.base * 2 ** (attempt - 1))
    else:
        return None
    return delay if delay <= policy.max_wait else None


class RateLimiter:
    """Runs calls with retries; writes of one installation one at a time, spaced out.

    One instance is shared by every client of the process (it is thread-safe).
    """

    def __init__(
        self,
        policy: Backoff | None = None,
        *,
        min_write_interval: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.policy = policy or Backoff()
        self.min_write_interval = min_write_interval
        self._sleep = sleep
        self._clock = clock
        self._wall = wall
        self._guard = threading.Lock()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._last_write: dict[Hashable, float] = {}

    def _lock(self, key: Hashable) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def call(
        self,
        key: Hashable,
        fn: Callable[[], T],
        *,
        classify: Callable[[BaseException], HttpFailure | None],
        write: bool = False,
        recover: Callable[[], T | None] | None = None,
    ) -> T:
        """``fn()`` with retries. ``classify`` maps an exception to a failure (None: re-raise).

        For a write, ``recover`` is asked before each retry that follows an ambiguous failure;
        when it finds the effect of an earlier attempt, that is returned instead of retrying.
        """
        if not write:
            return self._attempts(fn, classify, None)
        with self._lock(key):
            return self._attempts(fn, classify, recover, key)

    def _attempts(
        self,
        fn: Callable[[], T],
        classify: Callable[[BaseException], HttpFailure | None],
        recover: Callable[[], T | None] | None,
        key: Hashable | None = None,
    ) -> T:
        attempt = 0
        while True:
            attempt += 1
            if key is not None:
                self._space_writes(key)
            try:
                return fn()
            except Exception as exc:
                failure = classify(exc)
                if failure is None:
                    raise
                delay = retry_delay(failure, attempt, self.policy, self._wall())
                if delay is None:
                    raise
                self._sleep(delay)
                if recover is not None and failure.ambiguous:
                    found = recover()
                    if found is not None:
                        return found
            finally:
                if key is not None:
                    self._last_write[key] = self._clock()

    def _space_writes(self, key: Hashable) -> None:
        last = self._last_write.get(key)
        if last is None or self.min_write_interval <= 0:
            return
        wait = last + self.min_write_interval - self._clock()
        if wait > 0:
            self._sleep(wait)
