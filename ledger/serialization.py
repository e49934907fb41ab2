"""One cattrs converter and the registry of event types: events to JSON-ready dicts and back.

Rules that hold for every event: money is int or Decimal (a float is refused, never stored),
times are timezone-aware and stored in UTC, bytes are stored as base64. Old shapes stay readable
through upcasters, one per (type, schema version), applied in order on read.
"""

from __future__ import annotations

import base64
import enum
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.preconf.json import make_converter

from ledger.errors import SerializationError, UnknownEventTypeError

T = TypeVar("T")
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def _unstructure_datetime(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise SerializationError(f"time {value.isoformat()} has no timezone: use an aware datetime")
    return value.astimezone(UTC).isoformat()


def _structure_datetime(value: Any, _: type) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        parsed = datetime.fromisoformat(value)
    else:
        raise ValueError(f"expected an ISO 8601 time, got {type(value).__name__}")
    if parsed.tzinfo is None:
        raise ValueError(f"time {value!r} has no timezone")
    return parsed.astimezone(UTC)


def _structure_decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, bool | float):
        raise ValueError(f"money must be a decimal string or an int, got {value!r}")
    if isinstance(value, int | str | Decimal):
        return Decimal(value)
    raise ValueError(f"expected a decimal, got {type(value).__name__}")


def _refuse_float(value: float) -> Any:
    raise SerializationError(f"float {value!r} in an event: use int shillings or Decimal")


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an int, got {value!r}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _structure_bytes(value: Any, _: type) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected base64 text, got {type(value).__name__}")
    return base64.b64decode(value.encode("ascii"), validate=True)


def _make_converter() -> cattrs.Converter:
    conv = make_converter(forbid_extra_keys=False, prefer_attrib_converters=False)
    conv.register_unstructure_hook(datetime, _unstructure_datetime)
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(date, lambda d: d.isoformat())
    conv.register_structure_hook(date, lambda v, _: date.fromisoformat(v))
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(float, _refuse_float)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(bool, _structure_bool)  # after int: bool is an int subclass
    conv.register_unstructure_hook(bytes, lambda b: base64.b64encode(b).decode("ascii"))
    conv.register_structure_hook(bytes, _structure_bytes)
    conv.register_unstructure_hook(uuid.UUID, str)
    conv.register_structure_hook(uuid.UUID, lambda v, _: uuid.UUID(str(v)))
    conv.register_unstructure_hook(enum.Enum, lambda e: e.value)
    return conv


#: The one converter every event (and every value object inside one) goes through.
converter: cattrs.Converter = _make_converter()


@attrs.frozen
class _Registration:
    name: str
    cls: type
    schema_version: int


class EventRegistry:
    """Maps stable type names to event classes and holds the upcasters of their old shapes."""

    def __init__(self) -> None:
        self._by_name: dict[str, _Registration] = {}
        self._by_class: dict[type, _Registration] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, name: str, *, schema_version: int = 1) -> Callable[[type[T]], type[T]]:
        """Class decorator: store instances of this attrs class under ``name``."""

        def decorate(cls: type[T]) -> type[T]:
            if not attrs.has(cls):
                raise TypeError(f"{cls.__name__} must be an attrs class to be an event")
            existing = self._by_name.get(name)
            # Re-registering the same class (a reloaded module) is fine; another class is not.
            if existing is not None and existing.cls.__qualname__ != cls.__qualname__:
                raise ValueError(f"event type {name!r} is already registered")
            reg = _Registration(name, cls, schema_version)
            self._by_name[name] = reg
            self._by_class[cls] = reg
            return cls  # type: ignore[return-value]

        return decorate

    def upcaster(self, name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Decorator: a function that turns data of ``name`` at ``from_version`` into the next."""

        def decorate(fn: Upcaster) -> Upcaster:
            self._upcasters[(name, from_version)] = fn
            return fn

        return decorate

    def name_of(self, event: object) -> tuple[str, int]:
        reg = self._by_class.get(type(event))
        if reg is None:
            raise UnknownEventTypeError(
                f"{type(event).__name__} is not a registered event type: decorate it with "
                "@event_type('name')"
            )
        return reg.name, reg.schema_version

    def encode(self, event: object) -> tuple[str, int, dict[str, Any]]:
        """The event's type name, schema version and JSON-ready data."""
        name, version = self.name_of(event)
        try:
            data = converter.unstructure(event)
        except SerializationError:
            raise
        except Exception as exc:  # a value cattrs cannot turn into JSON
            raise SerializationError(f"event {name!r} cannot be serialised: {exc}") from exc
        return name, version, data

    def decode(self, name: str, schema_version: int, data: dict[str, Any]) -> Any:
        """Rebuild the event from stored data, upcasting an old shape first."""
        reg = self._by_name.get(name)
        if reg is None:
            raise UnknownEventTypeError(f"no event class is registered under {name!r}")
        version = int(schema_version)
        while version < reg.schema_version:
            step = self._upcasters.get((name, version))
            if step is None:
                raise SerializationError(
                    f"event {name!r} at schema version {version} has no upcaster to "
                    f"version {version + 1}"
                )
            data = step(dict(data))
            version += 1
        if version > reg.schema_version:
            raise SerializationError(
                f"event {name!r} has schema version {version}, newer than this code's "
                f"{reg.schema_version}: upgrade the program"
            )
        return converter.structure(data, reg.cls)

    def known(self, name: str) -> bool:
        return name in self._by_name

    def names(self, prefix: str = "") -> frozenset[str]:
        """The registered type names that start with ``prefix``."""
        return frozenset(n for n in self._by_name if n.startswith(prefix))


#: The registry the store uses unless it is given another.
registry = EventRegistry()
event_type = registry.register
upcaster = registry.upcaster
