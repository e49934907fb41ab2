"""The reconciliation's read models: statement lines, and every receipt the ledger was told of.

``proj_statement_lines`` holds one row per imported statement line (amounts in integer cents, so
that SQL compares money exactly on every engine), indexed by receipt and by (msisdn, amount) for
the two ways a line is matched to a payout. ``proj_payout_receipts`` holds one row per receipt a
payout's events name (a result callback, a failure's TransactionID, a resolution's evidence): the
payout-state row keeps only the first receipt, but a second debit or a failure that moved money is
found through the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ledger import PayoutResolved, RecordedEvent, ResultReceived
from ledger.schema import UTCDateTime
from ledger.statement_events import StatementLineImported


def cents(value: Decimal) -> int:
    """Whole cents of an amount with at most two decimal places."""
    return int((value * 100).to_integral_value())


lines_metadata = sa.MetaData()

statement_lines = sa.Table(
    "proj_statement_lines",
    lines_metadata,
    sa.Column("shortcode", sa.String(32), primary_key=True),
    sa.Column("key", sa.String(400), primary_key=True),
    sa.Column("receipt", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("command_id", sa.String(32), nullable=True),
    sa.Column("msisdn", sa.String(16), nullable=True),
    sa.Column("completed_at", UTCDateTime, nullable=False),
    sa.Column("paid_in_cents", sa.BigInteger, nullable=False),
    sa.Column("withdrawn_cents", sa.BigInteger, nullable=False),
    sa.Column("balance_cents", sa.BigInteger, nullable=True),
    sa.Column("details", sa.String(1000), nullable=False),
    sa.Column("reason_type", sa.String(255), nullable=False),
    sa.Column("line_number", sa.Integer, nullable=False),
    # The event's position: import order, the tie-breaker of lines completed in the same second.
    sa.Column("position", sa.BigInteger, nullable=False),
    # receipt first: the lookups by receipt also filter on account and kind (a charge shares it)
    sa.Index("ix_proj_statement_lines_receipt", "receipt", "shortcode", "kind"),
    sa.Index("ix_proj_statement_lines_msisdn_amount", "msisdn", "withdrawn_cents"),
    sa.Index("ix_proj_statement_lines_day", "shortcode", "completed_at"),
)

receipts_metadata = sa.MetaData()

payout_receipts = sa.Table(
    "proj_payout_receipts",
    receipts_metadata,
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("ocid", sa.String(255), nullable=False, index=True),
    sa.Column("receipt", sa.String(64), nullable=True, index=True),
    sa.Column("outcome", sa.String(16), nullable=False),  # succeeded | failed
    sa.Column("source", sa.String(32), nullable=False),  # callback | statement | status_query
    sa.Column("amount", sa.BigInteger, nullable=True),
    sa.Column("completed_at", UTCDateTime, nullable=True),
    sa.Column("utility_funds_cents", sa.BigInteger, nullable=True),
    sa.Column("evidence_key", sa.String(400), nullable=True),
    sa.Column("note", sa.String(2000), nullable=True),
)


def _kind(line: StatementLineImported) -> str:
    """A line that did not complete proves no payment: it is never matched to a payout (it still
    counts, as another movement, in the totals and the balance)."""
    if line.kind == "payout" and line.status.strip().lower() != "completed":
        return "other"
    return line.kind


class StatementLinesProjection:
    """proj_statement_lines: one row per StatementLineImported event."""

    name = "statement_lines"
    version = "3"
    metadata = lines_metadata
    event_types = frozenset({"statement.line_imported"})

    def apply(self, conn: sa.Connection, events: Sequence[RecordedEvent]) -> None:
        rows: list[dict[str, Any]] = []
        for recorded in events:
            e = recorded.event
            if not isinstance(e, StatementLineImported):
                continue
            rows.append(
                {
                    "shortcode": e.shortcode,
                    "key": e.key,
                    "receipt": e.receipt,
                    "kind": _kind(e),
                    "command_id": e.command_id,
                    "msisdn": e.other_party_msisdn,
                    "completed_at": e.completed_at,
                    "paid_in_cents": cents(e.paid_in),
                    "withdrawn_cents": cents(e.withdrawn),
                    "balance_cents": None if e.balance is None else cents(e.balance),
                    "details": e.details[:1000],
                    "reason_type": e.reason_type[:255],
                    "line_number": e.line_number,
                    "position": recorded.position,
                }
            )
        if rows:
            conn.execute(statement_lines.insert(), rows)


class PayoutReceiptsProjection:
    """proj_payout_receipts: every receipt a payout's stream names, with where it came from."""

    name = "payout_receipts"
    version = "1"
    metadata = receipts_metadata
    event_types = frozenset({"payout.result_received", "payout.resolved"})

    def apply(self, conn: sa.Connection, events: Sequence[RecordedEvent]) -> None:
        rows: list[dict[str, Any]] = []
        for recorded in events:
            if not recorded.stream_id.startswith("payout-"):
                continue  # orphans name no payout of ours
            ocid = recorded.stream_id.removeprefix("payout-")
            e = recorded.event
            if isinstance(e, ResultReceived):
                receipt = e.receipt or e.transaction_id
                if not e.succeeded and not receipt:
                    continue
                funds = e.utility_account_funds
                rows.append(
                    {
                        "position": recorded.position,
                        "ocid": ocid,
                        "receipt": receipt,
                        "outcome": "succeeded" if e.succeeded else "failed",
                        "source": "callback",
                        "amount": e.amount,
                        "completed_at": e.completed_at,
                        "utility_funds_cents": None if funds is None else cents(funds),
                        "evidence_key": None,
                        "note": None,
                    }
                )
            elif isinstance(e, PayoutResolved):
                rows.append(
                    {
                        "position": recorded.position,
                        "ocid": ocid,
                        "receipt": e.receipt,
                        "outcome": e.outcome,
                        "source": e.source,
                        "amount": e.amount,
                        "completed_at": e.completed_at,
                        "utility_funds_cents": None,
                        "evidence_key": e.evidence_key,
                        "note": None if e.note is None else e.note[:2000],
                    }
                )
        if rows:
            conn.execute(payout_receipts.insert(), rows)
