"""Running projections: each is a fold over events into tables of its own, kept exactly once.

A projection's rows and its tracking position are written in one transaction, so a crash either
keeps both or neither: no event is applied twice or skipped. A projection whose version changed
(its tables or its rules) is dropped and rebuilt from position 0, as ``payouts replay`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import sqlalchemy as sa

from ledger import EventStore, RecordedEvent


class Projection(Protocol):
    """A read model built from events."""

    #: Stable name, the key of its tracking row.
    name: str
    #: Changes whenever its tables or rules change: a new version rebuilds it from scratch.
    version: str
    #: The tables it owns (created on first run, dropped on rebuild).
    metadata: sa.MetaData
    #: The event types it reads; others are never decoded for it (an event type this code does
    #: not know, written by a newer version, does not stop it).
    event_types: frozenset[str]

    def apply(self, conn: sa.Connection, events: Sequence[RecordedEvent]) -> None:
        """Apply a page of events, in order, to the projection's rows."""
        ...


def _drop_and_create(conn: sa.Connection, projection: Projection) -> None:
    projection.metadata.drop_all(conn, checkfirst=True)
    projection.metadata.create_all(conn, checkfirst=True)


def catch_up(store: EventStore, projection: Projection, *, page_size: int = 2000) -> int:
    """Apply every event the projection has not seen yet. Returns how many it applied."""
    applied = 0
    while True:
        with store.transaction() as tx:
            position, version = tx.lock_projection(projection.name)
            if version != projection.version:
                _drop_and_create(tx.connection, projection)
                position = 0
                tx.set_projection_position(projection.name, 0, projection.version)
            page = tx.read_page(position, page_size, projection.event_types)
            if page:
                projection.apply(tx.connection, page)
                tx.set_projection_position(projection.name, page[-1].position, projection.version)
        applied += len(page)
        if len(page) < page_size:
            return applied


def catch_up_together(
    store: EventStore, projections: Sequence[Projection], *, page_size: int = 2000
) -> int:
    """Catch several projections up in one pass: each page of events is read and decoded once
    and applied to every projection that has not seen it, all in one transaction with their
    tracking rows. Returns how many events were read."""
    read = 0
    while True:
        with store.transaction() as tx:
            positions: dict[str, int] = {}
            for projection in projections:
                position, version = tx.lock_projection(projection.name)
                if version != projection.version:
                    _drop_and_create(tx.connection, projection)
                    position = 0
                    tx.set_projection_position(projection.name, 0, projection.version)
                positions[projection.name] = position
            start = min(positions.values(), default=0)
            types = frozenset().union(*(p.event_types for p in projections))
            page = tx.read_page(start, page_size, types)
            for projection in projections:
                seen = positions[projection.name]
                unseen = [
                    e for e in page if e.position > seen and e.event_type in projection.event_types
                ]
                if unseen:
                    projection.apply(tx.connection, unseen)
                # The page holds every event of the projection's types up to its last position,
                # so the projection has seen all of them: even one that found none moves on.
                if page and page[-1].position > seen:
                    tx.set_projection_position(
                        projection.name, page[-1].position, projection.version
                    )
        read += len(page)
        if len(page) < page_size:
            return read


def rebuild(store: EventStore, projection: Projection, *, page_size: int = 2000) -> int:
    """Drop the projection's rows and build them again from position 0."""
    with store.transaction() as tx:
        tx.lock_projection(projection.name)
        _drop_and_create(tx.connection, projection)
        tx.set_projection_position(projection.name, 0, projection.version)
    return catch_up(store, projection, page_size=page_size)
