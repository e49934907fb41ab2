"""An in-process fake of the payout gateway port, for testing the core without HTTP."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import attrs

from ledger import (
    Accepted,
    PayoutInstruction,
    PayoutValidationError,
    ResultReceived,
    SubmitOutcome,
    TimeoutReceived,
    ValidPayout,
)

NAIROBI = timezone(timedelta(hours=3))


@attrs.define
class FakeGateway:
    """Validates like the SDK (roughly) and answers what the test scripted, per OCID."""

    initiator_name: str = "api_initiator"
    shortcode: str = "600999"
    outcomes: dict[str, SubmitOutcome] = attrs.field(factory=dict)
    default: Callable[[ValidPayout], SubmitOutcome] | None = None
    submitted: list[tuple[ValidPayout, str, str]] = attrs.field(factory=list)
    #: Called just before each submit answers (to look at the store mid-command).
    on_submit: Callable[[ValidPayout], None] | None = None

    def validate(self, instruction: PayoutInstruction) -> ValidPayout:
        amount = instruction.amount
        if isinstance(amount, bool) or not isinstance(amount, int):
            if isinstance(amount, str) and amount.isdigit():
                amount = int(amount)
            else:
                raise PayoutValidationError("Amount", "must be whole shillings")
        if not 10 <= amount <= 250_000:
            raise PayoutValidationError("Amount", "must be between 10 and 250000")
        digits = re.sub(r"[\s-]", "", str(instruction.party_b)).lstrip("+")
        if digits.startswith("0"):
            digits = "254" + digits[1:]
        if not re.fullmatch(r"254[17]\d{8}", digits):
            raise PayoutValidationError("PartyB", "must be a Kenyan mobile number")
        if instruction.command_id not in ("SalaryPayment", "BusinessPayment", "PromotionPayment"):
            raise PayoutValidationError(
                "CommandID", "must be SalaryPayment, BusinessPayment or PromotionPayment"
            )
        return ValidPayout(
            instruction.originator_conversation_id,
            instruction.command_id,
            amount,
            instruction.party_a or self.shortcode,
            digits,
            instruction.remarks,
            instruction.occasion,
        )

    def submit(self, payout: ValidPayout, result_url: str, queue_timeout_url: str) -> SubmitOutcome:
        self.submitted.append((payout, result_url, queue_timeout_url))
        if self.on_submit is not None:
            self.on_submit(payout)
        ocid = payout.originator_conversation_id
        if ocid in self.outcomes:
            return self.outcomes[ocid]
        if self.default is not None:
            return self.default(payout)
        return Accepted(f"AG_{ocid}", "0", "Accept the service request successfully.")


def success(
    ocid: str, *, receipt: str = "SG60000AB1", amount: int = 1500, delivery: str = "d1"
) -> ResultReceived:
    return ResultReceived(
        delivery_id=delivery,
        result_code="0",
        result_desc="The service request is processed successfully.",
        conversation_id=f"AG_{ocid}",
        transaction_id=receipt,
        result_type=0,
        receipt=receipt,
        amount=amount,
        completed_at=datetime(2024, 7, 6, 22, 48, 52, tzinfo=NAIROBI).astimezone(UTC),
        completed_at_raw="06.07.2024 22:48:52",
        receiver_msisdn="254700000001",
    )


def failure(ocid: str, code: str = "2001", delivery: str = "d2") -> ResultReceived:
    return ResultReceived(
        delivery_id=delivery,
        result_code=code,
        result_desc="The initiator information is invalid.",
        conversation_id=f"AG_{ocid}",
        transaction_id="SG60000AB3",
        result_type=0,
    )


def timeout(ocid: str, delivery: str = "d3") -> TimeoutReceived:
    return TimeoutReceived(delivery, "1", "The service request timed out.", f"AG_{ocid}")
