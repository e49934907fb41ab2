"""The event store: an append-only, globally ordered log of events on SQLAlchemy Core.

Ordering rule (why readers never skip an event): every transaction that appends takes a lock that
serialises writers before it draws positions (PostgreSQL: an EXCLUSIVE lock on ``events``, which
still lets readers read; SQLite: BEGIN IMMEDIATE, its single writer lock). Positions are therefore
drawn and committed in the same order, and a reader that has seen position N has seen every
position below N. We chose the lock over a transaction-id horizon because it is simple to prove
and to test; it caps concurrent appends at one writer at a time (see README, benchmark figures).
"""

from __future__ import annotations

import contextlib
import enum
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import attrs
import cattrs
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ledger.engine import WRITE, EngineOptions, create_engine, display_url
from ledger.errors import (
    ConcurrencyError,
    CorruptEventError,
    DuplicateIdempotencyKeyError,
    EventIdConflictError,
    LedgerError,
    StoreUnavailableError,
)
from ledger.events import Metadata, NewEvent, RecordedEvent
from ledger.migrate import ensure_schema
from ledger.schema import events, tracking
from ledger.serialization import EventRegistry
from ledger.serialization import registry as default_registry


class StreamState(enum.Enum):
    """Expected versions that are not a number."""

    NO_STREAM = "no_stream"  # the stream must not exist yet
    ANY = "any"  # no check


NO_STREAM: Final = StreamState.NO_STREAM
ANY: Final = StreamState.ANY
ExpectedVersion = int | StreamState


@attrs.frozen
class AppendResult:
    """Where an append's events landed. ``duplicate`` is true when they were stored already."""

    stream_id: str
    positions: tuple[int, ...]
    version: int
    duplicate: bool = False


_META_KEYS = frozenset({"schema_version", "correlation_id", "causation_id"})
_ROW_COLUMNS = "position, stream_id, version, event_type, data, metadata, event_id, recorded_at"
_INSERT_COLUMNS = (
    "stream_id, version, event_type, data, metadata, event_id, recorded_at, idempotency_key"
)


class _DriverSQL:
    """The append and read hot paths as SQL in the driver's own dialect.

    They run through ``exec_driver_sql`` (same connection, same transaction, same cursor
    events), which skips statement compilation and result processing: on the append path that
    costs more than the database's own work. Values are encoded as SQLAlchemy's column types
    store them, so rows written either way read back the same.
    """

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"
        self.p = "?" if self.sqlite else "%s"
        json_param = self.p if self.sqlite else "%s::jsonb"
        self.row_values = (
            f"({self.p}, {self.p}, {self.p}, {json_param}, {json_param}, {self.p}, {self.p}, "
            f"{self.p})"
        )
        self.version = f"SELECT max(version) FROM events WHERE stream_id = {self.p}"

    def insert(self, n: int) -> str:
        values = ", ".join([self.row_values] * n)
        return f"INSERT INTO events ({_INSERT_COLUMNS}) VALUES {values} RETURNING position"

    def row(self, r: dict[str, Any]) -> tuple[Any, ...]:
        when: datetime = r["recorded_at"]
        if self.sqlite:
            event_id: Any = r["event_id"].hex
            recorded: Any = (
                when.astimezone(UTC)
                .replace(tzinfo=None)
                .isoformat(sep=" ", timespec="microseconds")
            )
        else:
            event_id, recorded = r["event_id"], when
        return (
            r["stream_id"],
            r["version"],
            r["event_type"],
            json.dumps(r["data"]),
            json.dumps(r["metadata"]),
            event_id,
            recorded,
            r["idempotency_key"],
        )

    def page(self, n_types: int) -> str:
        where = f"position > {self.p}"
        if n_types == 1:
            # (event_type, position) serves "this type after N, in order" without a sort.
            where += f" AND event_type = {self.p}"
        elif n_types > 1:
            # For several types that index would gather every later event of each type and
            # sort them (quadratic over a catch-up): `|| ''` makes the planner walk positions.
            marks = ", ".join([self.p] * n_types)
            where += f" AND (event_type || '') IN ({marks})"
        return f"SELECT {_ROW_COLUMNS} FROM events WHERE {where} ORDER BY position LIMIT {self.p}"

    def stream_page(self) -> str:
        return (
            f"SELECT {_ROW_COLUMNS} FROM events WHERE stream_id = {self.p} AND version > {self.p} "
            f"ORDER BY version LIMIT {self.p}"
        )


