"""The current state of every payout, one row each, kept up to date from the events.

Each row holds the queryable columns (status, amount, recipient, receipt, ...) and the whole
folded state, so the next event is applied to the row without reading the stream again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from ledger import EventStore, Payout, PayoutStatus, RecordedEvent, converter, registry
from ledger.payout import evolve
from ledger.schema import UTCDateTime

metadata = sa.MetaData()

payout_state = sa.Table(
    "proj_payout_state",
    metadata,
    sa.Column("ocid", sa.String(255), primary_key=True),
    sa.Column("status", sa.String(32), nullable=False, index=True),
    sa.Column("command_id", sa.String(32), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("party_a", sa.String(16), nullable=False),
    sa.Column("party_b", sa.String(16), nullable=False, index=True),
    sa.Column("batch_id", sa.String(255), nullable=True, index=True),
    sa.Column("retry_of", sa.String(255), nullable=True),
    sa.Column("conversation_id", sa.String(255), nullable=True),
    sa.Column("receipt", sa.String(64), nullable=True, index=True),
    sa.Column("result_code", sa.String(32), nullable=True),
    sa.Column("paid_amount", sa.BigInteger, nullable=True),
    sa.Column("completed_at", UTCDateTime, nullable=True),
    sa.Column("requested_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("deliveries", sa.Integer, nullable=False),
    sa.Column("flags", sa.String(1000), nullable=False),
    sa.Column("critical", sa.Boolean, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("state", sa.JSON, nullable=False),
)


def _columns(p: Payout) -> dict[str, Any]:
    return {
        "ocid": p.originator_conversation_id,
        "status": p.status.value,
        "command_id": p.command_id,
        "amount": p.amount,
        "party_a": p.party_a,
        "party_b": p.party_b,
        "batch_id": p.batch_id,
        "retry_of": p.retry_of,
        "conversation_id": p.conversation_id,
        "receipt": p.receipt,
        "result_code": p.result_code,
        "paid_amount": p.paid_amount,
        "completed_at": p.completed_at,
        "requested_at": p.requested_at,
        "updated_at": p.updated_at,
        "deliveries": p.deliveries,
        "flags": ",".join(p.flags),
        "critical": p.critical,
        "version": p.version,
        "state": _dump(p),
    }


def _dump(p: Payout) -> dict[str, Any]:
    data: dict[str, Any] = converter.unstructure(p)
    return data


def _load(data: dict[str, Any]) -> Payout:
    return converter.structure(data, Payout)


class PayoutStateProjection:
    """proj_payout_state: one row per payout."""

    name = "payout_state"
    version = "3"
    metadata = metadata
    event_types = registry.names("payout.")

    def apply(self, conn: sa.Connection, events: Sequence[RecordedEvent]) -> None:
        by_stream: dict[str, list[RecordedEvent]] = {}
        for e in events:
            if e.stream_id.startswith("payout-"):
                by_stream.setdefault(e.stream_id.removeprefix("payout-"), []).append(e)
        if not by_stream:
            return
        ocids = list(by_stream)
        current: dict[str, Payout] = {}
        for i in range(0, len(ocids), 500):
            chunk = ocids[i : i + 500]
            for ocid, state in conn.execute(
                sa.select(payout_state.c.ocid, payout_state.c.state).where(
                    payout_state.c.ocid.in_(chunk)
                )
            ):
                current[ocid] = _load(state)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for ocid, stream_events in by_stream.items():
            folded: Payout | None = current.get(ocid)
            for e in stream_events:
                folded = evolve(folded, e.event, e.recorded_at, e.version)
            if folded is None:
                continue
            (updates if ocid in current else inserts).append(_columns(folded))
        if inserts:
            conn.execute(payout_state.insert(), inserts)
        if updates:
            conn.execute(
                payout_state.update().where(payout_state.c.ocid == sa.bindparam("b_ocid")),
                [{**u, "b_ocid": u["ocid"]} for u in updates],
            )


def get_payout(conn: sa.Connection, ocid: str) -> Payout | None:
    row = conn.execute(sa.select(payout_state.c.state).where(payout_state.c.ocid == ocid)).scalar()
    return None if row is None else _load(row)


def list_payouts(
    store: EventStore,
    *,
    status: PayoutStatus | None = None,
    batch_id: str | None = None,
    limit: int | None = None,
) -> Iterator[Payout]:
    """Payouts from the projection, oldest request first."""
    query = sa.select(payout_state.c.state).order_by(
        payout_state.c.requested_at, payout_state.c.ocid
    )
    if status is not None:
        query = query.where(payout_state.c.status == status.value)
    if batch_id is not None:
        query = query.where(payout_state.c.batch_id == batch_id)
    if limit is not None:
        query = query.limit(limit)
    with store.engine.connect() as conn:
        for (state,) in conn.execute(query):
            yield _load(state)


def status_counts(store: EventStore) -> dict[str, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(payout_state.c.status, sa.func.count()).group_by(payout_state.c.status)
        ).all()
    return {str(s): int(n) for s, n in rows}
