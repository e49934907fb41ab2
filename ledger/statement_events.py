"""The statement's events: one per movement of an organisation-portal statement, one per import.

Streams: ``statement-<shortcode>-<YYYY-MM-DD>`` (the line's completion day in Kenyan time) holds
the lines of one account and day; ``statement-import-<shortcode>-<sha256 prefix>`` holds every
import of one file (an auditor sees each attempt, its refused rows included). A line's idempotency
key is ``statement:<shortcode>:<line key>``: the store's unique index makes sure that a line read
from two files, or from one file imported twice, is stored once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import attrs

from ledger.serialization import event_type

#: Kenyan time (UTC+03:00, no daylight saving): the day a statement line belongs to.
KENYA_TIME = timezone(timedelta(hours=3), "EAT")


def statement_stream(shortcode: str, day: date) -> str:
    """The stream of one account's statement lines of one (Kenyan) day."""
    return f"statement-{shortcode}-{day.isoformat()}"


def statement_line_stream(shortcode: str, completed_at: datetime) -> str:
    """The stream a line completed at ``completed_at`` goes to."""
    return statement_stream(shortcode, completed_at.astimezone(KENYA_TIME).date())


def statement_line_idempotency_key(shortcode: str, line_key: str) -> str:
    """The store-wide idempotency key of one statement line of one account."""
    return f"statement:{shortcode}:{line_key}"


def statement_import_stream(shortcode: str, sha256: str) -> str:
    """The stream that records every import of one file for one account."""
    return f"statement-import-{shortcode}-{sha256[:20]}"


@event_type("statement.line_imported")
@attrs.frozen(kw_only=True)
class StatementLineImported:
    """One movement of the account, as the statement stated it, with its classification.

    ``kind`` is "payout", "charge" or "other"; ``command_id`` and ``other_party_msisdn`` are
    derived by the statement parser when the line is read, so that readers need no parser.
    Amounts are Decimal magnitudes with two places (``withdrawn`` is money out).
    """

    shortcode: str
    key: str
    receipt: str
    completed_at: datetime
    initiated_at: datetime | None
    details: str
    status: str
    paid_in: Decimal
    withdrawn: Decimal
    balance: Decimal | None
    balance_confirmed: bool | None
    reason_type: str
    other_party_info: str
    linked_transaction_id: str
    account: str
    kind: str
    command_id: str | None
    other_party_msisdn: str | None
    file_sha256: str
    line_number: int

    @property
    def signed_amount(self) -> Decimal:
        return self.paid_in - self.withdrawn


@attrs.frozen
class RefusedRow:
    """A statement row that could not be read: its line number, why, and its text."""

    line_number: int
    reason: str
    raw: str


@event_type("statement.imported")
@attrs.frozen(kw_only=True)
class StatementImported:
    """One import of a statement file: what was read, kept, already known and refused."""

    file_name: str
    sha256: str
    shortcode: str
    rows_read: int
    rows_kept: int
    rows_known: int
    rows_duplicate: int
    rows_refused: int
    errors: tuple[RefusedRow, ...]
    first_completed_at: datetime | None
    last_completed_at: datetime | None
    imported_at: datetime
