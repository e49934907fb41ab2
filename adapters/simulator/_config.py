"""The simulator's configuration: one frozen, typed object."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import attrs

from ._tariff import DEFAULT_TARIFF, Tariff

__all__ = ["KENYA_TZ", "SimulatorConfig", "system_clock"]

# Kenya keeps UTC+03:00 all year (no daylight saving), so a fixed offset is exact.
KENYA_TZ = timezone(timedelta(hours=3), "EAT")


def system_clock() -> datetime:
    """The real time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def _to_decimal(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value!r}")


@attrs.frozen(kw_only=True)
class SimulatorConfig:
    """Everything that shapes a simulator run; the defaults suit tests and local demos.

    Delays are in seconds of real time; `clock` gives the business time (stamped on receipts,
    callbacks and statements) and must return timezone-aware datetimes.
    """

    consumer_key: str = "sim-consumer-key"
    consumer_secret: str = "sim-consumer-secret"  # noqa: S105 - a well-known local default
    shortcode: str = "600999"
    organisation_name: str = "EXAMPLE PAYROLL LTD"
    # None accepts any initiator; a name makes every other one fail with result code 2001.
    initiator_name: str | None = None
    opening_balance: Decimal = attrs.field(default=Decimal("10000000.00"), converter=_to_decimal)
    working_account_balance: Decimal = attrs.field(default=Decimal("0.00"), converter=_to_decimal)
    charges_paid_account_balance: Decimal = attrs.field(
        default=Decimal("0.00"), converter=_to_decimal
    )
    min_amount: int = 10
    max_amount: int = 250_000
    tariff: Tariff = DEFAULT_TARIFF
    callback_delay: float = attrs.field(default=0.05, validator=_non_negative)
    late_result_delay: float = attrs.field(default=0.05, validator=_non_negative)
    slow_reply_delay: float = attrs.field(default=2.0, validator=_non_negative)
    redelivery_attempts: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    redelivery_backoff: float = attrs.field(default=0.05, validator=_non_negative)
    delivery_timeout: float = 5.0
    token_lifetime: int = attrs.field(default=3599, validator=attrs.validators.gt(0))
    seed: int = 0
    clock: Callable[[], datetime] = system_clock
