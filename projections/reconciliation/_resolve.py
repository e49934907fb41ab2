"""Resolving payouts from statement evidence: a line that pays a payout the ledger has no receipt
for (timed out, outcome unknown, still submitted) or that a failed payout's receipt names.

Matching by recipient and amount is fuzzy, so it is decided here once and recorded as a
PayoutResolved event (evidence_key = the line's key); the report is then built from the
projections alone and is the same on every run. A line resolves at most one payout, ever: the
resolution's idempotency key is the line's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import attrs
import sqlalchemy as sa

from ledger import (
    ConcurrencyError,
    DuplicateIdempotencyKeyError,
    EventStore,
    NewEvent,
    PayoutResolved,
    PayoutStatus,
    payout_stream,
)
from projections.payouts import payout_state
from projections.reconciliation._items import money
from projections.reconciliation._tables import payout_receipts, statement_lines

OPEN_STATUSES = tuple(
    s.value
    for s in (
        PayoutStatus.REQUESTED,
        PayoutStatus.SUBMITTED,
        PayoutStatus.TIMED_OUT,
        PayoutStatus.UNKNOWN,
    )
)
FAILED_STATUSES = (PayoutStatus.FAILED.value, PayoutStatus.REJECTED.value)


@attrs.frozen
class Candidate:
    """A statement line that may pay a payout: priority (lower wins), then distance in time."""

    priority: int
    distance: timedelta
    line_key: str
    ocid: str
    version: int
    receipt: str
    withdrawn_cents: int
    completed_at: datetime
    how: str


def day_lines(shortcode: str, start: datetime, end: datetime) -> sa.ColumnElement[bool]:
    """The payout lines of one account whose completion falls in [start, end)."""
    l = statement_lines.c  # noqa: E741
    return sa.and_(
        l.shortcode == shortcode,
        l.kind == "payout",
        l.completed_at >= start,
        l.completed_at < end,
    )


def unconsumed() -> sa.ColumnElement[bool]:
    """No receipt the ledger was told of (callback, failure, resolution) names this line."""
    r = payout_receipts.alias("r_any")
    return ~sa.exists().where(r.c.receipt == statement_lines.c.receipt)


def _receipt_candidates(
    conn: sa.Connection, shortcode: str, start: datetime, end: datetime
) -> Iterator[Candidate]:
    """Lines whose receipt a failed or rejected payout's callbacks named: money moved."""
    l, p = statement_lines.c, payout_state.c  # noqa: E741
    r = payout_receipts.alias("r")
    query = (
        sa.select(l.key, l.receipt, l.withdrawn_cents, l.completed_at, p.ocid, p.version)
        .select_from(
            statement_lines.join(r, r.c.receipt == l.receipt).join(
                payout_state, payout_state.c.ocid == r.c.ocid
            )
        )
        .where(day_lines(shortcode, start, end), p.status.in_(FAILED_STATUSES))
        .order_by(l.key, p.ocid)
    )
    for row in conn.execute(query):
        yield Candidate(
            0,
            timedelta(0),
            row.key,
            row.ocid,
            row.version,
            row.receipt,
            row.withdrawn_cents,
            row.completed_at,
            "by receipt",
        )


def _fuzzy_candidates(
    conn: sa.Connection, shortcode: str, start: datetime, end: datetime, window: timedelta
) -> Iterator[Candidate]:
    """Unclaimed lines whose recipient and amount fit an open or failed payout within window."""
    l, p = statement_lines.c, payout_state.c  # noqa: E741
    query = (
        sa.select(
            l.key,
            l.receipt,
            l.withdrawn_cents,
            l.completed_at,
            p.ocid,
            p.version,
            p.status,
            p.requested_at,
        )
        .select_from(
            statement_lines.join(
                payout_state,
                sa.and_(
                    p.party_a == shortcode,
                    p.party_b == l.msisdn,
                    p.amount * 100 == l.withdrawn_cents,
                    # status || '': look payouts up by recipient, never by status
                    p.status.op("||")("").in_(OPEN_STATUSES + FAILED_STATUSES),
                ),
            )
        )
        .where(day_lines(shortcode, start, end), unconsumed())
        .order_by(l.key, p.ocid)
    )
    for row in conn.execute(query):
        distance = abs(row.completed_at - row.requested_at)
        if distance > window:
            continue
        priority = 1 if row.status in OPEN_STATUSES else 2
        yield Candidate(
            priority,
            distance,
            row.key,
            row.ocid,
            row.version,
            row.receipt,
            row.withdrawn_cents,
            row.completed_at,
            "by recipient and amount",
        )


