"""The store's tables, in SQLAlchemy Core. Migrations (ledger/migrations) create them; this module
is what the queries are written against, and the two must agree (a test checks it)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware UTC time on every engine (SQLite has no time zones: stored naive UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("recorded_at must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# JSON on SQLite (stored as text), JSONB on PostgreSQL (indexed, compact).
JSONData = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# A 64-bit position on PostgreSQL; SQLite wants exactly INTEGER for a rowid alias.
Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    sa.Column("position", Position, primary_key=True, autoincrement=True),
    sa.Column("stream_id", sa.String(255), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("event_type", sa.String(255), nullable=False),
    sa.Column("data", JSONData, nullable=False),
    sa.Column("metadata", JSONData, nullable=False),
    sa.Column("event_id", sa.Uuid, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    # Set on the first event of an append that carries an idempotency key (a callback's delivery
    # key): the unique index makes a second append with that key fail inside its transaction.
    sa.Column("idempotency_key", sa.String(512), nullable=True),
    sa.UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
    sa.UniqueConstraint("event_id", name="uq_events_event_id"),
    sa.UniqueConstraint("idempotency_key", name="uq_events_idempotency_key"),
    sa.Index("ix_events_type_position", "event_type", "position"),
    sqlite_autoincrement=True,
)

# Projections record here how far they have read, in the same transaction as their own rows.
tracking = sa.Table(
    "tracking",
    metadata,
    sa.Column("projection", sa.String(255), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("projection_version", sa.String(64), nullable=False, server_default=""),
)
