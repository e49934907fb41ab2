"""Benchmark of the event store (ledger/) against the eventsourcing library and the raw drivers.

Run through the dispatcher, which installs the bench extra (eventsourcing 9.x) first:

    scripts/bench store [--quick] [--json PATH] [--engine sqlite|postgres|all] [--no-memory]

One run measures, on this machine and side by side, the same work done three ways:

* ledger: this project's EventStore (``append``; ``read_stream`` / ``read_all``, decode, fold);
* eventsourcing: an ``Application`` with an ``Aggregate`` whose event carries the same fields
  (``app.save(aggregate)`` with 1 or 100 pending events; ``app.repository.get(id)``; the
  notification log's ``select_notifications`` + ``mapper.to_domain_event`` + ``mutate``);
* raw: sqlite3 / psycopg inserting the same rows (``json.dumps`` of the same dicts) into the same
  ``events`` table, created by our migrations, one plain INSERT per event, nothing else: the limit
  at that durability.

Every implementation starts from domain event objects and ends at durable rows (serialisation
included), and replays from rows back to domain objects folded into a payout's state.

Durability is the same for all three, and is checked on each implementation's own connection:
SQLite in WAL mode with synchronous=FULL (eventsourcing sets WAL itself but leaves synchronous
at the build's default, so its connections get ``PRAGMA synchronous=FULL`` from a subclass of its
connection pool, see DurableSQLiteFactory); PostgreSQL with synchronous_commit on (the server's
default, verified; fsync is reported too).

Workloads, each on a fresh database (SQLite: a new file; PostgreSQL: a new schema in a database
created for this run and dropped at its end), warm-up excluded from the timings:

* append 1 event per transaction, sequentially, over a few streams (optimistic concurrency on);
* append 100 events per transaction;
* 8 concurrent writer threads appending 1 event per transaction, each to its own streams;
* replay per stream (every stream read, decoded and folded) and of the whole log in order.

Timings use time.perf_counter; replays (short and CPU-bound) report the median of 3 passes.
Memory is the Python-heap peak (tracemalloc) of the ledger during each workload, counting what
the workload allocates, measured in a separate pass so that tracing does not distort the
timings; the process's peak RSS (getrusage) is printed at the end. The machine is small and may
be shared: the CPU time other processes use meanwhile is measured, and a run that shared more
than 5% of its time says so.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import attrs
import psycopg
import sqlalchemy as sa

import ledger
from ledger import NO_STREAM, EventStore, event_type
from ledger.ids import uuid7

try:
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate
    from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool, SQLiteFactory
    from eventsourcing.utils import Environment
except ImportError:  # pragma: no cover - the dispatcher installs it
    sys.exit(
        "error: the eventsourcing library is not installed: run `scripts/bench store`, which "
        "installs the project's bench extra"
    )

DEFAULT_POSTGRES_URL = "postgresql+psycopg://payouts:payouts@127.0.0.1:5432/payouts_test"
REPO_ROOT = Path(__file__).resolve().parent.parent


# -- the domain events, the same fields in both libraries ------------------------------------------

OPENED = "bench.payout_opened"
RECORDED = "bench.payout_amount_recorded"
PHONE = "254708374149"
BASE_AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@event_type(OPENED)
@attrs.frozen
class PayoutOpened:
    payout_id: str
    phone: str
    opened_at: datetime


@event_type(RECORDED)
@attrs.frozen
class AmountRecorded:
    payout_id: str
    amount: int
    balance: Decimal
    at: datetime
    receipt: str
    status: str


AmountArgs = tuple[str, int, Decimal, datetime, str, str]


def amount_args(payout_id: str, n: int) -> AmountArgs:
    """The fields of the n-th AmountRecorded event (deterministic, varied values)."""
    return (
        payout_id,
        1_000 + (n * 7_919) % 90_000,
        Decimal((n * 104_729) % 10_000_000).scaleb(-2),
        BASE_AT + timedelta(seconds=n),
        f"SKL{n:07d}QX",
        "Completed",
    )


@attrs.define(slots=True)
class PayoutState:
    """What a replay folds the events of one payout into."""

    payout_id: str
    phone: str
    opened_at: datetime
    version: int = 1
    total: int = 0
    balance: Decimal = Decimal(0)
    status: str = ""
    last_at: datetime | None = None


def fold(state: PayoutState | None, event: object) -> PayoutState:
    if isinstance(event, AmountRecorded):
        assert state is not None
        state.version += 1
        state.total += event.amount
        state.balance = event.balance
        state.status = event.status
        state.last_at = event.at
        return state
    assert isinstance(event, PayoutOpened)
    return PayoutState(event.payout_id, event.phone, event.opened_at)


class EsPayout(Aggregate):
    """The eventsourcing aggregate: the same events, folded into the same state."""

    class Opened(Aggregate.Created):
        payout_id: str
        phone: str
        opened_at: datetime

    class AmountRecorded(Aggregate.Event):
        payout_id: str
        amount: int
        balance: Decimal
        at: datetime
        receipt: str
        status: str

        def apply(self, aggregate: Any) -> None:
            aggregate.total += self.amount
            aggregate.balance = self.balance
            aggregate.status = self.status
            aggregate.last_at = self.at

    def __init__(self, payout_id: str, phone: str, opened_at: datetime) -> None:
        self.payout_id = payout_id
        self.phone = phone
        self.opened_at = opened_at
        self.total = 0
        self.balance = Decimal(0)
        self.status = ""
        self.last_at: datetime | None = None

    @staticmethod
    def create_id(payout_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, payout_id)

    def record(
        self, payout_id: str, amount: int, balance: Decimal, at: datetime, receipt: str, status: str
    ) -> None:
        self.trigger_event(
            self.AmountRecorded,
            payout_id=payout_id,
            amount=amount,
            balance=balance,
            at=at,
            receipt=receipt,
            status=status,
        )


class _FullSyncPool(SQLiteConnectionPool):
    """eventsourcing's SQLite pool, with synchronous=FULL on every connection it opens."""

    def _create_connection(self) -> SQLiteConnection:
        conn = super()._create_connection()
        conn._sqlite_conn.execute("PRAGMA synchronous=FULL")
        return conn