def _note(chosen: Candidate, rivals: list[Candidate]) -> str:
    note = f"statement line {chosen.line_key} ({chosen.how}"
    if chosen.priority:
        note += f", {int(chosen.distance.total_seconds())} s from the request"
    note += ")"
    tied_payouts = sorted(
        {c.ocid for c in rivals if c.line_key == chosen.line_key and c.ocid != chosen.ocid}
    )
    tied_lines = sorted(
        {c.line_key for c in rivals if c.ocid == chosen.ocid and c.line_key != chosen.line_key}
    )
    if tied_payouts:
        note += "; tie: the line also fits payout " + ", ".join(tied_payouts)
    if tied_lines:
        note += "; tie: the payout also fits line " + ", ".join(tied_lines)
    return note


def choose(candidates: list[Candidate]) -> list[tuple[Candidate, str]]:
    """Assign lines to payouts: each line and each payout at most once; by receipt first, then
    open payouts before failed ones, then the closest in time. Equal rivals are reported."""
    ordered = sorted(candidates, key=lambda c: (c.priority, c.distance, c.line_key, c.ocid))
    by_line: dict[str, list[Candidate]] = {}
    by_ocid: dict[str, list[Candidate]] = {}
    for c in ordered:
        by_line.setdefault(c.line_key, []).append(c)
        by_ocid.setdefault(c.ocid, []).append(c)
    lines: set[str] = set()
    payouts: set[str] = set()
    chosen: list[tuple[Candidate, str]] = []
    for c in ordered:
        if c.line_key in lines or c.ocid in payouts:
            continue
        rivals = [
            o
            for o in (*by_line[c.line_key], *by_ocid[c.ocid])
            if o is not c
            and o.priority == c.priority
            and o.distance == c.distance
            and o.line_key not in lines
            and o.ocid not in payouts
        ]
        lines.add(c.line_key)
        payouts.add(c.ocid)
        chosen.append((c, _note(c, rivals)))
    return chosen


def resolve_from_statement(
    store: EventStore,
    shortcode: str,
    start: datetime,
    end: datetime,
    window: timedelta,
) -> int:
    """Append a PayoutResolved for every payout the day's statement proves paid. Returns how many.

    Needs the projections up to date; the caller catches them up again afterwards.
    """
    with store.engine.connect() as conn:
        candidates = list(_receipt_candidates(conn, shortcode, start, end))
        candidates += _fuzzy_candidates(conn, shortcode, start, end, window)
    if not candidates:
        return 0
    appended = 0
    now = datetime.now(UTC)
    with store.transaction() as tx:
        for c, note in choose(candidates):
            amount = money(c.withdrawn_cents)
            assert amount is not None
            event = PayoutResolved(
                outcome="succeeded",
                source="statement",
                at=now,
                receipt=c.receipt,
                amount=int(amount) if amount == amount.to_integral_value() else None,
                completed_at=c.completed_at,
                evidence_key=c.line_key,
                note=note,
            )
            try:
                tx.append(
                    payout_stream(c.ocid),
                    [
                        NewEvent(
                            event,
                            correlation_id=c.ocid,
                            causation_id=f"statement:{shortcode}:{c.line_key}",
                            idempotency_key=f"resolution:statement:{shortcode}:{c.line_key}",
                        )
                    ],
                    expected_version=c.version,
                )
            except (ConcurrencyError, DuplicateIdempotencyKeyError):
                continue  # another run resolved it, or the payout moved on: the next run sees it
            appended += 1
    return appended
