"""Alembic migrations of the event store's schema (events and tracking tables)."""
