"""Reading a bulk payout CSV (header ``party_b,amount,command_id,remarks,occasion`` and an
optional ``originator_conversation_id``) into batch rows, each named by its line in the file.

A row without an id gets one derived from the file's content and the row's line, so re-running
the same file after a crash sends nothing twice. Rows are validated later, by the gateway's rules
(the one place they live); here only the file's shape is checked.
"""

from __future__ import annotations

import csv
import io

import attrs

from ledger import BatchRow, BatchRowError, PayoutInstruction, batch_ocid, file_digest

REQUIRED = ("party_b", "amount", "command_id", "remarks")
OPTIONAL = ("occasion", "originator_conversation_id")


class BatchFileError(ValueError):
    """The file cannot be read as a batch at all (no header, missing columns)."""


@attrs.frozen
class BatchFile:
    batch_id: str
    digest: str
    rows: tuple[BatchRow, ...]
    errors: tuple[BatchRowError, ...]


def read_batch(content: bytes, *, name: str = "batch") -> BatchFile:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchFileError(f"{name}: not UTF-8 text ({exc})") from None
    digest = file_digest(content)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[BatchRow] = []
    errors: list[BatchRowError] = []
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
        ocid = (row.get("originator_conversation_id") or "").strip() or batch_ocid(digest, line)
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
    return BatchFile(f"batch-{digest[:12]}", digest, tuple(rows), tuple(errors))
