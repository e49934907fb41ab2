"""Result and timeout callbacks Daraja posts to ResultURL / QueueTimeOutURL, and their acks.

Parsing is strict about what identifies a callback (``Result.OriginatorConversationID``, the
type of ``Result.ResultCode``) and lenient about everything else: ``ResultParameters`` and
``ReferenceData`` may come wrapped, unwrapped, as a single item or not at all, and a malformed
parameter value makes its helper return None rather than failing the callback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from ._errors import DarajaValidationError
from ._model import Model
from ._money import to_cents, to_decimal
from ._result_codes import is_success_code, normalise_code

__all__ = [
    "KENYA_TZ",
    "B2CResult",
    "B2CResultCallback",
    "B2CResultCallbackResponse",
    "B2CTimeoutCallback",
    "B2CTimeoutCallbackResponse",
    "B2CTimeoutResult",
    "ReferenceItem",
    "ResultParameter",
]

KENYA_TZ = timezone(timedelta(hours=3), "EAT")
_DATETIME_FORMAT = "%d.%m.%Y %H:%M:%S"  # day first, Kenyan wall-clock time, no zone on the wire
_LEADING_MSISDN = re.compile(r"\s*([0-9]{12})(?![0-9])")


@attrs.frozen
class ResultParameter:
    """One Key/Value pair of ``ResultParameters``; ``Value`` may be missing (None)."""

    Key: str
    Value: Any = None


@attrs.frozen
class ReferenceItem:
    """One Key/Value pair of ``ReferenceData``."""

    Key: str
    Value: Any = None


def _index(parameters: tuple[ResultParameter, ...]) -> Mapping[str, Any]:
    # First occurrence wins: a repeated key is more likely noise than a correction.
    cache: dict[str, Any] = {}
    for item in parameters:
        cache.setdefault(item.Key, item.Value)
    return MappingProxyType(cache)


class _ResultHelpers:
    """Typed views over the Key/Value pairs, shared by results and timeouts."""

    __slots__ = ()

    @property
    def parameters(self) -> Mapping[str, Any]:
        """The ResultParameters as a read-only dict (cached at construction)."""
        cache: Mapping[str, Any] = getattr(self, "_parameters")  # noqa: B009
        return cache

    def parameter(self, key: str) -> Any:
        """The raw Value of one parameter, or None."""
        return self.parameters.get(key)

    @property
    def transaction_amount(self) -> int | Decimal | None:
        """TransactionAmount: int shillings when whole, else an exact Decimal; never float."""
        amount = to_decimal(self.parameter("TransactionAmount"))
        if amount is None:
            return None
        return int(amount) if amount == amount.to_integral_value() else amount

    @property
    def transaction_receipt(self) -> str | None:
        """TransactionReceipt (the M-Pesa receipt, e.g. SG60000AB1)."""
        return _text(self.parameter("TransactionReceipt"))

    @property
    def receiver_party_public_name(self) -> str | None:
        """ReceiverPartyPublicName, e.g. "254700000001 - JANE DOE"."""
        return _text(self.parameter("ReceiverPartyPublicName"))

    @property
    def receiver_msisdn(self) -> str | None:
        """The leading 12-digit number of ReceiverPartyPublicName, or None."""
        name = self.receiver_party_public_name
        match = _LEADING_MSISDN.match(name) if name is not None else None
        return match.group(1) if match else None

    @property
    def transaction_completed_datetime_raw(self) -> str | None:
        """TransactionCompletedDateTime exactly as sent."""
        return _text(self.parameter("TransactionCompletedDateTime"))

    @property
    def transaction_completed_datetime(self) -> datetime | None:
        """TransactionCompletedDateTime as an aware datetime in Kenyan time; None if unparseable."""
        raw = self.transaction_completed_datetime_raw
        if raw is None:
            return None
        try:
            return datetime.strptime(raw.strip(), _DATETIME_FORMAT).replace(tzinfo=KENYA_TZ)
        except ValueError:
            return None

    @property
    def utility_account_available_funds(self) -> Decimal | None:
        """B2CUtilityAccountAvailableFunds, exact to the cent (may be negative)."""
        return to_cents(self.parameter("B2CUtilityAccountAvailableFunds"))

    @property
    def working_account_available_funds(self) -> Decimal | None:
        """B2CWorkingAccountAvailableFunds, exact to the cent (may be negative)."""
        return to_cents(self.parameter("B2CWorkingAccountAvailableFunds"))

    @property
    def charges_paid_account_available_funds(self) -> Decimal | None:
        """B2CChargesPaidAccountAvailableFunds, exact to the cent (may be negative)."""
        return to_cents(self.parameter("B2CChargesPaidAccountAvailableFunds"))

    @property
    def recipient_is_registered(self) -> bool | None:
        """B2CRecipientIsRegisteredCustomer: True for 'Y', False for 'N', None otherwise."""
        value = self.parameter("B2CRecipientIsRegisteredCustomer")
        if value == "Y":
            return True
        if value == "N":
            return False
        return None


def _text(value: object) -> str | None:
    if value is None or isinstance(value, bool | dict | list):
        return None
    return str(value)


def _set_cache(instance: Any) -> None:
    object.__setattr__(instance, "_parameters", _index(instance.ResultParameters))


@attrs.frozen(kw_only=True)
class B2CResult(_ResultHelpers):
    """The ``Result`` object of a result callback."""

    OriginatorConversationID: str
    ResultCode: int | str
    ResultDesc: str | None = None
    ResultType: int | str | None = None
    ConversationID: str | None = None
    TransactionID: str | None = None
    ResultParameters: tuple[ResultParameter, ...] = ()
    ReferenceData: tuple[ReferenceItem, ...] = ()
    _parameters: Mapping[str, Any] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        _set_cache(self)

    @property
    def result_code(self) -> str:
        """ResultCode normalised to a string ("0", "2001", "SFC_IC0003")."""
        return normalise_code(self.ResultCode)

    def is_successful(self) -> bool:
        """True for ResultCode 0, "0" or an all-zero string."""
        return is_success_code(self.ResultCode)


@attrs.frozen(kw_only=True)
class B2CResultCallback(Model):
    """The body Daraja posts to ResultURL."""

    Result: B2CResult

    def is_successful(self) -> bool:
        """True when the payout succeeded (see ``B2CResult.is_successful``)."""
        return self.Result.is_successful()


@attrs.frozen(kw_only=True)
class B2CTimeoutResult(_ResultHelpers):
    """The ``Result`` of a queue-timeout callback. Only OriginatorConversationID is required:
    Safaricom publishes no sample, so everything else is optional and unknown keys are ignored."""

    OriginatorConversationID: str
    ConversationID: str | None = None
    ResultCode: int | str | None = None
    ResultDesc: str | None = None
    ResultType: int | str | None = None
    TransactionID: str | None = None
    ResultParameters: tuple[ResultParameter, ...] = ()
    ReferenceData: tuple[ReferenceItem, ...] = ()
    _parameters: Mapping[str, Any] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        _set_cache(self)

    @property
    def result_code(self) -> str:
        """ResultCode normalised to a string ("" when absent)."""
        return normalise_code(self.ResultCode)


@attrs.frozen(kw_only=True)
class B2CTimeoutCallback(Model):
    """The body Daraja posts to QueueTimeOutURL (a bare ``Result`` object is accepted too)."""

    Result: B2CTimeoutResult


def _ack_code(_: object, __: object, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise DarajaValidationError("ResultCode", "must be an int or a str (0 accepts)")


def _ack_desc(_: object, __: object, value: object) -> None:
    if not isinstance(value, str):
        raise DarajaValidationError("ResultDesc", "must be a string")


@attrs.frozen
class B2CResultCallbackResponse(Model):
    """The acknowledgement a ResultURL returns: ``ResultCode`` 0 accepts, anything else rejects."""

    ResultCode: int | str = attrs.field(default=0, validator=_ack_code)
    ResultDesc: str = attrs.field(default="Accepted", validator=_ack_desc)


@attrs.frozen
class B2CTimeoutCallbackResponse(B2CResultCallbackResponse):
    """The acknowledgement a QueueTimeOutURL returns (same shape as the result ack)."""
