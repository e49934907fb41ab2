"""A payout's state, derived only by folding its events through explicit transitions.

Success is final: a later timeout, failure or duplicate is kept in the history and flagged, never
applied. A failure is overturned only by evidence that money moved (PayoutResolved), and then the
payout carries a critical flag.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

import attrs

from ledger.events import RecordedEvent
from ledger.payout_events import (
    CallbackDelivered,
    PayoutAccepted,
    PayoutNotSent,
    PayoutOutcomeUnknown,
    PayoutRejected,
    PayoutRequested,
    PayoutResolved,
    PayoutSubmissionStarted,
    ResultReceived,
    RetryRequested,
    TimeoutReceived,
)


class PayoutStatus(enum.StrEnum):
    REQUESTED = "requested"  # written, not (yet known to be) sent
    SUBMITTED = "submitted"  # Daraja accepted it; waiting for the result callback
    SUCCEEDED = "succeeded"  # final
    FAILED = "failed"  # Daraja reported a failure (overturned only by evidence of payment)
    TIMED_OUT = "timed_out"  # Daraja's queue timed out: outcome unknown
    REJECTED = "rejected"  # refused synchronously: nothing reached Daraja's queue (final)
    UNKNOWN = "unknown"  # read timeout or reply lost after sending: outcome unknown


#: States whose outcome is not known yet: the money may or may not have moved.
OPEN = frozenset(
    {PayoutStatus.REQUESTED, PayoutStatus.SUBMITTED, PayoutStatus.TIMED_OUT, PayoutStatus.UNKNOWN}
)
#: States a retry may start from: the failure is final and no money moved.
RETRYABLE = frozenset({PayoutStatus.FAILED, PayoutStatus.REJECTED})


class Flag(enum.StrEnum):
    """Things an operator should know about a payout; ``CRITICAL`` ones need a person."""

    DUPLICATE_DELIVERY = "duplicate_delivery"
    LATE_TIMEOUT_AFTER_SUCCESS = "late_timeout_after_success"
    RESULT_AFTER_SUCCESS = "result_after_success"
    RESULT_AFTER_FAILURE = "result_after_failure"
    SUCCESS_AFTER_FAILURE = "success_after_failure"
    CALLBACK_AFTER_REJECTION = "callback_after_rejection"
    LATE_RESULT = "late_result"
    AMOUNT_DIFFERS = "amount_differs"
    RESOLVED_BY_EVIDENCE = "resolved_by_evidence"
    FAILURE_OVERTURNED = "failure_overturned"
    NOT_SENT = "not_sent"
    #: A success without a readable whole-shilling amount or a receipt: check the statement.
    RESULT_INCOMPLETE = "result_incomplete"
    #: A second success with another receipt: Daraja may have paid twice.
    SECOND_RECEIPT = "second_receipt"


CRITICAL_FLAGS = frozenset(
    {
        Flag.SUCCESS_AFTER_FAILURE,
        Flag.CALLBACK_AFTER_REJECTION,
        Flag.FAILURE_OVERTURNED,
        Flag.AMOUNT_DIFFERS,
        Flag.RESULT_INCOMPLETE,
        Flag.SECOND_RECEIPT,
    }
)
#: Flags that say money may have moved: a payout carrying one is never retried automatically.
MONEY_MAY_HAVE_MOVED = frozenset(
    {Flag.SUCCESS_AFTER_FAILURE, Flag.CALLBACK_AFTER_REJECTION, Flag.FAILURE_OVERTURNED}
)


@attrs.frozen
class Payout:
    """The current state of one payout, as its events say."""

    originator_conversation_id: str
    status: PayoutStatus
    command_id: str
    amount: int
    party_a: str
    party_b: str
    remarks: str
    occasion: str | None
    requested_at: datetime
    updated_at: datetime
    version: int
    batch_id: str | None = None
    batch_line: int | None = None
    retry_of: str | None = None
    retries: tuple[str, ...] = ()
    callback_token_sha256: str | None = None
    conversation_id: str | None = None
    receipt: str | None = None
    transaction_id: str | None = None
    result_code: str | None = None
    result_desc: str | None = None
    paid_amount: int | None = None
    completed_at: datetime | None = None
    utility_account_funds: Decimal | None = None
    receiver_msisdn: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    unknown_reason: str | None = None
    resolved_by: str | None = None
    deliveries: int = 0
    flags: tuple[str, ...] = ()
    #: Receipts of further successes reported after the first (each a possible second payment).
    other_receipts: tuple[str, ...] = ()
    #: When a sender last started putting the request on the network, and for how long others
    #: must leave it alone (None once an outcome is recorded).
    submission_started_at: datetime | None = None
    submission_lease_seconds: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def critical(self) -> bool:
        return any(f in CRITICAL_FLAGS for f in self.flags)


def _flag(p: Payout, *flags: str) -> tuple[str, ...]:
    return p.flags + tuple(f for f in flags if f not in p.flags)


def _apply_result(p: Payout, e: ResultReceived) -> Payout:
    if p.status is PayoutStatus.SUCCEEDED:
        # Final: keep the success, remember what came after it.
        receipt = e.receipt or e.transaction_id
        if e.succeeded and receipt and receipt != p.receipt and receipt not in p.other_receipts:
            return attrs.evolve(
                p,
                other_receipts=(*p.other_receipts, receipt),
                flags=_flag(p, Flag.RESULT_AFTER_SUCCESS, Flag.SECOND_RECEIPT),
            )
        return attrs.evolve(p, flags=_flag(p, Flag.RESULT_AFTER_SUCCESS))
    if p.status is PayoutStatus.FAILED:
        extra = Flag.SUCCESS_AFTER_FAILURE if e.succeeded else Flag.RESULT_AFTER_FAILURE
        return attrs.evolve(p, flags=_flag(p, extra))
    if p.status is PayoutStatus.REJECTED:
        return attrs.evolve(p, flags=_flag(p, Flag.CALLBACK_AFTER_REJECTION))
    late = (Flag.LATE_RESULT,) if p.status is PayoutStatus.TIMED_OUT else ()
    p = attrs.evolve(
        p,
        conversation_id=e.conversation_id or p.conversation_id,
        transaction_id=e.transaction_id,
        result_code=e.result_code,
        result_desc=e.result_desc,
        flags=_flag(p, *late),
    )
    if not e.succeeded:
        return attrs.evolve(p, status=PayoutStatus.FAILED)
    differs = (Flag.AMOUNT_DIFFERS,) if e.amount is not None and e.amount != p.amount else ()
    if e.amount is None or not (e.receipt or e.transaction_id):
        differs = (*differs, Flag.RESULT_INCOMPLETE)
    return attrs.evolve(
        p,
        status=PayoutStatus.SUCCEEDED,
        receipt=e.receipt or e.transaction_id,
        paid_amount=e.amount,
        completed_at=e.completed_at,
        utility_account_funds=e.utility_account_funds,
        receiver_msisdn=e.receiver_msisdn,
        flags=_flag(p, *differs),
    )


def _apply_resolution(p: Payout, e: PayoutResolved) -> Payout:
    if e.outcome == "succeeded":
        if p.status is PayoutStatus.SUCCEEDED:
            return p
        overturned = p.status in (PayoutStatus.FAILED, PayoutStatus.REJECTED)
        flags = _flag(
            p, Flag.RESOLVED_BY_EVIDENCE, *((Flag.FAILURE_OVERTURNED,) if overturned else ())
        )
        return attrs.evolve(
            p,
            status=PayoutStatus.SUCCEEDED,
            receipt=e.receipt or p.receipt,
            paid_amount=e.amount if e.amount is not None else p.paid_amount,
            completed_at=e.completed_at or p.completed_at,
            resolved_by=e.source,
            flags=flags,
        )
    if p.status in OPEN:
        return attrs.evolve(
            p,
            status=PayoutStatus.FAILED,
            resolved_by=e.source,
            flags=_flag(p, Flag.RESOLVED_BY_EVIDENCE),
        )
    return p


def evolve(state: Payout | None, event: object, at: datetime, version: int) -> Payout | None:
    """The state after one more event. Unknown events leave the state as it is."""
    if isinstance(event, PayoutRequested):
        if state is not None:
            return attrs.evolve(state, version=version)
        return Payout(
            originator_conversation_id=event.originator_conversation_id,
            status=PayoutStatus.REQUESTED,
            command_id=event.command_id,
            amount=event.amount,
            party_a=event.party_a,
            party_b=event.party_b,
            remarks=event.remarks,
            occasion=event.occasion,
            requested_at=event.requested_at,
            updated_at=at,
            version=version,
            batch_id=event.batch_id,
            batch_line=event.batch_line,
            retry_of=event.retry_of,
            callback_token_sha256=event.callback_token_sha256,
        )
    if state is None:
        return None  # an event before the request cannot be folded into a payout
    p = attrs.evolve(state, updated_at=at, version=version)
    requested = p.status is PayoutStatus.REQUESTED
    if isinstance(event, PayoutSubmissionStarted):
        if not requested:
            return p
        return attrs.evolve(
            p, submission_started_at=event.at, submission_lease_seconds=event.lease_seconds
        )
    if isinstance(event, PayoutAccepted | PayoutRejected | PayoutOutcomeUnknown | PayoutNotSent):
        p = attrs.evolve(p, submission_started_at=None, submission_lease_seconds=0)
    if isinstance(event, PayoutAccepted | PayoutRejected | PayoutOutcomeUnknown) and requested:
        # It reached Daraja after all: an earlier "not sent" is history, not a current concern.
        p = attrs.evolve(p, flags=tuple(f for f in p.flags if f != Flag.NOT_SENT))
    if isinstance(event, PayoutAccepted):
        p = attrs.evolve(p, conversation_id=p.conversation_id or event.conversation_id)
        return attrs.evolve(p, status=PayoutStatus.SUBMITTED) if requested else p
    if isinstance(event, PayoutRejected):
        if not requested:
            return p
        return attrs.evolve(
            p,
            status=PayoutStatus.REJECTED,
            error_code=event.error_code,
            error_message=event.error_message,
        )
    if isinstance(event, PayoutOutcomeUnknown):
        if not requested:
            return p
        return attrs.evolve(p, status=PayoutStatus.UNKNOWN, unknown_reason=event.reason)
    if isinstance(event, PayoutNotSent):
        return attrs.evolve(p, flags=_flag(p, Flag.NOT_SENT)) if requested else p
    if isinstance(event, CallbackDelivered):
        p = attrs.evolve(p, deliveries=p.deliveries + 1)
        if event.verdict == "duplicate":
            return attrs.evolve(p, flags=_flag(p, Flag.DUPLICATE_DELIVERY))
        return p
    if isinstance(event, ResultReceived):
        return _apply_result(p, event)
    if isinstance(event, TimeoutReceived):
        if p.status is PayoutStatus.SUCCEEDED:
            return attrs.evolve(p, flags=_flag(p, Flag.LATE_TIMEOUT_AFTER_SUCCESS))
        if p.status in OPEN:
            return attrs.evolve(
                p,
                status=PayoutStatus.TIMED_OUT,
                conversation_id=p.conversation_id or event.conversation_id,
                result_code=event.result_code,
                result_desc=event.result_desc,
            )
        return p
    if isinstance(event, PayoutResolved):
        return _apply_resolution(p, event)
    if isinstance(event, RetryRequested):
        return attrs.evolve(p, retries=(*p.retries, event.retry_ocid))
    return p


def fold(events: Iterable[RecordedEvent]) -> Payout | None:
    """The payout's state from its whole stream (None when the stream holds no request)."""
    state: Payout | None = None
    for recorded in events:
        state = evolve(state, recorded.event, recorded.recorded_at, recorded.version)
    return state
