"""The port through which the core validates and sends payouts. ``adapters.daraja`` implements it
with the SDK's request model and client; tests use an in-process fake."""

from __future__ import annotations

from typing import Protocol

import attrs

from ledger.errors import LedgerError


class PayoutValidationError(LedgerError, ValueError):
    """A payout instruction breaks a rule (names the field and the rule)."""

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"{field}: {rule}")


@attrs.frozen
class PayoutInstruction:
    """What an operator asks for, as typed: not yet validated or normalised."""

    originator_conversation_id: str
    command_id: str
    amount: object
    party_b: object
    remarks: str
    occasion: str | None = None
    party_a: str | None = None  # the gateway's shortcode when None


@attrs.frozen
class ValidPayout:
    """A payout that passed the gateway's rules, with its fields normalised."""

    originator_conversation_id: str
    command_id: str
    amount: int
    party_a: str
    party_b: str
    remarks: str
    occasion: str | None


@attrs.frozen
class Accepted:
    conversation_id: str
    response_code: str
    response_description: str


@attrs.frozen
class Rejected:
    http_status: int | None
    error_code: str | None
    error_message: str
    request_id: str | None


@attrs.frozen
class OutcomeUnknown:
    """The request may have been processed: never send it again under another id."""

    reason: str
    detail: str


@attrs.frozen
class NotSent:
    """Nothing left this machine (connect failure): sending again with the same id is safe."""

    reason: str


SubmitOutcome = Accepted | Rejected | OutcomeUnknown | NotSent


class PayoutGateway(Protocol):
    """Validates and submits payouts to the provider."""

    @property
    def initiator_name(self) -> str: ...

    def validate(self, instruction: PayoutInstruction) -> ValidPayout:
        """Normalise the instruction or raise PayoutValidationError."""
        ...

    def submit(self, payout: ValidPayout, result_url: str, queue_timeout_url: str) -> SubmitOutcome:
        """Send the payout once. Must not retry a request that may have been received."""
        ...