class DurableSQLiteFactory(SQLiteFactory):
    """eventsourcing.sqlite's factory (which sets journal_mode=WAL) with synchronous=FULL."""

    def __init__(self, env: Environment | Any) -> None:
        super().__init__(env)
        old = self.datastore.pool  # opens connections lazily: none exists yet
        self.datastore.pool = _FullSyncPool(db_name=old.db_name, lock_timeout=old.lock_timeout)
        old.close()


class BenchPayouts(Application[UUID]):
    def construct_factory(self, env: Environment) -> Any:
        if env.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite":
            return DurableSQLiteFactory(env)
        return super().construct_factory(env)


# -- the three implementations behind one interface --------------------------------------------


class Subject:
    """One implementation on one fresh database."""

    label = ""

    def prepare(self, stream_ids: Sequence[str]) -> None:
        """Open each stream with a PayoutOpened event."""
        raise NotImplementedError

    def append_one(self, stream_id: str, args: AmountArgs) -> None:
        raise NotImplementedError

    def append_batch(self, stream_id: str, batch: Sequence[AmountArgs]) -> None:
        raise NotImplementedError

    def replay_stream(self, stream_id: str) -> Any:
        """Read, decode and fold one stream; returns the state (.version, .total)."""
        raise NotImplementedError

    def replay_all(self) -> dict[str, Any]:
        """Read, decode and fold the whole log in order; returns the states by payout id."""
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def durability(self) -> str:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class LedgerSubject(Subject):
    label = "ledger"

    def __init__(self, url: str) -> None:
        self.store = EventStore.from_url(url)
        self.versions: dict[str, int] = {}

    def prepare(self, stream_ids: Sequence[str]) -> None:
        for s in stream_ids:
            self.store.append(s, [PayoutOpened(s, PHONE, BASE_AT)], NO_STREAM)
            self.versions[s] = 1

    def append_one(self, stream_id: str, args: AmountArgs) -> None:
        version = self.versions[stream_id]
        self.store.append(stream_id, [AmountRecorded(*args)], expected_version=version)
        self.versions[stream_id] = version + 1

    def append_batch(self, stream_id: str, batch: Sequence[AmountArgs]) -> None:
        version = self.versions[stream_id]
        events = [AmountRecorded(*a) for a in batch]
        self.store.append(stream_id, events, expected_version=version)
        self.versions[stream_id] = version + len(events)

    def replay_stream(self, stream_id: str) -> Any:
        state = None
        for recorded in self.store.read_stream(stream_id):
            state = fold(state, recorded.event)
        return state

    def replay_all(self) -> dict[str, Any]:
        states: dict[str, PayoutState] = {}
        for recorded in self.store.read_all():
            states[recorded.stream_id] = fold(states.get(recorded.stream_id), recorded.event)
        return states

    def count(self) -> int:
        return self.store.last_position()

    def durability(self) -> str:
        with self.store.engine.connect() as conn:
            if self.store.dialect == "sqlite":
                mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
                sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
                return _sqlite_durability(mode, sync)
            commit = conn.exec_driver_sql("SHOW synchronous_commit").scalar()
            fsync = conn.exec_driver_sql("SHOW fsync").scalar()
            return f"synchronous_commit={commit} fsync={fsync}"

    def close(self) -> None:
        self.store.close()


