"""The database engine and its sessions: SQLite (WAL, ``BEGIN IMMEDIATE``) or PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, create_engine

from bot.app.store.tables import TABLES
from bot.errors import InfrastructureError

Clock = Callable[[], float]


def database_url(url: str) -> str:
    """A SQLAlchemy URL: a bare path means SQLite; ``postgres(ql)://`` means psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url)}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def _redacted(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rsplit("@", 1)[1]
    return f"{scheme}{sep}{rest}"


def _sqlite_engine(url: str) -> Engine:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=NullPool if path and path != ":memory:" else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class StoreBase:
    """The engine, the tables and one short transaction per call; the store's parts build on it."""

    def __init__(
        self,
        url: str,
        *,
        clock: Clock = time.time,
        claim_ttl: float = 600.0,
        max_attempts: int = 3,
    ) -> None:
        self.url = database_url(url)
        self.clock = clock
        self.claim_ttl = claim_ttl
        self.max_attempts = max_attempts
        try:
            if self.url.startswith("sqlite"):
                self.engine = _sqlite_engine(self.url)
            else:
                self.engine = create_engine(self.url, pool_pre_ping=True)
            SQLModel.metadata.create_all(self.engine, tables=TABLES)
        except SQLAlchemyError as exc:
            raise InfrastructureError(
                f"database {_redacted(self.url)} unavailable: {first_line(exc)}"
            ) from None
        self.dialect = self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def reset(self) -> None:
        """Delete every row of every table (tests)."""
        names = ", ".join(t.name for t in TABLES)
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY")
            else:
                for table in TABLES:
                    conn.execute(table.delete())

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise InfrastructureError(f"database error: {first_line(exc)}") from None

    def _insert(self, table: type[SQLModel]) -> Any:
        return (pg_insert if self.dialect == "postgresql" else sqlite_insert)(table)
