"""Callbacks that changed no payout and need a person: orphans (they name no payout we know),
unreadable bodies, and refused deliveries (forbidden caller, oversized, wrong token).

The daily report lists those received that day, so a callback that named nobody is surfaced,
never silently dropped. (Exact repeats of a callback are not listed again.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import attrs
import sqlalchemy as sa

from ledger import CallbackDelivered, EventStore, OrphanCallbackReceived, RecordedEvent
from ledger.schema import UTCDateTime

metadata = sa.MetaData()

callback_exceptions = sa.Table(
    "proj_callback_exceptions",
    metadata,
    sa.Column("delivery_id", sa.String(64), primary_key=True),
    sa.Column("received_at", UTCDateTime, nullable=False, index=True),
    sa.Column("route", sa.String(16), nullable=False),
    sa.Column("verdict", sa.String(32), nullable=False),
    sa.Column("stream_id", sa.String(255), nullable=False),
    sa.Column("source_ip", sa.String(64), nullable=True),
    sa.Column("ocid", sa.String(255), nullable=True),
    sa.Column("result_code", sa.String(32), nullable=True),
    sa.Column("receipt", sa.String(64), nullable=True),
    sa.Column("amount", sa.BigInteger, nullable=True),
    sa.Column("detail", sa.String(1000), nullable=True),
)

#: Verdicts of deliveries that changed no payout and were not a mere repeat.
LISTED = frozenset(
    {"orphan", "invalid_json", "invalid_payload", "forbidden", "too_large", "bad_token"}
)


@attrs.frozen
class CallbackException:
    delivery_id: str
    received_at: datetime
    route: str
    verdict: str
    stream_id: str
    source_ip: str | None
    ocid: str | None
    result_code: str | None
    receipt: str | None
    amount: int | None
    detail: str | None

    def to_dict(self, tz: Any) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["received_at"] = self.received_at.astimezone(tz).isoformat()
        return data


class CallbackExceptionsProjection:
    """proj_callback_exceptions: one row per delivery that changed no payout."""

    name = "callback_exceptions"
    version = "1"
    metadata = metadata
    event_types = frozenset({"payout.callback_delivered", "payout.orphan_callback"})

    def apply(self, conn: sa.Connection, events: Sequence[RecordedEvent]) -> None:
        rows: dict[str, dict[str, Any]] = {}
        summaries: list[OrphanCallbackReceived] = []
        for recorded in events:
            e = recorded.event
            if isinstance(e, CallbackDelivered) and e.verdict in LISTED:
                rows[e.delivery_id] = {
                    "delivery_id": e.delivery_id,
                    "received_at": e.received_at,
                    "route": e.route,
                    "verdict": e.verdict,
                    "stream_id": recorded.stream_id,
                    "source_ip": e.source_ip,
                    "ocid": None,
                    "result_code": None,
                    "receipt": None,
                    "amount": None,
                    "detail": (e.detail or "")[:1000] or None,
                }
            elif isinstance(e, OrphanCallbackReceived):
                summaries.append(e)
        for s in summaries:
            found = rows.get(s.delivery_id)
            values = {
                "ocid": s.originator_conversation_id,
                "result_code": s.result_code,
                "receipt": s.receipt,
                "amount": s.amount,
            }
            if found is not None:
                found.update(values)
            else:  # its delivery came in an earlier page
                conn.execute(
                    callback_exceptions.update()
                    .where(callback_exceptions.c.delivery_id == s.delivery_id)
                    .values(**values)
                )
        if rows:
            conn.execute(callback_exceptions.insert(), list(rows.values()))


def callback_exceptions_between(
    store: EventStore, start: datetime, end: datetime
) -> Iterator[CallbackException]:
    """The listed deliveries received in [start, end), oldest first."""
    c = callback_exceptions.c
    query = (
        sa.select(callback_exceptions)
        .where(c.received_at >= start, c.received_at < end)
        .order_by(c.received_at, c.delivery_id)
    )
    with store.engine.connect() as conn:
        for row in conn.execute(query):
            yield CallbackException(**row._asdict())
