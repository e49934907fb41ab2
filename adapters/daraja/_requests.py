"""The B2C payment request (Daraja ``/mpesa/b2c/v3/paymentrequest``) and its validation.

Fields use the product's parameter-table names; every rule is checked at construction and a
broken one raises ``DarajaValidationError`` naming the field and the rule.
"""

from __future__ import annotations

import enum
from typing import Any
from urllib.parse import urlsplit

import attrs

from ._environment import check_environment
from ._errors import DarajaValidationError
from ._model import Model
from ._money import DEFAULT_AMOUNT_LIMITS, AmountLimits, parse_whole_shillings
from ._phone import normalize_msisdn

__all__ = ["B2CCommandIDType", "B2CRequest"]

B2C_PAYMENT_PATH = "/mpesa/b2c/v3/paymentrequest"
MAX_TEXT = 100


class B2CCommandIDType(enum.StrEnum):
    """The kinds of B2C payment Daraja accepts."""

    SalaryPayment = "SalaryPayment"
    BusinessPayment = "BusinessPayment"
    PromotionPayment = "PromotionPayment"


def _command_id(value: object) -> B2CCommandIDType:
    if isinstance(value, B2CCommandIDType):
        return value
    if isinstance(value, str):
        for member in B2CCommandIDType:
            if member.value == value:  # exact spelling: "salarypayment" is a typo, not a choice
                return member
    choices = ", ".join(m.value for m in B2CCommandIDType)
    raise DarajaValidationError("CommandID", f"must be exactly one of {choices} (got {value!r})")


def _required_text(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DarajaValidationError(field, "must be a non-empty string")
    return value.strip()


def _ocid(value: object) -> str:
    return _required_text("OriginatorConversationID", value)


def _initiator(value: object) -> str:
    return _required_text("InitiatorName", value)


def _secret_text(value: object) -> str:
    # The value itself never appears in the message.
    if not isinstance(value, str) or not value.strip():
        raise DarajaValidationError("SecurityCredential", "must be a non-empty string")
    return value.strip()


def _remarks(value: object) -> str:
    if not isinstance(value, str):
        raise DarajaValidationError("Remarks", "must be a string of 2 to 100 characters")
    text = value.strip()
    if not 2 <= len(text) <= MAX_TEXT:
        raise DarajaValidationError("Remarks", f"must be 2 to 100 characters (got {len(text)})")
    return text


def _occasion(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise DarajaValidationError("Occasion", "must be a string of at most 100 characters")
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise DarajaValidationError("Occasion", f"must be at most 100 characters (got {len(text)})")
    return text or None


def _shortcode(value: object) -> str:
    rule = "must be the sending shortcode: 5 to 7 digits"
    if isinstance(value, bool):
        raise DarajaValidationError("PartyA", rule)
    text = str(value) if isinstance(value, int) else value
    if not isinstance(text, str):
        raise DarajaValidationError("PartyA", rule)
    text = text.strip()
    if not (text.isascii() and text.isdigit() and 5 <= len(text) <= 7) or text[0] == "0":
        raise DarajaValidationError("PartyA", rule + f" (got {value!r})")
    return text


def _party_b(value: object) -> str:
    return normalize_msisdn(value, field="PartyB")


def _url(field: str, value: object) -> str:
    rule = "must be an absolute http(s) URL"
    if not isinstance(value, str):
        raise DarajaValidationError(field, rule)
    text = value.strip()
    try:
        parts = urlsplit(text)
        hostname = parts.hostname
    except ValueError:
        raise DarajaValidationError(field, rule + " (it cannot be parsed)") from None
    # The value is not echoed: a callback URL's path may carry a per-payout secret token.
    if parts.scheme not in ("http", "https"):
        raise DarajaValidationError(field, rule + f" (scheme {parts.scheme or 'missing'!r})")
    if not hostname:
        raise DarajaValidationError(field, rule + " (no host)")
    if any(c.isspace() for c in text):
        raise DarajaValidationError(field, rule + " (it contains white space)")
    return text


def _queue_timeout_url(value: object) -> str:
    return _url("QueueTimeOutURL", value)


def _result_url(value: object) -> str:
    return _url("ResultURL", value)


def _mask(_: object) -> str:
    return "'***'"


def _amount_in_limits(instance: B2CRequest, _: attrs.Attribute[int], value: int) -> None:
    limits = instance.amount_limits
    if not limits.min_amount <= value <= limits.max_amount:
        raise DarajaValidationError(
            "Amount",
            f"must be between KES {limits.min_amount} and KES {limits.max_amount} "
            f"inclusive (got {value})",
        )


@attrs.frozen(kw_only=True)
class B2CRequest(Model):
    """A validated B2C payment request.

    ``PartyA`` is kept as a digit string and ``PartyB`` normalised to 12 digits; both go on the
    wire as JSON numbers. ``SecurityCredential`` is masked in ``repr``/``str``. The amount
    bounds come from ``amount_limits`` (default KES 10 to 250,000 inclusive).
    """

    OriginatorConversationID: str = attrs.field(converter=_ocid)
    InitiatorName: str = attrs.field(converter=_initiator)
    SecurityCredential: str = attrs.field(converter=_secret_text, repr=_mask)
    CommandID: B2CCommandIDType = attrs.field(converter=_command_id)
    Amount: int = attrs.field(converter=parse_whole_shillings, validator=_amount_in_limits)
    PartyA: str = attrs.field(converter=_shortcode)
    PartyB: str = attrs.field(converter=_party_b)
    Remarks: str = attrs.field(converter=_remarks)
    QueueTimeOutURL: str = attrs.field(converter=_queue_timeout_url)
    ResultURL: str = attrs.field(converter=_result_url)
    Occasion: str | None = attrs.field(default=None, converter=_occasion)
    amount_limits: AmountLimits = attrs.field(default=DEFAULT_AMOUNT_LIMITS, repr=False, eq=False)

    @classmethod
    def create(
        cls,
        *,
        originator_conversation_id: str,
        initiator_name: str,
        security_credential: str,
        command_id: B2CCommandIDType | str,
        amount: int | str | Any,
        party_a: int | str,
        party_b: int | str,
        remarks: str,
        queue_timeout_url: str,
        result_url: str,
        occasion: str | None = None,
        amount_limits: AmountLimits = DEFAULT_AMOUNT_LIMITS,
    ) -> B2CRequest:
        """Build a request from snake_case arguments (what ``client.b2c.send_payment`` takes)."""
        return cls(
            OriginatorConversationID=originator_conversation_id,
            InitiatorName=initiator_name,
            SecurityCredential=security_credential,
            CommandID=command_id,
            Amount=amount,
            PartyA=party_a,
            PartyB=party_b,
            Remarks=remarks,
            QueueTimeOutURL=queue_timeout_url,
            ResultURL=result_url,
            Occasion=occasion,
            amount_limits=amount_limits,
        )

    def check_environment(self, environment: str) -> None:
        """Raise ``DarajaValidationError`` if the request may not be sent to ``environment``.

        Production requires https callback URLs (Daraja would post results in clear text).
        """
        if check_environment(environment) == "production":
            for field, url in (
                ("QueueTimeOutURL", self.QueueTimeOutURL),
                ("ResultURL", self.ResultURL),
            ):
                if urlsplit(url).scheme != "https":
                    raise DarajaValidationError(field, "must use https in production")

    def to_wire(self) -> dict[str, Any]:
        """The JSON body with Daraja's v3 keys and types (``Occassion`` sent as "" when absent)."""
        return self.model_dump()
