"""A payout's audit history: every event and every delivery, in order, with what caused it.

Read straight from the payout's stream (and the streams of its retries), so it is exactly the
log: nothing summarised away. Each entry says what happened, when it was recorded, and what
caused it (the delivery and its caller's address, the command, the evidence).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import attrs

from ledger import (
    CallbackDelivered,
    EventStore,
    PayoutAccepted,
    PayoutNotSent,
    PayoutOutcomeUnknown,
    PayoutRejected,
    PayoutRequested,
    PayoutResolved,
    PayoutSubmissionStarted,
    RecordedEvent,
    ResultReceived,
    RetryRequested,
    TimeoutReceived,
    converter,
    payout_stream,
)


@attrs.frozen
class HistoryEntry:
    position: int
    stream_id: str
    version: int
    recorded_at: datetime
    event_type: str
    summary: str
    caused_by: str | None
    event_id: str
    data: dict[str, Any]


def _summary(event: object) -> tuple[str, str | None]:
    """A one-line description of the event, and who or what caused it."""
    if isinstance(event, PayoutRequested):
        who = f"batch {event.batch_id} line {event.batch_line}" if event.batch_id else "operator"
        if event.retry_of:
            who = f"retry of {event.retry_of}"
        return (
            f"requested {event.command_id} KES {event.amount} to {event.party_b} "
            f"by {event.initiator_name}",
            who,
        )
    if isinstance(event, PayoutAccepted):
        return f"accepted by Daraja, ConversationID {event.conversation_id}", "Daraja reply"
    if isinstance(event, PayoutRejected):
        return (
            f"rejected by Daraja: {event.error_code} {event.error_message} "
            f"(HTTP {event.http_status}, requestId {event.request_id})",
            "Daraja reply",
        )
    if isinstance(event, PayoutOutcomeUnknown):
        return f"outcome unknown: {event.reason} ({event.detail})", "sender"
    if isinstance(event, PayoutNotSent):
        return f"not sent: {event.reason}", "sender"
    if isinstance(event, CallbackDelivered):
        return (
            f"{event.route} callback delivery {event.delivery_id}: {event.verdict}"
            + (f" ({event.detail})" if event.detail else "")
            + f", {event.body_size} bytes",
            f"caller {event.source_ip or '?'} via {event.peer_ip or '?'}",
        )
    if isinstance(event, ResultReceived):
        outcome = "success" if event.succeeded else "failure"
        reference = event.receipt or event.transaction_id
        details = [
            (f"receipt {reference}" if event.succeeded else f"TransactionID {reference}")
            if reference
            else "",
            f"KES {event.amount}" if event.amount is not None else "",
            f"completed {event.completed_at_raw} (Nairobi)" if event.completed_at_raw else "",
        ]
        said = "; ".join(d for d in details if d)
        return (
            f"result {outcome} {event.result_code}: {event.result_desc or ''}"
            + (f"; {said}" if said else ""),
            f"delivery {event.delivery_id}",
        )
    if isinstance(event, PayoutSubmissionStarted):
        return (
            f"sending to Daraja (others leave it alone for {event.lease_seconds} s)",
            "sender",
        )
    if isinstance(event, TimeoutReceived):
        return (
            f"queue timeout {event.result_code}: {event.result_desc}",
            f"delivery {event.delivery_id}",
        )
    if isinstance(event, PayoutResolved):
        return (
            f"resolved {event.outcome} by {event.source}: receipt {event.receipt}, "
            f"amount {event.amount}" + (f" ({event.note})" if event.note else ""),
            f"evidence {event.evidence_key}",
        )
    if isinstance(event, RetryRequested):
        return f"retried as {event.retry_ocid}", "operator"
    return type(event).__name__, None


def _entry(e: RecordedEvent) -> HistoryEntry:
    summary, caused_by = _summary(e.event)
    data = converter.unstructure(e.event)
    if isinstance(e.event, CallbackDelivered):
        # The raw body stays in the store; the history shows it as text where it is text.
        data["body"] = e.event.body.decode("utf-8", errors="replace")
    return HistoryEntry(
        position=e.position,
        stream_id=e.stream_id,
        version=e.version,
        recorded_at=e.recorded_at,
        event_type=e.event_type,
        summary=summary,
        caused_by=caused_by or e.metadata.causation_id,
        event_id=str(e.event_id),
        data=data,
    )


def payout_history(store: EventStore, ocid: str) -> Iterator[HistoryEntry]:
    """The payout's events in order, followed by those of each of its retries."""
    retries: list[str] = []
    for e in store.iter_stream(payout_stream(ocid)):
        if isinstance(e.event, RetryRequested):
            retries.append(e.event.retry_ocid)
        yield _entry(e)
    for retry in retries:
        yield from payout_history(store, retry)
