"""Fixtures for the App tests: real SQLite, Redis and PostgreSQL.

Redis and PostgreSQL come from ``scripts/ensure-services`` (``make services``, a prerequisite
of ``make test``), which records their URLs in ``build/services.env``; the variables
``DEEPCHECK_TEST_REDIS_URL`` / ``DEEPCHECK_TEST_POSTGRES_URL`` override the file. A service
that does not answer SKIPS these tests on a developer machine and FAILS them under ``CI=true``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from app_fakes import Clock

from bot.app.store import Store
from tests.fakes.availability import unavailable

REPO = Path(__file__).resolve().parents[2]
ENV_FILE = REPO / "build" / "services.env"


def service_unavailable(what: str, reason: str) -> NoReturn:
    unavailable(what, reason, hint=" (run `make services` as root)")


def service_url(name: str) -> str | None:
    if os.environ.get(name):
        return os.environ[name]
    path = Path(os.environ.get("DEEPCHECK_SERVICES_ENV", ENV_FILE))
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip() == name:
                return value.strip()
    return None


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = service_url("DEEPCHECK_TEST_REDIS_URL")
    if not url:
        service_unavailable("Redis", "DEEPCHECK_TEST_REDIS_URL is not set")
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        service_unavailable("Redis", f"{url}: {exc}")
    return url


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = service_url("DEEPCHECK_TEST_POSTGRES_URL")
    if not url:
        service_unavailable("PostgreSQL", "DEEPCHECK_TEST_POSTGRES_URL is not set")
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as exc:
        service_unavailable("PostgreSQL", f"{url.rsplit('@', 1)[-1]}: {exc}")
    return url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Store]]:
    """Builds stores on one fresh database: SQLite in tmp_path, or the test PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'deepcheck.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
        fresh = Store(url)
        fresh.reset()
        fresh.close()
    made: list[Store] = []

    def make(**kwargs: object) -> Store:
        store = Store(url, **kwargs)  # type: ignore[arg-type]
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(store_factory: Callable[..., Store], clock: Clock) -> Store:
    return store_factory(clock=clock)
