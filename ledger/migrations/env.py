"""Alembic environment: runs on the connection that ledger.migrate hands over."""

from __future__ import annotations

from alembic import context

from ledger.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - we never run alembic's own CLI against a URL
    raise RuntimeError("run migrations through `payouts db upgrade` (ledger.migrate)")

context.configure(connection=connection, target_metadata=metadata, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
