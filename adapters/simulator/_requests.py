"""Validation of the B2C v3 payment request, field by field, as Daraja answers it.

The simulator plays an external system, so it checks wire bodies on its own terms and does not
share a request model with the SDK under test.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import attrs

from ._errors import SimulatorError

__all__ = ["COMMAND_IDS", "InvalidField", "PaymentRequest", "parse_payment_request"]

COMMAND_IDS = frozenset({"SalaryPayment", "BusinessPayment", "PromotionPayment"})
_MSISDN = re.compile(r"254[17]\d{8}")
_DIGITS = re.compile(r"[0-9]+")


class InvalidField(SimulatorError):
    """A request field broke a rule; `field` is the wire key Daraja names in its error."""

    def __init__(self, field: str) -> None:
        super().__init__(f"Bad Request - Invalid {field}")
        self.field = field


@attrs.frozen
class PaymentRequest:
    """A payment request that passed validation, with party numbers as digit strings."""

    originator_conversation_id: str
    initiator_name: str
    security_credential: str = attrs.field(repr=False)
    command_id: str
    amount: Decimal
    party_a: str
    party_b: str
    remarks: str
    queue_timeout_url: str
    result_url: str
    occasion: str | None


def _text(body: dict[str, Any], key: str, *, allow_empty: bool = False) -> str:
    value = body.get(key)
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise InvalidField(key)
    return value


def _number_text(value: object) -> str | None:
    """A JSON number or a digit string as digits; None for anything else (booleans too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return value
    return None


def _amount(value: object) -> Decimal:
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        amount = value.to_integral_value()
    else:
        digits = _number_text(value)
        if digits is None:
            raise InvalidField("Amount")
        amount = Decimal(digits)
    if amount <= 0:
        raise InvalidField("Amount")
    return amount


def _url(body: dict[str, Any], key: str) -> str:
    value = _text(body, key)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidField(key)
    return value


def parse_payment_request(raw: bytes, shortcode: str) -> PaymentRequest:
    """Parse and check a request body; raise `InvalidField` naming the first bad field."""
    try:
        body = json.loads(raw, parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidField("JSON") from exc
    if not isinstance(body, dict):
        raise InvalidField("JSON")
    originator_conversation_id = _text(body, "OriginatorConversationID")
    initiator_name = _text(body, "InitiatorName")
    security_credential = _text(body, "SecurityCredential")
    command_id = body.get("CommandID")
    if command_id not in COMMAND_IDS:
        raise InvalidField("CommandID")
    amount = _amount(body.get("Amount"))
    party_a = _number_text(body.get("PartyA"))
    if party_a != shortcode:
        raise InvalidField("PartyA")
    party_b = _number_text(body.get("PartyB"))
    if party_b is None or not _MSISDN.fullmatch(party_b):
        raise InvalidField("PartyB")
    remarks = _text(body, "Remarks", allow_empty=True)
    if len(remarks) > 100:
        raise InvalidField("Remarks")
    queue_timeout_url = _url(body, "QueueTimeOutURL")
    result_url = _url(body, "ResultURL")
    occasion = body.get("Occassion")
    if occasion is not None and (not isinstance(occasion, str) or len(occasion) > 100):
        raise InvalidField("Occassion")
    return PaymentRequest(
        originator_conversation_id=originator_conversation_id,
        initiator_name=initiator_name,
        security_credential=security_credential,
        command_id=str(command_id),
        amount=amount,
        party_a=party_a,
        party_b=party_b,
        remarks=remarks,
        queue_timeout_url=queue_timeout_url,
        result_url=result_url,
        occasion=occasion,
    )
