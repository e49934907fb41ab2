"""Recording callback deliveries: every delivery is stored before it is acknowledged, in the same
transaction as the transition it causes; an exact repeat changes nothing.

The delivery key (route, OriginatorConversationID, ConversationID, ResultCode, TransactionID) is
the append's idempotency key, so two receivers racing with the same delivery cannot both apply
it: the database's unique index lets one win, and the other records a repeat.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

import attrs

from ledger.callback_urls import token_matches
from ledger.errors import ConcurrencyError, DuplicateIdempotencyKeyError
from ledger.events import NewEvent
from ledger.payout import Payout, fold
from ledger.payout_events import (
    CallbackDelivered,
    OrphanCallbackReceived,
    ResultReceived,
    TimeoutReceived,
    payout_stream,
)
from ledger.store import EventStore

Route = Literal["result", "timeout"]
#: Verdicts of deliveries refused before their content was trusted or read.
REFUSED_VERDICTS = frozenset({"forbidden", "too_large", "bad_token"})
_MAX_RACES = 20


@attrs.frozen
class RawDelivery:
    """One HTTP delivery as it reached the receiver."""

    delivery_id: str
    route: str
    body: bytes
    body_size: int
    truncated: bool
    received_at: datetime
    source_ip: str | None = None
    peer_ip: str | None = None
    headers: dict[str, str] = attrs.field(factory=dict)
    token: str | None = attrs.field(default=None, repr=False)

    @property
    def body_sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@attrs.frozen
class DeliveryOutcome:
    """What recording a delivery did: its verdict, where it went, the payout's state after."""

    verdict: str
    stream_id: str
    payout: Payout | None = None
    detail: str | None = None

    @property
    def acknowledge(self) -> bool:
        """Whether the sender should be told it was received (2xx with ResultCode 0)."""
        return self.verdict in ("accepted", "duplicate", "orphan", "ignored")


Parsed = ResultReceived | TimeoutReceived


def delivery_key(route: str, ocid: str, parsed: Parsed, body_sha256: str) -> str:
    """The key that makes two deliveries the same delivery."""
    if isinstance(parsed, ResultReceived):
        parts = [parsed.conversation_id, parsed.result_code, parsed.transaction_id]
    else:
        parts = [parsed.conversation_id, parsed.result_code]
    if all(p in (None, "") for p in parts):
        parts = [body_sha256]
    return "delivery:" + "|".join([route, ocid, *[p or "" for p in parts]])


def _delivered(raw: RawDelivery, verdict: str, detail: str | None, key: str | None) -> NewEvent:
    return NewEvent(
        CallbackDelivered(
            delivery_id=raw.delivery_id,
            route=raw.route,
            body=raw.body,
            body_size=raw.body_size,
            body_sha256=raw.body_sha256,
            truncated=raw.truncated,
            source_ip=raw.source_ip,
            peer_ip=raw.peer_ip,
            headers=dict(raw.headers),
            received_at=raw.received_at,
            verdict=verdict,
            detail=detail,
            delivery_key=key,
        ),
        causation_id=raw.delivery_id,
    )


def record_refused(
    store: EventStore, raw: RawDelivery, verdict: str, detail: str
) -> DeliveryOutcome:
    """Keep a delivery we refused (forbidden caller, oversized body) for the audit trail."""
    stream = f"refused-{raw.body_sha256[:32]}"
    store.append(stream, [_delivered(raw, verdict, detail, None)])
    return DeliveryOutcome(verdict, stream, detail=detail)


def record_unparseable(
    store: EventStore, raw: RawDelivery, verdict: str, detail: str
) -> DeliveryOutcome:
    """Keep a delivery we could not read (bad JSON, unknown shape) as an orphan of its own."""
    stream = f"orphan-{raw.body_sha256[:32]}"
    store.append(stream, [_delivered(raw, verdict, detail, None)])
    return DeliveryOutcome(verdict, stream, detail=detail)


def record_callback(
    store: EventStore, raw: RawDelivery, ocid: str, parsed: Parsed
) -> DeliveryOutcome:
    """Record a parsed result or timeout callback and apply it to its payout, exactly once."""
    key = delivery_key(raw.route, ocid, parsed, raw.body_sha256)
    stream = payout_stream(ocid)
    for _ in range(_MAX_RACES):
        history = store.read_stream(stream)
        payout = fold(history)
        if payout is None:
            return _record_orphan(store, raw, ocid, parsed, key)
        if not token_matches(raw.token, payout.callback_token_sha256):
            detail = "the callback URL's token does not match this payout's"
            return record_refused(store, raw, "bad_token", detail)
        version = history[-1].version
        try:
            with store.transaction() as tx:
                try:
                    tx.append(
                        stream,
                        [
                            _delivered(raw, "accepted", None, key),
                            NewEvent(parsed, causation_id=raw.delivery_id, correlation_id=ocid),
                        ],
                        expected_version=version,
                        idempotency_key=key,
                    )
                    verdict = "accepted"
                except DuplicateIdempotencyKeyError:
                    # Seen before: record that it came again, change nothing else.
                    tx.append(
                        stream,
                        [_delivered(raw, "duplicate", "same delivery key as an earlier one", key)],
                        expected_version=version,
                    )
                    verdict = "duplicate"
        except ConcurrencyError:
            continue  # another delivery for this payout committed first: read again
        return DeliveryOutcome(verdict, stream, fold(store.iter_stream(stream)))
    raise ConcurrencyError(stream, "a quiet stream", -1)


def _record_orphan(
    store: EventStore, raw: RawDelivery, ocid: str, parsed: Parsed, key: str
) -> DeliveryOutcome:
    stream = f"orphan-{ocid}"
    summary = OrphanCallbackReceived(
        delivery_id=raw.delivery_id,
        route=raw.route,
        originator_conversation_id=ocid,
        result_code=parsed.result_code,
        receipt=(parsed.receipt or parsed.transaction_id)
        if isinstance(parsed, ResultReceived)
        else None,
        amount=parsed.amount if isinstance(parsed, ResultReceived) else None,
        completed_at=parsed.completed_at if isinstance(parsed, ResultReceived) else None,
        receiver_msisdn=parsed.receiver_msisdn if isinstance(parsed, ResultReceived) else None,
    )
    detail = "no payout has this OriginatorConversationID"
    with store.transaction() as tx:
        try:
            tx.append(
                stream,
                [
                    _delivered(raw, "orphan", detail, key),
                    NewEvent(summary, causation_id=raw.delivery_id),
                    NewEvent(parsed, causation_id=raw.delivery_id),
                ],
                idempotency_key=key,
            )
            verdict = "orphan"
        except DuplicateIdempotencyKeyError:
            detail = "repeat of an orphan callback"
            tx.append(stream, [_delivered(raw, "duplicate", detail, key)])
            verdict = "duplicate"
    return DeliveryOutcome(verdict, stream, detail=detail)
