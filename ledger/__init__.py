"""The ledger core: events, the event store, and (in later modules) the payout state machine and
commands. Imports nothing from ``adapters`` or ``projections``."""

from ledger.engine import EngineOptions
from ledger.errors import (
    ConcurrencyError,
    CorruptEventError,
    DuplicateIdempotencyKeyError,
    EventIdConflictError,
    LedgerError,
    SchemaError,
    SchemaOutdatedError,
    SerializationError,
    StoreConfigurationError,
    StoreUnavailableError,
    UnknownEventTypeError,
)
from ledger.events import Metadata, NewEvent, RecordedEvent
from ledger.ids import uuid7
from ledger.serialization import EventRegistry, converter, event_type, registry, upcaster
from ledger.store import ANY, NO_STREAM, AppendResult, EventStore, StreamState, WriteTransaction

__all__ = [
    "ANY",
    "NO_STREAM",
    "AppendResult",
    "ConcurrencyError",
    "CorruptEventError",
    "DuplicateIdempotencyKeyError",
    "EngineOptions",
    "EventIdConflictError",
    "EventRegistry",
    "EventStore",
    "LedgerError",
    "Metadata",
    "NewEvent",
    "RecordedEvent",
    "SchemaError",
    "SchemaOutdatedError",
    "SerializationError",
    "StoreConfigurationError",
    "StoreUnavailableError",
    "StreamState",
    "UnknownEventTypeError",
    "WriteTransaction",
    "converter",
    "event_type",
    "registry",
    "upcaster",
    "uuid7",
]
