"""bot.app.github.ratelimit: waits decided from GitHub's answers; writes serialized per
installation."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from bot.app.github.ratelimit import Backoff, HttpFailure, RateLimiter, is_rate_limited, retry_delay

POLICY = Backoff(attempts=4, base=1.0, cap=10.0, secondary_wait=60.0, max_wait=900.0)
NOW = 1_800_000_000.0


def test_retry_after_is_honored() -> None:
    failure = HttpFailure(403, {"Retry-After": "7"}, "secondary rate limit")
    assert retry_delay(failure, 1, POLICY, NOW) == 7.0


def test_retry_after_as_an_http_date() -> None:
    when = format_datetime(datetime.fromtimestamp(NOW + 10, UTC), usegmt=True)
    failure = HttpFailure(429, {"retry-after": when})
    assert retry_delay(failure, 1, POLICY, NOW) == pytest.approx(10.0)


def test_primary_limit_waits_until_the_reset() -> None:
    failure = HttpFailure(
        403,
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 30)},
        "API rate limit exceeded",
    )
    assert retry_delay(failure, 1, POLICY, NOW) == 31.0


def test_secondary_limit_without_retry_after_backs_off_from_a_minute() -> None:
    failure = HttpFailure(403, {}, "You have exceeded a secondary rate limit.")
    assert [retry_delay(failure, a, POLICY, NOW) for a in (1, 2, 3)] == [60.0, 120.0, 240.0]


def test_server_errors_back_off_exponentially_and_stop() -> None:
    failure = HttpFailure(502)
    assert [retry_delay(failure, a, POLICY, NOW) for a in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, None]
    assert retry_delay(HttpFailure(None), 1, POLICY, NOW) == 1.0


def test_other_client_errors_are_not_retried() -> None:
    assert retry_delay(HttpFailure(403, {}, "Resource not accessible"), 1, POLICY, NOW) is None
    assert retry_delay(HttpFailure(422, {}, "Validation Failed"), 1, POLICY, NOW) is None
    assert retry_delay(HttpFailure(404), 1, POLICY, NOW) is None
    assert not is_rate_limited(HttpFailure(403, {}, "Must have admin rights"))


def test_a_wait_longer_than_max_wait_is_not_waited_for() -> None:
    failure = HttpFailure(403, {"Retry-After": "3600"})
    assert retry_delay(failure, 1, POLICY, NOW) is None


class Boom(Exception):
    def __init__(self, failure: HttpFailure) -> None:
        self.failure = failure


def classify(exc: BaseException) -> HttpFailure | None:
    return exc.failure if isinstance(exc, Boom) else None


def test_call_retries_then_succeeds_and_sleeps_what_was_asked() -> None:
    slept: list[float] = []
    limiter = RateLimiter(POLICY, min_write_interval=0, sleep=slept.append)
    answers: list[Exception | str] = [Boom(HttpFailure(403, {"Retry-After": "2"})), "ok"]

    def fn() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert limiter.call(1, fn, classify=classify, write=True) == "ok"
    assert slept == [2.0]


def test_an_ambiguous_write_failure_asks_recover_before_repeating() -> None:
    limiter = RateLimiter(POLICY, min_write_interval=0, sleep=lambda s: None)
    calls: list[str] = []

    def post() -> str:
        calls.append("post")
        raise Boom(HttpFailure(502))

    result = limiter.call(1, post, classify=classify, write=True, recover=lambda: "found")
    assert result == "found" and calls == ["post"]


def test_unclassified_errors_propagate_at_once() -> None:
    limiter = RateLimiter(POLICY, sleep=lambda s: None)

    def fn() -> None:
        raise ValueError("bug")

    with pytest.raises(ValueError):
        limiter.call(1, fn, classify=classify)


def test_writes_of_one_installation_never_overlap_and_are_spaced() -> None:
    limiter = RateLimiter(POLICY, min_write_interval=0.02)
    active: list[int] = []
    overlaps: list[int] = []
    stamps: list[float] = []

    def write() -> None:
        active.append(1)
        if len(active) > 1:
            overlaps.append(1)
        stamps.append(time.monotonic())
        time.sleep(0.005)
        active.pop()

    writers = [
        threading.Thread(
            target=limiter.call, args=(7, write), kwargs={"classify": classify, "write": True}
        )
        for _ in range(5)
    ]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    assert overlaps == []
    stamps.sort()
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert min(gaps) >= 0.019
