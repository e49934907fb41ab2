"""Opening a database for the store: URL checks, SQLite durability pragmas, PostgreSQL options."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import StaticPool

from ledger.errors import StoreConfigurationError

#: Execution option that marks a connection's transactions as writes (SQLite: BEGIN IMMEDIATE).
WRITE = "ledger_write"

_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


@attrs.frozen
class EngineOptions:
    """How to open the database. The defaults are a ledger's: durable before fast."""

    #: SQLite's synchronous pragma. FULL: an acknowledged commit survives a power cut in WAL mode.
    sqlite_synchronous: str = attrs.field(default="FULL")
    #: How long a writer waits for another writer's lock before giving up (milliseconds).
    busy_timeout_ms: int = 30_000
    #: PostgreSQL connection pool size (each receiver worker thread holds one while it appends).
    pool_size: int = 10
    connect_timeout_s: int = 10

    @sqlite_synchronous.validator
    def _check_sync(self, _: object, value: str) -> None:
        if value.upper() not in _SYNCHRONOUS:
            raise StoreConfigurationError(
                f"sqlite_synchronous must be one of {', '.join(_SYNCHRONOUS)}, not {value!r}"
            )


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL, naming the supported forms when it is not one of them."""
    try:
        parsed = sa.engine.make_url(url) if isinstance(url, str) else url
    except Exception:
        raise StoreConfigurationError(
            f"cannot parse the database URL {str(url)!r}: use sqlite:///path/to/ledger.db or "
            "postgresql+psycopg://user:password@host:5432/dbname"
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres"):
        if driver not in ("", "psycopg"):
            raise StoreConfigurationError(
                f"database driver {driver!r} is not supported: use postgresql+psycopg://..."
            )
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if driver not in ("", "pysqlite"):
            raise StoreConfigurationError(f"SQLite driver {driver!r} is not supported")
        return parsed
    raise StoreConfigurationError(
        f"unsupported database URL scheme {parsed.drivername!r}: use sqlite:///path/to/ledger.db "
        "(the default) or postgresql+psycopg://user:password@host:5432/dbname"
    )


def display_url(url: URL) -> str:
    """The URL as it may appear in a message: never with its password."""
    return url.render_as_string(hide_password=True)


def create_engine(url: str | URL, options: EngineOptions | None = None) -> Engine:
    """An engine configured for the store on SQLite or PostgreSQL."""
    options = options or EngineOptions()
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, options)
    return sa.create_engine(
        parsed,
        pool_size=options.pool_size,
        max_overflow=options.pool_size,
        pool_pre_ping=True,
        connect_args={"connect_timeout": options.connect_timeout_s},
    )


def _sqlite_engine(url: URL, options: EngineOptions) -> Engine:
    database = url.database or ""
    memory = database in ("", ":memory:")
    if not memory:
        parent = Path(database).expanduser().resolve().parent
        if not parent.is_dir():
            raise StoreConfigurationError(
                f"cannot open the SQLite ledger {database!r}: folder {str(parent)!r} does not exist"
            )
    kwargs: dict[str, Any] = {
        "connect_args": {"timeout": options.busy_timeout_ms / 1000, "check_same_thread": False},
    }
    if memory:
        kwargs["poolclass"] = StaticPool
    engine = sa.create_engine(url, **kwargs)
    synchronous = options.sqlite_synchronous.upper()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _: object) -> None:
        # Take transaction control from the driver so that we can BEGIN IMMEDIATE for writes:
        # a deferred write transaction can fail with "database is locked" half-way through.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={int(options.busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get(WRITE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine
