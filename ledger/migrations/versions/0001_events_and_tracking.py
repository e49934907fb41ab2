"""Create the append-only events table, its immutability triggers, and the tracking table.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from ledger.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("position", _POSITION, primary_key=True, autoincrement=True),
        sa.Column("stream_id", sa.String(255), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("event_type", sa.String(255), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("metadata", _JSON, nullable=False),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("idempotency_key", sa.String(512), nullable=True),
        sa.UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
        sa.UniqueConstraint("idempotency_key", name="uq_events_idempotency_key"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "tracking",
        sa.Column("projection", sa.String(255), primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("projection_version", sa.String(64), nullable=False, server_default=""),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # The database itself refuses to rewrite history, whoever connects: an auditor can trust
        # that what is stored is what was appended.
        op.execute(
            """
            CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION 'events are immutable: % refused on table events', TG_OP
                USING ERRCODE = 'insufficient_privilege';
            END $$;
            """
        )
        op.execute(
            "CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION events_refuse_change()"
        )
        op.execute(
            "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
            "FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()"
        )
    else:
        op.execute(
            "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
            "BEGIN SELECT RAISE(ABORT, 'events are immutable: UPDATE refused on table events'); END"
        )
        op.execute(
            "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
            "BEGIN SELECT RAISE(ABORT, 'events are immutable: DELETE refused on table events'); END"
        )


def downgrade() -> None:
    raise RuntimeError("the event store is append-only: its schema is never downgraded")
