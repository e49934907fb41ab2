"""Importing an organisation-portal statement: every line becomes a StatementLineImported event.

Idempotent: a line's idempotency key is ``statement:<shortcode>:<line key>``, so importing a file
twice, or two files that overlap, stores each line once. Known keys are skipped in bulk (one
``used_idempotency_keys`` query per chunk, inside the chunk's transaction); the unique index
backs that check when two importers race (the losing append is retried without the keys the
other one stored).

A line repeated identically within one file (same key: receipt, reason type, amount) is stored
once and reported as a duplicate row of the file (``rows_duplicate``): the statement states one
movement per receipt and reason, so a repeat is an export artefact, not a second movement.

Rows that cannot be read are never skipped silently: they are counted, returned with their line
number and reason, and recorded in the StatementImported event of the import.
"""

from __future__ import annotations

import hashlib
import io
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import attrs

from adapters.statements import RowError, StatementLine, iter_statement
from ledger import DuplicateIdempotencyKeyError, EventStore, NewEvent, WriteTransaction
from ledger.statement_events import (
    RefusedRow,
    StatementImported,
    StatementLineImported,
    statement_import_stream,
    statement_line_idempotency_key,
    statement_line_stream,
)

CHUNK_SIZE = 1000
_MAX_RAW = 1000  # characters of a refused row's text kept in the import event

Source = str | os.PathLike[str] | bytes | IO[bytes]


class StatementImportError(Exception):
    """The statement cannot be imported as a whole (no shortcode, a shortcode conflict)."""


@attrs.frozen
class ImportReport:
    """What an import did: rows_read = kept + known + duplicate + refused."""

    file_name: str
    sha256: str
    shortcode: str
    rows_read: int
    rows_kept: int
    rows_known: int
    rows_duplicate: int
    rows_refused: int
    errors: tuple[RefusedRow, ...]
    days: tuple[str, ...]
    seconds: float

    @property
    def rate(self) -> float:
        """Rows read per second."""
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (
            f"{self.file_name}: {self.rows_read} rows read, {self.rows_kept} new, "
            f"{self.rows_known} already imported, {self.rows_duplicate} repeated in the file, "
            f"{self.rows_refused} refused"
        )


def _open(source: Source) -> tuple[IO[bytes], str, bool]:
    """A binary file for the source, its display name, and whether we must close it."""
    if isinstance(source, bytes):
        return io.BytesIO(source), "<bytes>", True
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        return path.open("rb"), path.name, True
    name = getattr(source, "name", "<stream>")
    if not source.seekable():
        return io.BytesIO(source.read()), str(name), True
    return source, Path(str(name)).name, False


def _sha256(raw: IO[bytes]) -> str:
    start = raw.tell()
    digest = hashlib.sha256()
    while chunk := raw.read(1 << 16):
        digest.update(chunk)
    raw.seek(start)
    return digest.hexdigest()


def line_event(line: StatementLine, shortcode: str, sha256: str) -> StatementLineImported:
    """The event of one parsed statement line."""
    return StatementLineImported(
        shortcode=shortcode,
        key=line.key,
        receipt=line.receipt,
        completed_at=line.completed_at,
        initiated_at=line.initiated_at,
        details=line.details,
        status=line.status,
        paid_in=line.paid_in,
        withdrawn=line.withdrawn,
        balance=line.balance,
        balance_confirmed=line.balance_confirmed,
        reason_type=line.reason_type,
        other_party_info=line.other_party_info,
        linked_transaction_id=line.linked_transaction_id,
        account=line.account,
        kind=line.kind,
        command_id=line.command_id,
        other_party_msisdn=line.other_party_msisdn,
        file_sha256=sha256,
        line_number=line.line_number,
    )


