"""Turning a callback body into the ledger's normalised result or timeout (the SDK's schemas)."""

from __future__ import annotations

from decimal import Decimal

import attrs

from adapters.daraja import B2CResultCallback, B2CTimeoutCallback, DarajaValidationError
from ledger import ResultReceived, TimeoutReceived


@attrs.frozen
class ParseFailure:
    verdict: str  # "invalid_json" or "invalid_payload"
    detail: str


def _whole_shillings(value: int | Decimal | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else None


def parse_result(body: bytes, delivery_id: str) -> tuple[str, ResultReceived] | ParseFailure:
    try:
        callback = B2CResultCallback.from_json(body)
    except DarajaValidationError as exc:
        return ParseFailure(
            "invalid_json" if exc.field == "<body>" else "invalid_payload", str(exc)
        )
    r = callback.Result
    if not r.result_code.strip():
        return ParseFailure("invalid_payload", "Result.ResultCode: is blank")
    completed = r.transaction_completed_datetime
    return r.OriginatorConversationID, ResultReceived(
        delivery_id=delivery_id,
        result_code=r.result_code,
        result_desc=r.ResultDesc,
        conversation_id=r.ConversationID,
        transaction_id=r.TransactionID,
        result_type=int(str(r.ResultType)) if str(r.ResultType or "").isdigit() else None,
        receipt=r.transaction_receipt,
        amount=_whole_shillings(r.transaction_amount),
        completed_at=completed,
        completed_at_raw=r.transaction_completed_datetime_raw,
        receiver_party_public_name=r.receiver_party_public_name,
        receiver_msisdn=r.receiver_msisdn,
        utility_account_funds=r.utility_account_available_funds,
        working_account_funds=r.working_account_available_funds,
        charges_paid_account_funds=r.charges_paid_account_available_funds,
        recipient_registered=r.recipient_is_registered,
    )


def parse_timeout(body: bytes, delivery_id: str) -> tuple[str, TimeoutReceived] | ParseFailure:
    try:
        callback = B2CTimeoutCallback.from_json(body)
    except DarajaValidationError as exc:
        return ParseFailure(
            "invalid_json" if exc.field == "<body>" else "invalid_payload", str(exc)
        )
    r = callback.Result
    return r.OriginatorConversationID, TimeoutReceived(
        delivery_id=delivery_id,
        result_code=r.result_code or None,
        result_desc=r.ResultDesc,
        conversation_id=r.ConversationID,
    )
