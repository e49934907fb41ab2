"""What goes into the store (NewEvent) and what comes back out (RecordedEvent, with Metadata)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from ledger.ids import uuid7


@attrs.frozen
class NewEvent:
    """A domain event on its way into the store, with the ids that trace it.

    The event id is chosen by the caller when it must be stable across retries (a command that is
    re-run after a crash appends the same ids and so appends nothing twice).
    """

    event: Any
    event_id: uuid.UUID = attrs.field(factory=uuid7)
    correlation_id: str | None = None
    causation_id: str | None = None
    #: Unique across the store when set (a callback's delivery key, a statement line's key).
    idempotency_key: str | None = None


@attrs.frozen
class Metadata:
    """What the store records about an event besides its data."""

    recorded_at: datetime
    schema_version: int
    correlation_id: str | None = None
    causation_id: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class RecordedEvent:
    """An event as stored: its global position, its place in its stream and its decoded data."""

    position: int
    stream_id: str
    version: int
    event_id: uuid.UUID
    event_type: str
    event: Any
    metadata: Metadata

    @property
    def recorded_at(self) -> datetime:
        return self.metadata.recorded_at