def _chunks(
    items: Iterator[StatementLine | RowError], errors: list[RefusedRow]
) -> Iterator[list[StatementLine]]:
    chunk: list[StatementLine] = []
    for item in items:
        if isinstance(item, RowError):
            errors.append(RefusedRow(item.line_number, item.reason, item.raw[:_MAX_RAW]))
            continue
        chunk.append(item)
        if len(chunk) >= CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _append_new(tx: WriteTransaction, by_stream: dict[str, list[NewEvent]]) -> int:
    """Append each stream's new lines; on a race, drop the keys another importer stored."""
    stored = 0
    for stream_id in sorted(by_stream):
        pending = by_stream[stream_id]
        while pending:
            try:
                tx.append(stream_id, pending)
            except DuplicateIdempotencyKeyError as exc:
                pending = [p for p in pending if p.idempotency_key not in exc.used_keys]
                continue
            stored += len(pending)
            break
    return stored


def import_statement(
    store: EventStore,
    source: Source,
    *,
    shortcode: str | None = None,
    file_name: str | None = None,
) -> ImportReport:
    """Import a statement (a path, bytes or a binary file) into the store, idempotently.

    The shortcode is the statement's own (its preamble's "Organization Short Code") when it states
    one, else ``shortcode``; a statement that states one different from ``shortcode`` is refused.
    Raises StatementImportError without a shortcode, StatementFormatError for an unreadable file.
    """
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    raw, name, owned = _open(source)
    try:
        sha256 = _sha256(raw)
        stream = iter_statement(raw)
        stated = stream.header.shortcode if stream.header is not None else None
        if stated and shortcode and stated.strip() != shortcode.strip():
            raise StatementImportError(
                f"{name} is the statement of shortcode {stated}, not of {shortcode}"
            )
        code = (stated or shortcode or "").strip()
        if not code:
            raise StatementImportError(
                f"{name} states no shortcode (it has no preamble): pass the shortcode "
                "(--shortcode) of the account it is the statement of"
            )
        errors: list[RefusedRow] = []
        seen: set[str] = set()  # this file's keys: tells a repeated row from a known one
        kept = known = duplicate = 0
        days: set[str] = set()
        first: datetime | None = None
        last: datetime | None = None
        for chunk in _chunks(stream, errors):
            with store.transaction() as tx:
                keys = [statement_line_idempotency_key(code, line.key) for line in chunk]
                used = tx.used_idempotency_keys(set(keys) - seen)
                by_stream: dict[str, list[NewEvent]] = {}
                for line, key in zip(chunk, keys, strict=True):
                    at = line.completed_at
                    first = at if first is None or at < first else first
                    last = at if last is None or at > last else last
                    if key in seen:
                        duplicate += 1
                        continue
                    seen.add(key)
                    if key in used:
                        known += 1
                        continue
                    stream_id = statement_line_stream(code, at)
                    days.add(stream_id.removeprefix(f"statement-{code}-"))
                    by_stream.setdefault(stream_id, []).append(
                        NewEvent(line_event(line, code, sha256), idempotency_key=key)
                    )
                new = sum(len(v) for v in by_stream.values())
                stored = _append_new(tx, by_stream)
                kept += stored
                known += new - stored
        report = ImportReport(
            file_name=file_name or name,
            sha256=sha256,
            shortcode=code,
            rows_read=stream.rows_read,
            rows_kept=kept,
            rows_known=known,
            rows_duplicate=duplicate,
            rows_refused=stream.rows_refused,
            errors=tuple(errors),
            days=tuple(sorted(days)),
            seconds=time.perf_counter() - t0,
        )
        store.append(
            statement_import_stream(code, sha256),
            [
                StatementImported(
                    file_name=report.file_name,
                    sha256=sha256,
                    shortcode=code,
                    rows_read=report.rows_read,
                    rows_kept=kept,
                    rows_known=known,
                    rows_duplicate=duplicate,
                    rows_refused=report.rows_refused,
                    errors=report.errors,
                    first_completed_at=first,
                    last_completed_at=last,
                    imported_at=started,
                )
            ],
        )
        return report
    finally:
        if owned:
            raw.close()