def _stream_version(conn: sa.Connection, sql: _DriverSQL, stream_id: str) -> int:
    return int(conn.exec_driver_sql(sql.version, (stream_id,)).scalar() or 0)


def _projection_position(conn: sa.Connection, name: str) -> int:
    query = sa.select(tracking.c.position).where(tracking.c.projection == name)
    return int(conn.execute(query).scalar() or 0)


@contextlib.contextmanager
def _database_errors(engine: Engine) -> Iterator[None]:
    """Turn driver errors about reaching the database into one error with an actionable message."""
    try:
        yield
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        raise StoreUnavailableError(
            f"the ledger database {display_url(engine.url)} is unavailable: {detail}"
        ) from None


class WriteTransaction:
    """One transaction of the store: appends to any number of streams, all or nothing, and the
    projection bookkeeping that must commit together with a projection's rows."""

    def __init__(self, store: EventStore, connection: sa.Connection) -> None:
        self._store = store
        self.connection = connection
        self._locked = False

    def _lock_for_append(self) -> None:
        if self._locked:
            return
        if self.connection.dialect.name == "postgresql":
            # EXCLUSIVE conflicts with other writers' ROW EXCLUSIVE but not with readers' ACCESS
            # SHARE: appends are serialised, so commit order equals position order.
            self.connection.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")
        self._locked = True

    def append(
        self,
        stream_id: str,
        new_events: Sequence[object],
        expected_version: ExpectedVersion = ANY,
        *,
        idempotency_key: str | None = None,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> AppendResult:
        """Append events to one stream inside this transaction. See EventStore.append."""
        if not new_events:
            raise ValueError("append needs at least one event")
        if isinstance(expected_version, int) and expected_version < 0:
            raise ValueError("expected_version must be >= 0, NO_STREAM or ANY")
        # Only ids the caller chose (NewEvent) can be stored already: an id this call draws
        # itself is a new UUIDv7, so the look-up for earlier copies is skipped for those.
        caller_ids = any(isinstance(e, NewEvent) for e in new_events)
        pending = [
            e
            if isinstance(e, NewEvent)
            else NewEvent(e, correlation_id=correlation_id, causation_id=causation_id)
            for e in new_events
        ]
        if idempotency_key is not None:
            pending[0] = attrs.evolve(pending[0], idempotency_key=idempotency_key)
        keys = [p.idempotency_key for p in pending if p.idempotency_key is not None]
        encoded = [self._store.registry.encode(p.event) for p in pending]
        self._lock_for_append()
        conn = self.connection

        stored = self._stored_copies(stream_id, pending, encoded) if caller_ids else None
        if stored is not None:
            return AppendResult(stream_id, stored, self._stream_version(stream_id), duplicate=True)

        current = self._stream_version(stream_id)
        if expected_version is NO_STREAM:
            if current != 0:
                raise ConcurrencyError(stream_id, "NO_STREAM", current)
        elif isinstance(expected_version, int) and expected_version != current:
            raise ConcurrencyError(stream_id, expected_version, current)

        now = datetime.now(UTC)
        rows: list[dict[str, Any]] = []
        for i, (p, (name, schema_version, data)) in enumerate(zip(pending, encoded, strict=True)):
            meta: dict[str, Any] = {"schema_version": schema_version}
            if p.correlation_id is not None:
                meta["correlation_id"] = p.correlation_id
            if p.causation_id is not None:
                meta["causation_id"] = p.causation_id
            rows.append(
                {
                    "stream_id": stream_id,
                    "version": current + 1 + i,
                    "event_type": name,
                    "data": data,
                    "metadata": meta,
                    "event_id": p.event_id,
                    "recorded_at": now,
                    "idempotency_key": p.idempotency_key,
                }
            )
        if not keys:
            positions = self._insert(rows, stream_id, expected_version)
        else:
            # The unique index decides, inside this transaction; the savepoint keeps the
            # transaction usable so that the caller can record the repeat instead.
            savepoint = conn.begin_nested()
            try:
                positions = self._insert(rows, stream_id, expected_version)
            except sa.exc.IntegrityError:
                savepoint.rollback()
                used = conn.execute(
                    sa.select(events.c.idempotency_key, events.c.position)
                    .where(events.c.idempotency_key.in_(keys))
                    .order_by(events.c.position)
                ).all()
                if not used:
                    raise
                raise DuplicateIdempotencyKeyError(
                    used[0][0], int(used[0][1]), used_keys=frozenset(k for k, _ in used)
                ) from None
            savepoint.commit()
        return AppendResult(stream_id, tuple(positions), current + len(rows))

    def _insert(
        self,
        rows: list[dict[str, Any]],
        stream_id: str,
        expected: ExpectedVersion,
    ) -> list[int]:
        sql = self._store._sql
        try:
            positions: list[int] = []
            # One multi-row INSERT per chunk (bound parameters stay under SQLite's limit).
            # Appends are serialised and a statement's rows take ascending positions in the
            # order given, so the sorted positions are the rows' positions.
            for i in range(0, len(rows), 500):
                chunk = rows[i : i + 500]
                params = tuple(v for r in chunk for v in sql.row(r))
                result = self.connection.exec_driver_sql(sql.insert(len(chunk)), params)
                positions.extend(int(r[0]) for r in result)
            return sorted(positions)
        except sa.exc.IntegrityError as exc:
            if "stream" in str(exc.orig).lower() or "uq_events_stream_version" in str(exc.orig):
                actual = self._stream_version(stream_id)
                raise ConcurrencyError(stream_id, expected, actual) from None
            raise

    def _stream_version(self, stream_id: str) -> int:
        return _stream_version(self.connection, self._store._sql, stream_id)

    def _stored_copies(
        self,
        stream_id: str,
        pending: list[NewEvent],
        encoded: list[tuple[str, int, dict[str, Any]]],
    ) -> tuple[int, ...] | None:
        """Positions of this batch if every event id is stored already with the same content."""
        ids = [p.event_id for p in pending]
        found = {
            row.event_id: row
            for row in self.connection.execute(
                sa.select(
                    events.c.event_id,
                    events.c.position,
                    events.c.stream_id,
                    events.c.event_type,
                    events.c.data,
                ).where(events.c.event_id.in_(ids))
            )
        }
        if not found:
            return None
        if len(found) != len(ids):
            raise EventIdConflictError(
                f"stream {stream_id!r}: {len(found)} of the {len(ids)} event ids of this append "
                "are stored already; an append is stored whole or not at all"
            )
        positions = []
        for event_id, (name, _, data) in zip(ids, encoded, strict=True):
            row = found[event_id]
            if row.stream_id != stream_id or row.event_type != name or row.data != data:
                raise EventIdConflictError(
                    f"event {event_id} is stored already (position {row.position}, stream "
                    f"{row.stream_id!r}) with different content: an event id names one event only"
                )
            positions.append(int(row.position))
        return tuple(positions)

    def used_idempotency_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of these idempotency keys are stored already (to skip known lines in bulk)."""
        wanted = list(keys)
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            found.update(
                k
                for (k,) in self.connection.execute(
                    sa.select(events.c.idempotency_key).where(events.c.idempotency_key.in_(chunk))
                )
            )
        return found

    def read_page(
        self, after: int, limit: int, event_types: Iterable[str] | None = None
    ) -> list[RecordedEvent]:
        """Up to ``limit`` events after ``after``, read in this transaction (for projections)."""
        return [
            self._store._decode(row)
            for row in self._store._page_rows(self.connection, after, limit, event_types)
        ]

    # -- projection bookkeeping -------------------------------------------------------------

    def lock_projection(self, name: str) -> tuple[int, str]:
        """Take the projection's tracking row for this transaction: (position, version).

        Two workers catching up the same projection would otherwise apply the same events twice;
        with the row locked (PostgreSQL: FOR UPDATE; SQLite: the writer lock) the second waits
        and then sees the first one's position.
        """
        query = sa.select(tracking.c.position, tracking.c.projection_version).where(
            tracking.c.projection == name
        )
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(
                sa.text(
                    "INSERT INTO tracking (projection, position, projection_version) "
                    "VALUES (:n, 0, '') ON CONFLICT (projection) DO NOTHING"
                ),
                {"n": name},
            )
            query = query.with_for_update()
        row = self.connection.execute(query).first()
        if row is None:
            return 0, ""
        return int(row[0]), str(row[1])

    def projection_position(self, name: str) -> int:
        """How far the projection ``name`` has read (0 if it never ran)."""
        return _projection_position(self.connection, name)

    def set_projection_position(
        self, name: str, position: int, projection_version: str = ""
    ) -> None:
        """Record that ``name`` has applied every event up to ``position``, with its rows."""
        updated = self.connection.execute(
            tracking.update()
            .where(tracking.c.projection == name)
            .values(position=position, projection_version=projection_version)
        ).rowcount
        if updated == 0:
            self.connection.execute(
                tracking.insert().values(
                    projection=name, position=position, projection_version=projection_version
                )
            )


class EventStore:
    """Append-only event store on SQLite (the default) or PostgreSQL.

    >>> store = EventStore.from_url("sqlite:///ledger.db")        # doctest: +SKIP
    >>> store.append("payout-1", [SomeEvent(...)], expected_version=NO_STREAM)  # doctest: +SKIP
    """

    def __init__(
        self,
        engine: Engine,
        *,
        registry: EventRegistry | None = None,
        page_size: int = 1000,
        auto_create: bool = True,
    ) -> None:
        self.engine = engine
        self._sql = _DriverSQL(engine.dialect.name)
        self.registry = registry or default_registry
        self.page_size = page_size
        with _database_errors(engine):
            ensure_schema(engine, auto_create=auto_create)
        self._writer = engine.execution_options(**{WRITE: True})

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        options: EngineOptions | None = None,
        registry: EventRegistry | None = None,
        auto_create: bool = True,
    ) -> EventStore:
        """Open (and on first use create) the store at ``sqlite:///path.db`` or
        ``postgresql+psycopg://user:password@host/db``."""
        engine = create_engine(url, options)
        try:
            return cls(engine, registry=registry, auto_create=auto_create)
        except BaseException:
            engine.dispose()
            raise

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"EventStore({display_url(self.engine.url)!r})"

    # -- writing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[WriteTransaction]:
        """A write transaction: everything appended in it commits together or not at all."""
        with _database_errors(self.engine), self._writer.connect() as conn, conn.begin():
            yield WriteTransaction(self, conn)

    def append(
        self,
        stream_id: str,
        new_events: Sequence[object],
        expected_version: ExpectedVersion = ANY,
        *,
        idempotency_key: str | None = None,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> AppendResult:
        """Append events (domain events, or NewEvent to choose ids) to a stream atomically.

        ``expected_version`` is the stream's version the caller based its decision on, NO_STREAM
        or ANY; a mismatch raises ConcurrencyError and writes nothing. Appending events whose ids
        are stored already (with the same content) is a no-op reporting the stored positions.
        An ``idempotency_key`` used before raises DuplicateIdempotencyKeyError.
        """
        with self.transaction() as tx:
            return tx.append(
                stream_id,
                new_events,
                expected_version,
                idempotency_key=idempotency_key,
                correlation_id=correlation_id,
                causation_id=causation_id,
            )

    # -- reading ------------------------------------------------------------------------------

    def _decode(self, row: Any) -> RecordedEvent:
        # The hot loop of every replay: positional access, no copies unless there are extras.
        position, stream_id, version, event_type, data, meta, event_id, recorded_at = row
        try:
            if isinstance(data, str):  # SQLite hands JSON back as text, PostgreSQL as objects
                data = json.loads(data)
                meta = json.loads(meta)
            if isinstance(recorded_at, str):
                recorded_at = datetime.fromisoformat(recorded_at)
            if recorded_at.tzinfo is None:
                recorded_at = recorded_at.replace(tzinfo=UTC)
            schema_version = meta.get("schema_version", 1)
            event = self.registry.decode(event_type, schema_version, data)
            extra = (
                {k: v for k, v in meta.items() if k not in _META_KEYS}
                if len(meta) > len(_META_KEYS) or not meta.keys() <= _META_KEYS
                else {}
            )
            metadata = Metadata(
                recorded_at,
                schema_version,
                meta.get("correlation_id"),
                meta.get("causation_id"),
                extra,
            )
            if not isinstance(event_id, uuid.UUID):
                event_id = uuid.UUID(str(event_id))
        except LedgerError as exc:
            raise CorruptEventError(int(position), str(exc)) from exc
        except Exception as exc:
            reason = (
                "; ".join(cattrs.transform_error(exc))
                if isinstance(exc, cattrs.BaseValidationError)
                else f"{type(exc).__name__}: {exc}"
            )
            raise CorruptEventError(int(position), f"{event_type}: {reason}") from exc
        return RecordedEvent(position, stream_id, version, event_id, event_type, event, metadata)

    def iter_stream(self, stream_id: str, from_version: int = 1) -> Iterator[RecordedEvent]:
        """A stream's events in version order, read page by page."""
        version = from_version - 1
        while True:
            with _database_errors(self.engine), self.engine.connect() as conn:
                rows = conn.exec_driver_sql(
                    self._sql.stream_page(), (stream_id, version, self.page_size)
                ).all()
            for row in rows:
                yield self._decode(row)
            if len(rows) < self.page_size:
                return
            version = int(rows[-1][2])

    def read_stream(self, stream_id: str, from_version: int = 1) -> list[RecordedEvent]:
        """Every event of a stream from ``from_version`` on (an empty list if it does not exist)."""
        return list(self.iter_stream(stream_id, from_version))

    def stream_version(self, stream_id: str) -> int:
        """The stream's current version: 0 when it does not exist."""
        with _database_errors(self.engine), self.engine.connect() as conn:
            return _stream_version(conn, self._sql, stream_id)

    def read_all(
        self,
        after: int = 0,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        event_types: Iterable[str] | None = None,
    ) -> Iterator[RecordedEvent]:
        """Every event with a position above ``after``, in position order, streamed in pages.

        A reader may stop and continue later from the last position it saw without ever missing
        an event that commits after it looked (see the ordering rule at the top of this module).
        """
        size = page_size or self.page_size
        types = list(event_types) if event_types is not None else None
        position = after
        remaining = limit
        while remaining is None or remaining > 0:
            n = size if remaining is None else min(size, remaining)
            with _database_errors(self.engine), self.engine.connect() as conn:
                rows = self._page_rows(conn, position, n, types)
            for row in rows:
                yield self._decode(row)
            if remaining is not None:
                remaining -= len(rows)
            if len(rows) < n:
                return
            position = int(rows[-1].position)

    def _page_rows(
        self, conn: sa.Connection, after: int, limit: int, types: Iterable[str] | None
    ) -> list[Any]:
        wanted = sorted(types) if types is not None else []
        if types is not None and not wanted:
            return []
        sql = self._sql.page(len(wanted))
        return list(conn.exec_driver_sql(sql, (after, *wanted, limit)).all())

    def last_position(self) -> int:
        """The highest position stored (0 for an empty store)."""
        with _database_errors(self.engine), self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(events.c.position))).scalar() or 0)

    def projection_position(self, name: str) -> int:
        """How far the projection ``name`` has read (0 if it never ran)."""
        with _database_errors(self.engine), self.engine.connect() as conn:
            return _projection_position(conn, name)
