"""Reading a bulk payout CSV (header ``party_b,amount,command_id,remarks,occasion`` and an
optional ``originator_conversation_id``) into batch rows, each named by its line in the file.

A row without an id gets one derived from the batch's name and the row's content (with a count
for identical rows), so re-running the same batch after a crash sends nothing twice, and fixing
one refused row or re-saving the file leaves every other row's id as it was. Rows are validated
later, by the gateway's rules (the one place they live); here only the file's shape is checked.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import PurePath

import attrs

from adapters.daraja import DarajaValidationError, normalize_msisdn
from ledger import BatchRow, BatchRowError, PayoutInstruction, batch_row_ocid

REQUIRED = ("party_b", "amount", "command_id", "remarks")
OPTIONAL = ("occasion", "originator_conversation_id")


class BatchFileError(ValueError):
    """The file cannot be read as a batch at all (no header, missing columns)."""


@attrs.frozen
class BatchFile:
    batch_id: str
    rows: tuple[BatchRow, ...]
    errors: tuple[BatchRowError, ...]


def default_batch_id(file_name: str) -> str:
    """A batch's name from its file's name: ``salaries_2024-07.csv`` -> ``salaries_2024-07``."""
    stem = PurePath(file_name).stem
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "batch"


def _row_key(row: dict[str, str]) -> str:
    """The row's content in a canonical form: the same payout however it was typed."""
    try:
        number = normalize_msisdn(row["party_b"])
    except DarajaValidationError:
        number = row["party_b"].strip()
    fields = [
        number,
        row["amount"].strip(),
        row["command_id"].strip(),
        row["remarks"].strip(),
        (row.get("occasion") or "").strip(),
    ]
    return "\x1f".join(fields)


def read_batch(
    content: bytes, *, name: str = "batch.csv", batch_id: str | None = None
) -> BatchFile:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchFileError(f"{name}: not UTF-8 text ({exc})") from None
    batch = batch_id or default_batch_id(name)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[BatchRow] = []
    errors: list[BatchRowError] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if header is None:
            if not any(c.strip() for c in cells):
                continue
            header = [c.strip().lower() for c in cells]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise BatchFileError(
                    f"{name}: line {line}: header lacks {', '.join(missing)} (expected "
                    "party_b,amount,command_id,remarks,occasion[,originator_conversation_id])"
                )
            unknown = [c for c in header if c and c not in REQUIRED + OPTIONAL]
            if unknown:
                raise BatchFileError(f"{name}: line {line}: unknown column(s) {', '.join(unknown)}")
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            errors.append(
                BatchRowError(
                    line,
                    "<row>",
                    f"line {line}: has {len(cells)} cells, the header has {len(header)}",
                )
            )
            continue
        row = dict(zip(header, cells, strict=True))
        ocid = (row.get("originator_conversation_id") or "").strip()
        if not ocid:
            key = _row_key(row)
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            ocid = batch_row_ocid(batch, key, occurrence)
        rows.append(
            BatchRow(
                line,
                PayoutInstruction(
                    originator_conversation_id=ocid,
                    command_id=row["command_id"].strip(),
                    amount=row["amount"].strip(),
                    party_b=row["party_b"],
                    remarks=row["remarks"],
                    occasion=(row.get("occasion") or "").strip() or None,
                ),
            )
        )
    if header is None:
        raise BatchFileError(
            f"{name}: no header row (expected party_b,amount,command_id,remarks,...)"
        )
    return BatchFile(batch, tuple(rows), tuple(errors))
