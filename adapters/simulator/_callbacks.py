"""The bodies of the result and queue-timeout callbacks, shaped like Daraja's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._bank import BankTransaction
from ._scenarios import ResultCode

__all__ = ["failure_result", "success_result", "timeout_result"]

SUCCESS_DESCRIPTION = "The service request is processed successfully."
TIMEOUT_DESCRIPTION = "The service request timed out."
_REFERENCE_DATA = {
    "ReferenceItem": {
        "Key": "QueueTimeoutURL",
        "Value": "https://internalsandbox.safaricom.co.ke/mpesa/b2cresults/v1/submit",
    }
}


def _whole_or_cents(amount: Decimal) -> int | Decimal:
    # Daraja writes the amount as a whole number (1500), balances with cents (8959269.60).
    return int(amount) if amount == amount.to_integral_value() else amount


def success_result(transaction: BankTransaction, originator_conversation_id: str) -> dict[str, Any]:
    """A result callback for a payout that was made; ResultParameters wrapped as Daraja does."""
    parameters: list[tuple[str, Any]] = [
        ("TransactionAmount", _whole_or_cents(transaction.amount)),
        ("TransactionReceipt", transaction.receipt),
        ("ReceiverPartyPublicName", transaction.public_name),
        (
            "TransactionCompletedDateTime",
            transaction.completed_at.strftime("%d.%m.%Y %H:%M:%S"),
        ),
        ("B2CUtilityAccountAvailableFunds", transaction.utility_balance),
        ("B2CWorkingAccountAvailableFunds", transaction.working_balance),
        ("B2CRecipientIsRegisteredCustomer", "Y"),
        ("B2CChargesPaidAccountAvailableFunds", transaction.charges_paid_balance),
    ]
    return {
        "Result": {
            "ResultType": 0,
            "ResultCode": 0,
            "ResultDesc": SUCCESS_DESCRIPTION,
            "OriginatorConversationID": originator_conversation_id,
            "ConversationID": transaction.conversation_id,
            "TransactionID": transaction.receipt,
            "ResultParameters": {
                "ResultParameter": [{"Key": key, "Value": value} for key, value in parameters]
            },
            "ReferenceData": _REFERENCE_DATA,
        }
    }


def failure_result(
    *,
    originator_conversation_id: str,
    conversation_id: str,
    transaction_id: str,
    code: ResultCode,
    description: str,
) -> dict[str, Any]:
    """A result callback for a failed payout: no ResultParameters at all."""
    return {
        "Result": {
            "ResultType": 0,
            "ResultCode": code,
            "ResultDesc": description,
            "OriginatorConversationID": originator_conversation_id,
            "ConversationID": conversation_id,
            "TransactionID": transaction_id,
            "ReferenceData": _REFERENCE_DATA,
        }
    }


def timeout_result(*, originator_conversation_id: str, conversation_id: str) -> dict[str, Any]:
    """A queue-timeout callback; Safaricom publishes no sample, so it mirrors the result's."""
    return {
        "Result": {
            "ResultType": 1,
            "ResultCode": 1,
            "ResultDesc": TIMEOUT_DESCRIPTION,
            "OriginatorConversationID": originator_conversation_id,
            "ConversationID": conversation_id,
        }
    }
