"""The ledger's error hierarchy: every failure a caller can act on has its own class and message."""

from __future__ import annotations


class LedgerError(Exception):
    """Base class of every error raised by the ledger package."""


class StoreConfigurationError(LedgerError):
    """The store cannot be opened as configured (an unknown URL scheme, a bad option)."""


class StoreUnavailableError(LedgerError):
    """The database cannot be reached or refused the operation for a reason outside our data."""


class SchemaError(LedgerError):
    """The database's schema does not match what this code expects."""


class SchemaOutdatedError(SchemaError):
    """The database was made by an older version of the code and must be upgraded first."""


class ConcurrencyError(LedgerError):
    """An append's expected version did not match the stream: another writer got there first."""

    def __init__(self, stream_id: str, expected: object, actual: int) -> None:
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"stream {stream_id!r}: expected version {expected}, but the stream is at version "
            f"{actual}; read the stream again and retry the command"
        )


class EventIdConflictError(LedgerError):
    """An event id that is stored already was appended again with different content."""


class DuplicateIdempotencyKeyError(LedgerError):
    """An append's idempotency key was used by an earlier append: this one is a repeat."""

    def __init__(
        self, key: str, position: int | None, used_keys: frozenset[str] = frozenset()
    ) -> None:
        self.key = key
        self.position = position
        self.used_keys = used_keys or frozenset({key})
        super().__init__(
            f"idempotency key {key!r} was already used by the append at position {position}"
        )


class SerializationError(LedgerError):
    """An event could not be turned into JSON (an unregistered type, a float, a naive time)."""


class UnknownEventTypeError(SerializationError):
    """A stored or appended event names a type that no class is registered under."""


class CorruptEventError(LedgerError):
    """A stored row cannot be decoded back into its event."""

    def __init__(self, position: int, reason: str) -> None:
        self.position = position
        self.reason = reason
        super().__init__(f"event at position {position} cannot be decoded: {reason}")
