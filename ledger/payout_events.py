"""The payout's events: commands, what Daraja answered, every callback delivery, resolutions.

Streams: ``payout-<OriginatorConversationID>`` for everything about one payout;
``orphan-<id>`` for callbacks that name no payout we know (one stream per orphan, never one hot
stream); ``refused-<body hash>`` for deliveries refused before they were trusted (forbidden caller,
oversized body). No event carries a secret: callback URLs are stored redacted, with a token hash.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

from ledger.serialization import event_type


def payout_stream(ocid: str) -> str:
    """The stream of one payout, keyed by its OriginatorConversationID."""
    return f"payout-{ocid}"


@event_type("payout.requested")
@attrs.frozen
class PayoutRequested:
    """An operator asked to pay; written before anything goes on the network."""

    originator_conversation_id: str
    command_id: str
    amount: int
    party_a: str
    party_b: str
    remarks: str
    occasion: str | None
    initiator_name: str
    result_url: str
    queue_timeout_url: str
    requested_at: datetime
    callback_token_sha256: str | None = None
    batch_id: str | None = None
    batch_line: int | None = None
    retry_of: str | None = None


@event_type("payout.submission_started")
@attrs.frozen
class PayoutSubmissionStarted:
    """A sender is about to put the request on the network (a lease: others must not send it
    too until it expires; an outcome event ends it)."""

    at: datetime
    lease_seconds: int


@event_type("payout.accepted")
@attrs.frozen
class PayoutAccepted:
    """Daraja queued the payment (synchronous ResponseCode 0); the result comes by callback."""

    conversation_id: str
    response_code: str
    response_description: str
    at: datetime


@event_type("payout.rejected")
@attrs.frozen
class PayoutRejected:
    """Daraja refused the request synchronously: nothing reached its payment queue."""

    http_status: int | None
    error_code: str | None
    error_message: str
    request_id: str | None
    at: datetime


@event_type("payout.outcome_unknown")
@attrs.frozen
class PayoutOutcomeUnknown:
    """The request may have reached Daraja but we do not know (read timeout, reply lost)."""

    reason: str
    detail: str
    at: datetime


@event_type("payout.not_sent")
@attrs.frozen
class PayoutNotSent:
    """The request could not be sent at all (connect failure): safe to send again, same id."""

    reason: str
    at: datetime


@event_type("payout.callback_delivered")
@attrs.frozen
class CallbackDelivered:
    """One HTTP delivery to a webhook, kept exactly as received (body bytes, size-limited)."""

    delivery_id: str
    route: str
    body: bytes
    body_size: int
    body_sha256: str
    truncated: bool
    source_ip: str | None
    peer_ip: str | None
    headers: dict[str, str]
    received_at: datetime
    verdict: str
    detail: str | None = None
    delivery_key: str | None = None


@event_type("payout.result_received")
@attrs.frozen
class ResultReceived:
    """A result callback, normalised (amount in shillings, times aware, balances Decimal)."""

    delivery_id: str
    result_code: str
    result_desc: str | None
    conversation_id: str | None
    transaction_id: str | None
    result_type: int | None = None
    receipt: str | None = None
    amount: int | None = None
    completed_at: datetime | None = None
    completed_at_raw: str | None = None
    receiver_party_public_name: str | None = None
    receiver_msisdn: str | None = None
    utility_account_funds: Decimal | None = None
    working_account_funds: Decimal | None = None
    charges_paid_account_funds: Decimal | None = None
    recipient_registered: bool | None = None

    @property
    def succeeded(self) -> bool:
        return self.result_code.strip() != "" and set(self.result_code.strip()) == {"0"}


@event_type("payout.timeout_received")
@attrs.frozen
class TimeoutReceived:
    """Daraja's queue-timeout callback: the outcome is still unknown, not a failure."""

    delivery_id: str
    result_code: str | None
    result_desc: str | None
    conversation_id: str | None


@event_type("payout.orphan_callback")
@attrs.frozen
class OrphanCallbackReceived:
    """A callback that names no payout we know (or none at all); reconciliation surfaces it."""

    delivery_id: str
    route: str
    originator_conversation_id: str | None
    result_code: str | None
    receipt: str | None = None
    amount: int | None = None
    completed_at: datetime | None = None
    receiver_msisdn: str | None = None


@event_type("payout.resolved")
@attrs.frozen
class PayoutResolved:
    """The outcome was established from evidence (a statement line, a status query)."""

    outcome: str  # "succeeded" or "failed"
    source: str  # "statement" or "status_query"
    at: datetime
    receipt: str | None = None
    amount: int | None = None
    completed_at: datetime | None = None
    evidence_key: str | None = None
    note: str | None = None


@event_type("payout.retry_requested")
@attrs.frozen
class RetryRequested:
    """A payout whose failure is final was sent again as a new, linked payout."""

    retry_ocid: str
    at: datetime
