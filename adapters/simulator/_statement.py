"""Export a day of the utility account as an organisation-portal statement CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from ._bank import StatementEntry

__all__ = ["STATEMENT_HEADER", "render_statement"]

STATEMENT_HEADER = (
    "Receipt No.",
    "Completion Time",
    "Initiation Time",
    "Details",
    "Transaction Status",
    "Paid In",
    "Withdrawn",
    "Balance",
    "Balance Confirmed",
    "Reason Type",
    "Other Party Info",
    "Linked Transaction ID",
    "A/C No.",
)
_TIME_FORMAT = "%d-%m-%Y %H:%M:%S"


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def render_statement(
    *,
    organisation_name: str,
    shortcode: str,
    day: date,
    entries: Iterable[StatementEntry],
) -> str:
    """The CSV text: preamble (organisation, shortcode, period), header, one row per movement.

    Withdrawals are written negative (``-1500.00``), as in the fixture export.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    period_day = day.strftime("%d-%m-%Y")
    writer.writerow(["Organization Name", organisation_name])
    writer.writerow(["Organization Short Code", shortcode])
    writer.writerow(["Time Period", f"{period_day} 00:00:00 - {period_day} 23:59:59"])
    writer.writerow(["", ""])
    writer.writerow(STATEMENT_HEADER)
    for entry in entries:
        writer.writerow(
            [
                entry.receipt,
                entry.completed_at.strftime(_TIME_FORMAT),
                entry.initiated_at.strftime(_TIME_FORMAT),
                entry.details,
                "Completed",
                _money(entry.paid_in) if entry.paid_in else "",
                _money(-entry.withdrawn) if entry.withdrawn else "",
                _money(entry.balance),
                "true",
                entry.reason_type,
                entry.other_party_info,
                "",
                "Utility Account",
            ]
        )
    return buffer.getvalue()
