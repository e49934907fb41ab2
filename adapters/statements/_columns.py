"""The statement's columns, found by header name (case and whitespace ignored), never position."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ._errors import StatementFormatError

# field name -> (title used in messages, accepted header names after `normalise`)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "receipt": ("Receipt No.", ("receipt no", "receipt number", "receipt")),
    "completed_at": ("Completion Time", ("completion time", "completed time", "completed")),
    "initiated_at": ("Initiation Time", ("initiation time", "initiated time", "initiated")),
    "details": ("Details", ("details",)),
    "status": ("Transaction Status", ("transaction status", "status")),
    "paid_in": ("Paid In", ("paid in",)),
    "withdrawn": ("Withdrawn", ("withdrawn", "withdrawal", "paid out")),
    "balance": ("Balance", ("balance",)),
    "balance_confirmed": ("Balance Confirmed", ("balance confirmed",)),
    "reason_type": ("Reason Type", ("reason type",)),
    "other_party_info": ("Other Party Info", ("other party info", "other party")),
    "linked_transaction_id": (
        "Linked Transaction ID",
        ("linked transaction id", "linked transaction"),
    ),
    "account": ("A/C No.", ("a/c no", "account no", "account number", "account")),
}
TITLES = {field: title for field, (title, _) in COLUMNS.items()}
_BY_NAME = {alias: field for field, (_, aliases) in COLUMNS.items() for alias in aliases}


def normalise(name: str) -> str:
    """Fold a header cell for matching: case, inner whitespace, a trailing `.` or `:`."""
    return " ".join(name.split()).casefold().rstrip(".:").rstrip()


def is_header_row(row: Sequence[str]) -> bool:
    """A header row names Receipt No. and at least one other known column.

    Two names, not one, so a preamble row such as `Organization Name,RECEIPT NO` is not taken
    for the header, while a header lacking a required column is still found (and refused).
    """
    fields = [_BY_NAME.get(normalise(cell)) for cell in row]
    return "receipt" in fields and sum(field is not None for field in fields) >= 2


@attrs.frozen
class ColumnMap:
    """Where each known column sits in the rows; unknown and unnamed columns are ignored."""

    line_number: int
    width: int
    index: dict[str, int]

    @classmethod
    def from_header(cls, row: Sequence[str], line_number: int) -> ColumnMap:
        """Map a header row, refusing duplicates and a header lacking a required column."""
        index: dict[str, int] = {}
        for position, cell in enumerate(row):
            field = _BY_NAME.get(normalise(cell))
            if field is None:
                continue
            if field in index:
                raise StatementFormatError(
                    f'line {line_number}: the header names the "{TITLES[field]}" column twice'
                )
            index[field] = position
        found = ", ".join(cell.strip() for cell in row if cell.strip())
        for field in ("receipt", "completed_at"):
            if field not in index:
                raise StatementFormatError(
                    f'line {line_number}: the header has no "{TITLES[field]}" column, which is '
                    f"required (found: {found})"
                )
        for first, second in (("details", "reason_type"), ("paid_in", "withdrawn")):
            if first not in index and second not in index:
                raise StatementFormatError(
                    f'line {line_number}: the header has neither a "{TITLES[first]}" nor a '
                    f'"{TITLES[second]}" column; one is required (found: {found})'
                )
        return cls(line_number=line_number, width=len(row), index=index)