class EventsourcingSubject(Subject):
    label = "eventsourcing"

    def __init__(self, env: dict[str, str]) -> None:
        self.app = BenchPayouts(env=env)
        self.aggregates: dict[str, EsPayout] = {}

    def prepare(self, stream_ids: Sequence[str]) -> None:
        for s in stream_ids:
            aggregate = EsPayout(payout_id=s, phone=PHONE, opened_at=BASE_AT)
            self.app.save(aggregate)
            self.aggregates[s] = aggregate

    def append_one(self, stream_id: str, args: AmountArgs) -> None:
        aggregate = self.aggregates[stream_id]
        aggregate.record(*args)
        self.app.save(aggregate)

    def append_batch(self, stream_id: str, batch: Sequence[AmountArgs]) -> None:
        aggregate = self.aggregates[stream_id]
        for a in batch:
            aggregate.record(*a)
        self.app.save(aggregate)

    def replay_stream(self, stream_id: str) -> Any:
        return self.app.repository.get(EsPayout.create_id(stream_id))

    def replay_all(self) -> dict[str, Any]:
        recorder, mapper = self.app.recorder, self.app.mapper
        aggregates: dict[UUID, Any] = {}
        start: int | None = None
        while True:
            page = recorder.select_notifications(start, 1000, inclusive_of_start=False)
            for notification in page:
                event: Any = mapper.to_domain_event(notification)
                aggregates[event.originator_id] = event.mutate(aggregates.get(event.originator_id))
            if len(page) < 1000:
                break
            start = page[-1].id
        return {a.payout_id: a for a in aggregates.values()}

    def count(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def durability(self) -> str:
        datastore = self.app.recorder.datastore  # type: ignore[attr-defined]
        if isinstance(self.app.factory, SQLiteFactory):
            with datastore.get_connection(commit=False) as conn:
                c = conn._sqlite_conn
                mode = c.execute("PRAGMA journal_mode").fetchone()[0]
                sync = c.execute("PRAGMA synchronous").fetchone()[0]
            return _sqlite_durability(mode, sync)
        with datastore.get_connection() as conn:
            commit = conn.execute("SHOW synchronous_commit").fetchone()["synchronous_commit"]
            fsync = conn.execute("SHOW fsync").fetchone()["fsync"]
        return f"synchronous_commit={commit} fsync={fsync}"

    def close(self) -> None:
        self.app.close()


def opened_data(e: PayoutOpened) -> dict[str, Any]:
    return {"payout_id": e.payout_id, "phone": e.phone, "opened_at": e.opened_at.isoformat()}


def amount_data(e: AmountRecorded) -> dict[str, Any]:
    """The same dict the store's converter makes, written out by hand."""
    return {
        "payout_id": e.payout_id,
        "amount": e.amount,
        "balance": str(e.balance),
        "at": e.at.astimezone(UTC).isoformat(),
        "receipt": e.receipt,
        "status": e.status,
    }


def raw_event(event_type_name: str, d: dict[str, Any]) -> object:
    if event_type_name == RECORDED:
        return AmountRecorded(
            d["payout_id"],
            d["amount"],
            Decimal(d["balance"]),
            datetime.fromisoformat(d["at"]),
            d["receipt"],
            d["status"],
        )
    return PayoutOpened(d["payout_id"], d["phone"], datetime.fromisoformat(d["opened_at"]))


_COLUMNS = "stream_id, version, event_type, data, metadata, event_id, recorded_at"
_READ = "SELECT position, stream_id, version, event_type, data, metadata, event_id, recorded_at"


class RawSubject(Subject):
    """The driver alone: the same rows into the same table, one connection per thread."""

    insert = ""

    def __init__(self) -> None:
        self.versions: dict[str, int] = {}
        self._local = threading.local()
        self._connections: list[Any] = []
        self._lock = threading.Lock()

    def _connect(self) -> Any:
        raise NotImplementedError

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _row(
        self, stream_id: str, version: int, name: str, data: dict[str, Any], now: datetime
    ) -> tuple[Any, ...]:
        raise NotImplementedError

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def prepare(self, stream_ids: Sequence[str]) -> None:
        for s in stream_ids:
            event = PayoutOpened(s, PHONE, BASE_AT)
            self._write([self._row(s, 1, OPENED, opened_data(event), datetime.now(UTC))])
            self.versions[s] = 1

    def append_one(self, stream_id: str, args: AmountArgs) -> None:
        version = self.versions[stream_id] + 1
        data = amount_data(AmountRecorded(*args))
        self._write([self._row(stream_id, version, RECORDED, data, datetime.now(UTC))])
        self.versions[stream_id] = version

    def append_batch(self, stream_id: str, batch: Sequence[AmountArgs]) -> None:
        version = self.versions[stream_id]
        now = datetime.now(UTC)
        rows = [
            self._row(stream_id, version + 1 + i, RECORDED, amount_data(AmountRecorded(*a)), now)
            for i, a in enumerate(batch)
        ]
        self._write(rows)
        self.versions[stream_id] = version + len(rows)

    def close(self) -> None:
        for conn in self._connections:
            conn.close()


class RawSqliteSubject(RawSubject):
    label = "raw sqlite3"
    insert = f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"

    def __init__(self, path: str) -> None:
        super().__init__()
        EventStore.from_url(f"sqlite:///{path}").close()  # the same table, by our migrations
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    def _row(
        self, stream_id: str, version: int, name: str, data: dict[str, Any], now: datetime
    ) -> tuple[Any, ...]:
        return (
            stream_id,
            version,
            name,
            json.dumps(data),
            json.dumps({"schema_version": 1}),
            uuid7().hex,
            now.replace(tzinfo=None).isoformat(" ", "microseconds"),
        )

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            if len(rows) == 1:
                conn.execute(self.insert, rows[0])
            else:
                conn.executemany(self.insert, rows)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _fold_rows(self, rows: Any, states: dict[str, PayoutState]) -> None:
        for _pos, stream_id, _v, name, data, meta, _id, _at in rows:
            json.loads(meta)
            states[stream_id] = fold(states.get(stream_id), raw_event(name, json.loads(data)))

    def replay_stream(self, stream_id: str) -> Any:
        states: dict[str, PayoutState] = {}
        query = f"{_READ} FROM events WHERE stream_id = ? ORDER BY version"
        self._fold_rows(self._conn().execute(query, (stream_id,)), states)
        return states.get(stream_id)

    def replay_all(self) -> dict[str, Any]:
        states: dict[str, PayoutState] = {}
        self._fold_rows(self._conn().execute(f"{_READ} FROM events ORDER BY position"), states)
        return states

    def count(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM events").fetchone()[0])

    def durability(self) -> str:
        conn = self._conn()
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = conn.execute("PRAGMA synchronous").fetchone()[0]
        return _sqlite_durability(mode, sync)


class RawPostgresSubject(RawSubject):
    label = "raw psycopg"
    insert = f"INSERT INTO events ({_COLUMNS}) VALUES (%s, %s, %s, %s::jsonb, %s::jsonb, %s, %s)"

    def __init__(self, ledger_url: str, connect_kwargs: dict[str, Any]) -> None:
        super().__init__()
        EventStore.from_url(ledger_url).close()  # the same table, by our migrations
        self.connect_kwargs = connect_kwargs

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(**self.connect_kwargs)

    def _row(
        self, stream_id: str, version: int, name: str, data: dict[str, Any], now: datetime
    ) -> tuple[Any, ...]:
        meta = json.dumps({"schema_version": 1})
        return (stream_id, version, name, json.dumps(data), meta, uuid7(), now)

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        conn = self._conn()
        try:
            with conn.cursor() as cur:
                if len(rows) == 1:
                    cur.execute(self.insert, rows[0])
                else:
                    cur.executemany(self.insert, rows)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise

    def _fold_rows(self, cur: Any, states: dict[str, PayoutState]) -> None:
        for _pos, stream_id, _v, name, data, _meta, _id, _at in cur:
            states[stream_id] = fold(states.get(stream_id), raw_event(name, data))

    def replay_stream(self, stream_id: str) -> Any:
        states: dict[str, PayoutState] = {}
        conn = self._conn()
        with conn.cursor() as cur:
            cur.execute(f"{_READ} FROM events WHERE stream_id = %s ORDER BY version", (stream_id,))
            self._fold_rows(cur, states)
        conn.rollback()
        return states.get(stream_id)

    def replay_all(self) -> dict[str, Any]:
        states: dict[str, PayoutState] = {}
        conn = self._conn()
        with conn.cursor() as cur:
            cur.execute(f"{_READ} FROM events ORDER BY position")
            self._fold_rows(cur, states)
        conn.rollback()
        return states

    def count(self) -> int:
        conn = self._conn()
        value = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        conn.rollback()
        return int(value)

    def durability(self) -> str:
        conn = self._conn()
        commit = conn.execute("SHOW synchronous_commit").fetchone()[0]
        fsync = conn.execute("SHOW fsync").fetchone()[0]
        conn.rollback()
        return f"synchronous_commit={commit} fsync={fsync}"


def _sqlite_durability(mode: Any, sync: Any) -> str:
    names = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
    return f"journal_mode={str(mode).upper()} synchronous={names.get(int(sync), sync)}"


# -- the databases ---------------------------------------------------------------------------


IMPLEMENTATIONS = ("ledger", "eventsourcing", "raw")


class SqliteBackend:
    name = "sqlite"
    expected = "journal_mode=WAL synchronous=FULL"

    def __init__(self, workdir: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="sqlite-", dir=workdir))
        self._n = 0
        self.title = f"SQLite {sqlite3.sqlite_version}"

    def subject(self, impl: str) -> Subject:
        self._n += 1
        path = str(self.dir / f"{self._n:03d}-{impl}.db")
        if impl == "ledger":
            return LedgerSubject(f"sqlite:///{path}")
        if impl == "eventsourcing":
            return EventsourcingSubject(
                {
                    "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                    "SQLITE_DBNAME": path,
                    "SQLITE_LOCK_TIMEOUT": "30",  # the store's busy timeout
                }
            )
        return RawSqliteSubject(path)

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def leftover(self) -> str:
        return f"folder {self.dir}"


class PostgresBackend:
    name = "postgres"
    expected = "synchronous_commit=on fsync=on"

    def __init__(self, url: str) -> None:
        parsed = sa.engine.make_url(url)
        self.admin: dict[str, Any] = {
            "host": parsed.host or "127.0.0.1",
            "port": parsed.port or 5432,
            "user": parsed.username,
            "password": parsed.password,
            "dbname": parsed.database or "postgres",
            "connect_timeout": 5,
        }
        self.dbname = f"ledger_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(**self.admin, autocommit=True) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            conn.execute(f'CREATE DATABASE "{self.dbname}"')
        self.title = f"PostgreSQL {version[0] if version else '?'}"
        self.db: dict[str, Any] = {**self.admin, "dbname": self.dbname}
        self.url = parsed.set(drivername="postgresql+psycopg", database=self.dbname)
        self._n = 0

    def subject(self, impl: str) -> Subject:
        self._n += 1
        schema = f"w{self._n:03d}_{impl}"
        with psycopg.connect(**self.db, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        if impl == "ledger":
            return LedgerSubject(self._ledger_url(schema))
        if impl == "eventsourcing":
            return EventsourcingSubject(
                {
                    "PERSISTENCE_MODULE": "eventsourcing.postgres",
                    "POSTGRES_DBNAME": self.dbname,
                    "POSTGRES_HOST": str(self.db["host"]),
                    "POSTGRES_PORT": str(self.db["port"]),
                    "POSTGRES_USER": str(self.db["user"]),
                    "POSTGRES_PASSWORD": str(self.db["password"]),
                    "POSTGRES_SCHEMA": schema,
                }
            )
        return RawPostgresSubject(
            self._ledger_url(schema), {**self.db, "options": f"-csearch_path={schema}"}
        )

    def _ledger_url(self, schema: str) -> str:
        url = self.url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def close(self) -> None:
        for attempt in range(5):  # the server may be busy (out of connection slots) for a moment
            try:
                with psycopg.connect(**self.admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
                return
            except psycopg.OperationalError:
                if attempt == 4:
                    raise
                time.sleep(1 + attempt)

    def leftover(self) -> str:
        return f'database {self.dbname} (DROP DATABASE "{self.dbname}" WITH (FORCE))'


# -- the workloads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    single: int  # transactions of 1 event
    streams: int  # streams the sequential appends rotate over
    batches: int  # transactions of batch_size events
    batch_size: int
    threads: int
    per_thread: int  # transactions of 1 event per writer thread
    replay_streams: int
    replay_length: int  # events per replayed stream
    warmup: int  # transactions before the timed ones (1-event appends)


FULL = Sizes(2_000, 20, 100, 100, 8, 250, 200, 100, 50)
QUICK = Sizes(300, 10, 20, 100, 8, 40, 40, 100, 20)
REPLAY_PASSES = 3  # replays are timed 3 times on the same data; the median pass is reported


@dataclass
class Measurement:
    events: int
    seconds: float | None = None
    peak_bytes: int | None = None

    @property
    def rate(self) -> float | None:
        return self.events / self.seconds if self.seconds else None


def _measure(work: Callable[[], None], events: int, memory: bool) -> Measurement:
    gc.collect()
    if memory:
        tracemalloc.start()
        try:
            work()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return Measurement(events, peak_bytes=peak)
    start = time.perf_counter()
    work()
    return Measurement(events, seconds=time.perf_counter() - start)


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise AssertionError(f"benchmark self-check failed: {what}")


def _streams(prefix: str, n: int) -> list[str]:
    return [f"{prefix}-{i:05d}" for i in range(n)]


def append_single(subject: Subject, sizes: Sizes, memory: bool) -> Measurement:
    streams = _streams("payout", sizes.streams)
    subject.prepare(streams)
    todo = [
        (streams[i % len(streams)], amount_args(streams[i % len(streams)], i))
        for i in range(sizes.warmup + sizes.single)
    ]
    for stream_id, args in todo[: sizes.warmup]:
        subject.append_one(stream_id, args)

    def work() -> None:
        for stream_id, args in todo[sizes.warmup :]:
            subject.append_one(stream_id, args)

    m = _measure(work, sizes.single, memory)
    _check(subject.count() == len(todo) + len(streams), f"{subject.label}: rows after appends")
    state = subject.replay_stream(streams[0])
    mine = [args for stream_id, args in todo if stream_id == streams[0]]
    _check(state.version == 1 + len(mine), f"{subject.label}: stream version")
    _check(state.total == sum(a[1] for a in mine), f"{subject.label}: stream total")
    return m


def append_batches(subject: Subject, sizes: Sizes, memory: bool) -> Measurement:
    streams = _streams("batch", max(1, sizes.batches // 10))
    subject.prepare(streams)
    warm = 3
    todo = []
    for b in range(warm + sizes.batches):
        s = streams[b % len(streams)]
        first = b * sizes.batch_size
        todo.append((s, [amount_args(s, first + k) for k in range(sizes.batch_size)]))
    for stream_id, batch in todo[:warm]:
        subject.append_batch(stream_id, batch)

    def work() -> None:
        for stream_id, batch in todo[warm:]:
            subject.append_batch(stream_id, batch)

    m = _measure(work, sizes.batches * sizes.batch_size, memory)
    expected = len(streams) + len(todo) * sizes.batch_size
    _check(subject.count() == expected, f"{subject.label}: rows after batches")
    return m


def append_concurrent(subject: Subject, sizes: Sizes, memory: bool) -> Measurement:
    per = 2  # streams per writer thread; no two threads share a stream
    streams = _streams("writer", sizes.threads * per)
    subject.prepare(streams)
    warmed = threading.Barrier(sizes.threads + 1)
    go = threading.Barrier(sizes.threads + 1)
    errors: list[BaseException] = []
    warm = 3

    def writer(t: int) -> None:
        mine = streams[t * per : (t + 1) * per]
        try:
            for i in range(warm):
                s = mine[i % per]
                subject.append_one(s, amount_args(s, i))
        except BaseException as exc:
            errors.append(exc)
        warmed.wait()
        go.wait()
        if errors:
            return
        try:
            for i in range(warm, warm + sizes.per_thread):
                s = mine[i % per]
                subject.append_one(s, amount_args(s, i))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(sizes.threads)]
    for t in threads:
        t.start()
    warmed.wait()

    def work() -> None:
        go.wait()
        for t in threads:
            t.join()

    m = _measure(work, sizes.threads * sizes.per_thread, memory)
    if errors:
        raise errors[0]
    expected = len(streams) + sizes.threads * (warm + sizes.per_thread)
    _check(subject.count() == expected, f"{subject.label}: rows after concurrent appends")
    return m


def replay(subject: Subject, sizes: Sizes, memory: bool) -> dict[str, Measurement]:
    streams = _streams("replay", sizes.replay_streams)
    subject.prepare(streams)
    for n, s in enumerate(streams):  # untimed fill, 99 events per transaction
        base = n * sizes.replay_length
        subject.append_batch(s, [amount_args(s, base + k) for k in range(sizes.replay_length - 1)])
    events = sizes.replay_streams * sizes.replay_length
    for s in streams[:5]:
        subject.replay_stream(s)  # warm-up
    passes = 1 if memory else REPLAY_PASSES
    states: list[Any] = []

    def per_stream() -> None:
        states.clear()
        states.extend(subject.replay_stream(s) for s in streams)

    by_stream = _median([_measure(per_stream, events, memory) for _ in range(passes)])
    _check(len(states) == len(streams), f"{subject.label}: replayed streams")
    _check(all(s.version == sizes.replay_length for s in states), f"{subject.label}: versions")
    states.clear()
    folded: dict[str, Any] = {}

    def whole_log() -> None:
        folded.clear()
        folded.update(subject.replay_all())

    everything = _median([_measure(whole_log, events, memory) for _ in range(passes)])
    _check(len(folded) == len(streams), f"{subject.label}: replayed log")
    _check(
        all(s.version == sizes.replay_length for s in folded.values()),
        f"{subject.label}: versions after the whole log",
    )
    return {"replay_stream": by_stream, "replay_all": everything}


def _median(passes: list[Measurement]) -> Measurement:
    """The pass with the median time (reads are short and CPU-bound: one pass is noisy)."""
    if len(passes) == 1:
        return passes[0]
    return sorted(passes, key=lambda m: m.seconds or 0.0)[len(passes) // 2]


@dataclass(frozen=True)
class Workload:
    key: str
    title: Callable[[Sizes], str]


WORKLOADS = (
    Workload("append_1", lambda s: f"append 1 event/tx ({s.single:,} tx)"),
    Workload("append_100", lambda s: f"append {s.batch_size} events/tx ({s.batches} tx)"),
    Workload("concurrent", lambda s: f"{s.threads} writer threads x {s.per_thread} (1 event/tx)"),
    Workload(
        "replay_stream",
        lambda s: f"replay per stream ({s.replay_streams} x {s.replay_length} events)",
    ),
    Workload(
        "replay_all", lambda s: f"replay whole log ({s.replay_streams * s.replay_length:,} events)"
    ),
)


def run_pass(
    backend: SqliteBackend | PostgresBackend,
    impl: str,
    sizes: Sizes,
    memory: bool,
    durability: dict[str, str],
) -> dict[str, Measurement]:
    results: dict[str, Measurement] = {}
    runners: list[tuple[str, Callable[[Subject, Sizes, bool], Any]]] = [
        ("append_1", append_single),
        ("append_100", append_batches),
        ("concurrent", append_concurrent),
        ("replay", replay),
    ]
    for key, runner in runners:
        subject = backend.subject(impl)
        try:
            if impl not in durability:
                durability[impl] = subject.durability()
            outcome = runner(subject, sizes, memory)
        finally:
            subject.close()
        got = outcome if isinstance(outcome, dict) else {key: outcome}
        for k, m in got.items():
            results[k] = m
            what = f"peak {_bytes(m.peak_bytes)}" if memory else f"{_rate(m.rate)} events/s"
            print(f"  {backend.name:8} {impl:13} {k:13} {what}", file=sys.stderr, flush=True)
    return results


# -- output ----------------------------------------------------------------------------------


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if not a or not b else f"{a / b:.2f}x"


def _bytes(n: int | None) -> str:
    if n is None:
        return "-"
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    return f"{n / 1024:.0f} KiB"


def print_table(
    title: str, sizes: Sizes, rows: dict[str, dict[str, Measurement]], raw_label: str
) -> None:
    headers = [
        "workload",
        "ledger ev/s",
        "eventsourcing ev/s",
        f"{raw_label} ev/s",
        "ledger/raw",
        "ledger/es",
        "ledger peak mem",
    ]
    lines = []
    for w in WORKLOADS:
        r = rows.get(w.key, {})
        led, es, raw = (r.get(i) for i in IMPLEMENTATIONS)
        mem = r.get("ledger_memory")
        lr, er, rr = (m.rate if m else None for m in (led, es, raw))
        lines.append(
            [
                w.title(sizes),
                _rate(lr),
                _rate(er),
                _rate(rr),
                _ratio(lr, rr),
                _ratio(lr, er),
                _bytes(mem.peak_bytes if mem else None),
            ]
        )
    widths = [max(len(str(x[i])) for x in [headers, *lines]) for i in range(len(headers))]
    print(title)
    fmt = "  ".join([f"{{:<{widths[0]}}}"] + [f"{{:>{w}}}" for w in widths[1:]])
    print(fmt.format(*headers))
    for line in lines:
        print(fmt.format(*line))


class OtherCpuMonitor:
    """CPU time that other processes (not this one, not the PostgreSQL server) use meanwhile.

    The machine is small and may be shared: a benchmark that shares its CPUs measures less.
    Samples /proc once a second from a daemon thread (Linux; elsewhere it reports 0).
    """

    def __init__(self) -> None:
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._skip = {os.getpid()}
        self._seen = self._sample()
        self._used = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> dict[int, int]:
        ticks: dict[int, int] = {}
        try:
            entries = os.listdir("/proc")
        except OSError:
            return ticks
        for name in entries:
            if not name.isdigit() or int(name) in self._skip:
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            comm, _, rest = stat.rpartition(b")")
            if comm.endswith(b"(postgres"):
                continue
            fields = rest.split()
            ticks[int(name)] = int(fields[11]) + int(fields[12])  # utime + stime
        return ticks

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self._account()

    def _account(self) -> None:
        now = self._sample()
        for pid, t in now.items():
            self._used += t - self._seen.get(pid, 0)  # a new process: all of its time
        self._seen = now

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self._account()
        return self._used / self._tick


def _git_describe() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "ledger"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes in ledger/)" if dirty else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench store", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--quick", action="store_true", help="a smaller run (about a minute)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH as JSON")
    parser.add_argument("--engine", choices=["all", "sqlite", "postgres"], default="all")
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the tracemalloc pass (no peak-memory column)"
    )
    parser.add_argument("--workdir", help="where the SQLite files go (default: a temp folder)")
    parser.add_argument(
        "--fail-on-miss",
        action="store_true",
        help="exit with status 1 when a SQLite target is not met",
    )
    args = parser.parse_args(argv)
    # Killed with SIGTERM (a timeout, CI): still drop the PostgreSQL database and the temp files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = QUICK if args.quick else FULL
    pg_url = os.environ.get("PAYOUTS_BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL

    es_version = importlib_metadata.version("eventsourcing")
    print(
        f"ledger store benchmark ({'quick' if args.quick else 'full'} run), ledger "
        f"{_git_describe()}, eventsourcing {es_version}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    notes: list[str] = []
    imported = Path(ledger.__file__).resolve().parent
    if imported != REPO_ROOT / "ledger":
        notes.append(f"the ledger package was imported from {imported}, not from this checkout")
    backends: list[SqliteBackend | PostgresBackend] = []
    workroot = Path(tempfile.mkdtemp(prefix="ledger-bench-", dir=args.workdir))
    started = time.perf_counter()
    monitor = OtherCpuMonitor()
    report: dict[str, Any] = {
        "sizes": asdict(sizes),
        "eventsourcing": es_version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "ledger": _git_describe(),
        "engines": {},
        "notes": notes,
    }
    all_rows: dict[str, dict[str, dict[str, Measurement]]] = {}
    try:
        if args.engine in ("all", "sqlite"):
            backends.append(SqliteBackend(workroot))
        if args.engine in ("all", "postgres"):
            try:
                backends.append(PostgresBackend(pg_url))
            except psycopg.Error as exc:
                shown = sa.engine.make_url(pg_url).render_as_string(hide_password=True)
                detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc)
                notes.append(f"PostgreSQL at {shown} is not usable ({detail}): SQLite only")
                print(f"note: {notes[-1]}", file=sys.stderr)
        for backend in backends:
            rows: dict[str, dict[str, Measurement]] = {}
            durability: dict[str, str] = {}
            for impl in IMPLEMENTATIONS:
                for key, m in run_pass(backend, impl, sizes, False, durability).items():
                    rows.setdefault(key, {})[impl] = m
            if not args.no_memory:
                for key, m in run_pass(backend, "ledger", sizes, True, durability).items():
                    rows.setdefault(key, {})["ledger_memory"] = m
            all_rows[backend.name] = rows
            settings = sorted(set(durability.values()))
            same = settings == [backend.expected]
            print()
            label = "raw sqlite3" if backend.name == "sqlite" else "raw psycopg"
            checked = "checked on every implementation" if same else f"NOT THE SAME: {durability}"
            title = f"== {backend.title}: {', '.join(settings)} ({checked}) =="
            print_table(title, sizes, rows, label)
            report["engines"][backend.name] = {
                "title": backend.title,
                "durability": durability,
                "same_durability": same,
                "workloads": {
                    k: {
                        impl: {
                            "events": m.events,
                            "seconds": m.seconds,
                            "events_per_s": m.rate,
                            "peak_python_heap_bytes": m.peak_bytes,
                        }
                        for impl, m in v.items()
                    }
                    for k, v in rows.items()
                },
            }
    finally:
        for backend in backends:
            try:
                backend.close()
            except Exception as exc:  # a leftover database is worth a word, not a traceback
                notes.append(f"could not remove the {backend.leftover()}: {exc}")
                print(f"warning: {notes[-1]}", file=sys.stderr)
        shutil.rmtree(workroot, ignore_errors=True)

    targets = evaluate_targets(all_rows, sizes)
    print()
    print("targets (SQLite):")
    for t in targets:
        print(f"  [{'met' if t['met'] else 'NOT MET'}] {t['text']}")
    print(
        f"concurrent writers ({sizes.threads} threads x {sizes.per_thread}, 1 event/tx), "
        "reported as measured:"
    )
    for name, rows in all_rows.items():
        r = rows["concurrent"]
        led, es, raw = (r[i].rate for i in IMPLEMENTATIONS)
        print(
            f"  {name:8}  ledger {_rate(led)} ev/s = {_ratio(led, raw)} raw, "
            f"{_ratio(led, es)} eventsourcing ({_rate(es)} ev/s); raw {_rate(raw)} ev/s"
        )
    for note in notes:
        print(f"note: {note}")
    others = monitor.stop()
    elapsed = time.perf_counter() - started
    report["other_processes_cpu_s"] = round(others, 1)
    if others > 0.05 * elapsed:
        notes.append(
            f"other processes used {others:.0f} CPU-seconds during this {elapsed:.0f} s run "
            f"(on average {others / elapsed:.1f} of the {os.cpu_count()} CPUs): the figures "
            "are likely low and scattered; run it again on a quiet machine"
        )
        print(f"note: {notes[-1]}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        f"peak memory: the ledger column is the Python-heap peak (tracemalloc, separate pass) "
        f"above the heap at the workload's start; process peak RSS {_bytes(rss)} "
        f"(getrusage, whole run). Run time {elapsed:.0f} s."
    )
    report["targets"] = targets
    report["max_rss_bytes"] = rss
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    missed = any(not t["met"] for t in targets)
    return 1 if args.fail_on_miss and missed else 0


def evaluate_targets(
    all_rows: dict[str, dict[str, dict[str, Measurement]]], sizes: Sizes
) -> list[dict[str, Any]]:
    rows = all_rows.get("sqlite")
    if rows is None:
        return []
    targets = []

    def rate(key: str, impl: str) -> float:
        return rows[key][impl].rate or 0.0

    led, raw = rate("append_1", "ledger"), rate("append_1", "raw")
    targets.append(
        {
            "name": "sqlite_append_1_vs_raw",
            "goal": 0.9,
            "value": led / raw,
            "met": led >= 0.9 * raw,
            "text": f"1-event appends >= 0.90x raw sqlite3: {led / raw:.2f}x "
            f"(ledger {_rate(led)} ev/s, raw {_rate(raw)} ev/s)",
        }
    )
    led = rate("append_100", "ledger")
    targets.append(
        {
            "name": "sqlite_append_100",
            "goal": 50_000,
            "value": led,
            "met": led >= 50_000,
            "text": f"{sizes.batch_size}-event batches >= 50,000 events/s: {_rate(led)} events/s",
        }
    )
    for key, what in (("replay_stream", "replay per stream"), ("replay_all", "replay whole log")):
        led, es = rate(key, "ledger"), rate(key, "eventsourcing")
        targets.append(
            {
                "name": f"sqlite_{key}_vs_eventsourcing",
                "goal": 1.2,
                "value": led / es,
                "met": led >= 1.2 * es,
                "text": f"{what} >= 1.20x eventsourcing: {led / es:.2f}x "
                f"(ledger {_rate(led)} ev/s, eventsourcing {_rate(es)} ev/s)",
            }
        )
    return targets


if __name__ == "__main__":
    sys.exit(main())
