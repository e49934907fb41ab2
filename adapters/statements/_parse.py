"""Parsing an organisation-portal statement CSV into lines and row errors, streaming or whole."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO

from ._amounts import ZERO, parse_amount
from ._columns import TITLES, ColumnMap, is_header_row
from ._errors import StatementFormatError
from ._model import RowError, StatementHeader, StatementLine, StatementParse
from ._preamble import parse_preamble
from ._source import binary_lines, decode_bytes, detect_encoding, text_lines
from ._times import parse_kenyan_time

MAX_PREAMBLE_ROWS = 200
"""A file with no header row within this many rows is refused rather than read to its end."""

_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})
_TEXT_FIELDS = (
    "details",
    "status",
    "reason_type",
    "other_party_info",
    "linked_transaction_id",
    "account",
)


class StatementStream:
    """A statement read row by row: iterate for `StatementLine` and `RowError` items in order.

    The preamble and header are read when the stream is made (so `header` and `columns` are
    there at once, and a file without a header fails at once); the counts are final once the
    iteration ends (`done`). Only the current row is held in memory.
    """

    def __init__(self, lines: Iterable[str], encoding: str | None) -> None:
        self.encoding = encoding
        self.rows_read = 0
        self.rows_kept = 0
        self.rows_refused = 0
        self.done = False
        self._pending: list[str] = []  # the physical lines of the row being read
        self._reader = csv.reader(self._capture(lines), strict=True)
        self.header, self.columns, self._columns = self._read_head()
        self._items = self._read_rows()

    def __iter__(self) -> StatementStream:
        return self

    def __next__(self) -> StatementLine | RowError:
        return next(self._items)

    def _capture(self, lines: Iterable[str]) -> Iterator[str]:
        pending = self._pending
        first = True
        for line in lines:
            if first:
                line = line.removeprefix("\ufeff")
                first = False
            pending.append(line)
            yield line

    def _next_row(self) -> tuple[int, list[str] | csv.Error] | None:
        """The next row (or why the CSV syntax broke) and its first line; None at the end."""
        reader = self._reader
        try:
            row: list[str] | csv.Error = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:  # strict mode: the reader resumes at the next line
            row = exc
        return reader.line_num - len(self._pending) + 1, row

    def _read_head(self) -> tuple[StatementHeader | None, tuple[str, ...], ColumnMap]:
        preamble: list[tuple[int, list[str]]] = []
        while (item := self._next_row()) is not None:
            line_number, row = item
            self._pending.clear()
            if isinstance(row, csv.Error):
                raise StatementFormatError(f"line {line_number}: the CSV is malformed: {row}")
            if not "".join(row).strip():
                continue
            if is_header_row(row):
                columns = ColumnMap.from_header(row, line_number)
                return parse_preamble(preamble), tuple(row), columns
            preamble.append((line_number, row))
            if len(preamble) >= MAX_PREAMBLE_ROWS:
                break
        where = f"in the first {MAX_PREAMBLE_ROWS} rows" if preamble else "(the file is empty)"
        raise StatementFormatError(
            f'no header row found {where}: expected a row of column names with "Receipt No." '
            'and "Completion Time"'
        )

    def _read_rows(self) -> Iterator[StatementLine | RowError]:
        parse = _RowParser(self._columns).parse
        pending = self._pending
        while (item := self._next_row()) is not None:
            line_number, row = item
            if isinstance(row, csv.Error):
                result: StatementLine | RowError = _refuse(
                    line_number, f"the CSV is malformed: {row}", pending
                )
            elif not "".join(row).strip():
                pending.clear()
                continue
            else:
                result = parse(row, line_number, pending)
            pending.clear()
            self.rows_read += 1
            if type(result) is RowError:
                self.rows_refused += 1
            else:
                self.rows_kept += 1
            yield result
        self.done = True


class _RowParser:
    """Turns one data row into a `StatementLine`, or a `RowError` naming every problem in it."""

    def __init__(self, columns: ColumnMap) -> None:
        self._width = columns.width
        self._header_line = columns.line_number
        index = columns.index
        self._receipt = index["receipt"]
        self._completed = index["completed_at"]
        self._initiated = index.get("initiated_at")
        self._paid_in = index.get("paid_in")
        self._withdrawn = index.get("withdrawn")
        self._balance = index.get("balance")
        self._confirmed = index.get("balance_confirmed")
        self._texts = tuple((name, index[name]) for name in _TEXT_FIELDS if name in index)
        money = [TITLES[name] for name in ("paid_in", "withdrawn") if name in index]
        self._no_money = " and ".join(money) + (
            " are both empty" if len(money) == 2 else " is empty"
        )

    def parse(self, row: list[str], line_number: int, lines: list[str]) -> StatementLine | RowError:
        if len(row) != self._width:
            few = "few" if len(row) < self._width else "many"
            return _refuse(
                line_number,
                f"too {few} cells: {len(row)}, the header on line {self._header_line} has "
                f"{self._width}",
                lines,
            )
        problems: list[str] = []
        receipt = row[self._receipt].strip()
        if not receipt:
            problems.append("Receipt No. is empty")
        elif not (receipt.isascii() and receipt.isalnum()):
            problems.append(
                f'Receipt No.: "{receipt}" is not a receipt number (letters and digits only)'
            )
        completed = _time(row[self._completed], "Completion Time", problems, required=True)
        initiated = (
            None
            if self._initiated is None
            else _time(row[self._initiated], "Initiation Time", problems, required=False)
        )
        paid_text = "" if self._paid_in is None else row[self._paid_in].strip()
        withdrawn_text = "" if self._withdrawn is None else row[self._withdrawn].strip()
        paid_in = withdrawn = ZERO
        if not paid_text and not withdrawn_text:
            problems.append(self._no_money)
        else:
            paid = _amount(paid_text, "Paid In", problems)
            if paid is not None and paid < 0:
                problems.append(f'Paid In: "{paid_text}" is negative')
            elif paid is not None:
                paid_in = paid
            out = _amount(withdrawn_text, "Withdrawn", problems)
            if out is not None:
                withdrawn = out.copy_abs()
        balance = None
        if self._balance is not None:
            balance = _amount(row[self._balance].strip(), "Balance", problems)
        confirmed = None
        if self._confirmed is not None:
            flag = row[self._confirmed].strip()
            folded = flag.casefold()
            if folded in _TRUE:
                confirmed = True
            elif folded in _FALSE:
                confirmed = False
            elif flag:
                problems.append(f'Balance Confirmed: "{flag}" is not true or false')
        if problems or completed is None:
            return _refuse(line_number, "; ".join(problems), lines)
        texts = {name: row[position].strip() for name, position in self._texts}
        try:
            return StatementLine(
                line_number=line_number,
                receipt=receipt,
                completed_at=completed,
                initiated_at=initiated,
                paid_in=paid_in,
                withdrawn=withdrawn,
                balance=balance,
                balance_confirmed=confirmed,
                **texts,
            )
        except ValueError as exc:  # the parser's checks should make this unreachable
            return _refuse(line_number, str(exc), lines)


def _refuse(line_number: int, reason: str, lines: list[str]) -> RowError:
    raw = "".join(lines).removesuffix("\n").removesuffix("\r")
    return RowError(line_number, reason, raw)


def _time(cell: str, title: str, problems: list[str], *, required: bool) -> datetime | None:
    text = cell.strip()
    if not text:
        if required:
            problems.append(f"{title} is empty")
        return None
    try:
        return parse_kenyan_time(text)
    except ValueError as exc:
        problems.append(f"{title}: {exc}")
        return None


def _amount(text: str, title: str, problems: list[str]) -> Decimal | None:
    if not text:
        return None
    try:
        return parse_amount(text)
    except ValueError as exc:
        problems.append(f"{title}: {exc}")
        return None


def iter_statement(fileobj: IO[str] | IO[bytes]) -> StatementStream:
    """Stream a statement from an open file, text or binary, without holding it in memory.

    A binary file is decoded as UTF-8 (BOM dropped) or, if any byte is not UTF-8, as cp1252
    throughout; a seekable one is scanned once to decide, an unseekable one is read whole.
    Open text files with `newline=""`. Raises StatementFormatError if no header row is found.
    """
    if isinstance(fileobj.read(0), str):
        return StatementStream(fileobj, getattr(fileobj, "encoding", None))  # type: ignore[arg-type]
    raw: IO[bytes] = fileobj  # type: ignore[assignment]
    if raw.seekable():
        encoding = detect_encoding(raw)
        return StatementStream(binary_lines(raw, encoding), encoding)
    text, encoding = decode_bytes(raw.read())
    return StatementStream(text_lines(text), encoding)


def parse_statement(source: str | bytes | os.PathLike[str]) -> StatementParse:
    """Parse a whole statement. A path-like is a file to read; bytes and str are its content.

    Note that a plain str is CSV text, not a file name: pass a Path (or use
    `parse_statement_file`) to read a file. Raises StatementFormatError for an unreadable file.
    """
    if isinstance(source, os.PathLike):
        return parse_statement_file(source)
    if isinstance(source, bytes):
        text, encoding = decode_bytes(source)
        return _collect(StatementStream(text_lines(text), encoding))
    if isinstance(source, str):
        try:
            return _collect(StatementStream(text_lines(source), None))
        except StatementFormatError as exc:
            if "\n" not in source:
                raise StatementFormatError(
                    f"{exc} (a str is parsed as CSV text, not as a file name: pass a Path to "
                    "read a file)"
                ) from None
            raise
    raise TypeError(f"parse_statement takes a path, bytes or str, not {type(source).__name__}")


def parse_statement_file(path: str | os.PathLike[str]) -> StatementParse:
    """Read and parse the statement file at `path` (streamed, so large files are fine)."""
    with Path(path).open("rb") as raw:
        return _collect(iter_statement(raw))


def _collect(stream: StatementStream) -> StatementParse:
    lines: list[StatementLine] = []
    errors: list[RowError] = []
    for item in stream:
        if type(item) is RowError:
            errors.append(item)
        else:
            lines.append(item)  # type: ignore[arg-type]
    return StatementParse(
        header=stream.header,
        encoding=stream.encoding,
        columns=stream.columns,
        lines=tuple(lines),
        errors=tuple(errors),
        rows_read=stream.rows_read,
        rows_kept=stream.rows_kept,
        rows_refused=stream.rows_refused,
    )
