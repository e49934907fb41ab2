"""Index events by type and position, for readers that want only some types (statement lines,
callbacks) without scanning the whole log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_type_position", "events", ["event_type", "position"])


def downgrade() -> None:
    op.drop_index("ix_events_type_position", table_name="events")
