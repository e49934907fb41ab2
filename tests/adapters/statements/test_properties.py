"""Property tests: what an export writes, the parser reads back; garbage is reported, not lost."""

from __future__ import annotations

import csv
import io
import itertools
import json

import attrs
from hypothesis import given
from hypothesis import strategies as st

from adapters.statements import (
    RowError,
    StatementLine,
    StatementParse,
    iter_statement,
    parse_statement,
)

from .strategies import TITLES, Written, statement_lines, written_statements


def parse_as(how: str, text: str) -> StatementParse:
    """Parse the same statement as str, UTF-8 bytes, or a binary stream."""
    if how == "str":
        return parse_statement(text)
    data = text.encode("utf-8")
    if how == "bytes":
        return parse_statement(data)
    stream = iter_statement(io.BytesIO(data))
    items = list(stream)
    return StatementParse(
        header=stream.header,
        encoding=stream.encoding,
        columns=stream.columns,
        lines=tuple(item for item in items if isinstance(item, StatementLine)),
        errors=tuple(item for item in items if isinstance(item, RowError)),
        rows_read=stream.rows_read,
        rows_kept=stream.rows_kept,
        rows_refused=stream.rows_refused,
    )


@given(written_statements(), st.sampled_from(["str", "bytes", "stream"]))
def test_written_lines_parse_back(written: Written, how: str) -> None:
    parsed = parse_as(how, written.text)
    assert parsed.errors == ()
    assert list(parsed.lines) == written.lines
    assert parsed.header == written.header
    assert parsed.rows_read == parsed.rows_kept == len(written.lines)


GARBAGE = {
    "amount": ("1,5x0.00", "NaN", "12.345", "1.2.3", "one hundred"),
    "time": ("32-07-2024 10:00:00", "2024-13-01 00:00:00", "yesterday", "6-7-2024 10:00"),
}


@st.composite
def garbage_rows(draw: st.DrawFn, columns: list[str]) -> tuple[list[str], str]:
    """A row no reader should accept, and the start of the reason it should be refused for."""
    width = len(columns)
    cells = ["x"] * width
    cells[columns.index("receipt")] = "SG1"
    cells[columns.index("completed_at")] = "06-07-2024 22:48:52"
    money: list[str] = [name for name in ("paid_in", "withdrawn") if name in columns]
    for name in money:
        cells[columns.index(name)] = "1.00"
    for optional in ("initiated_at", "balance", "balance_confirmed"):
        if optional in columns:
            cells[columns.index(optional)] = ""
    kind = draw(st.sampled_from(["amount", "time", "receipt", "no_money", "few", "many"]))
    if kind == "amount":
        column = draw(st.sampled_from(money))
        cells[columns.index(column)] = draw(st.sampled_from(GARBAGE["amount"]))
        return cells, f"{TITLES[column]}: "
    if kind == "time":
        cells[columns.index("completed_at")] = draw(st.sampled_from(GARBAGE["time"]))
        return cells, "Completion Time: "
    if kind == "receipt":
        cells[columns.index("receipt")] = ""
        return cells, "Receipt No. is empty"
    if kind == "no_money":
        for name in money:
            cells[columns.index(name)] = ""
        return cells, " and ".join(TITLES[name] for name in money)
    if kind == "few":
        return ["x"] * draw(st.integers(1, width - 1)), "too few cells"
    return cells + ["extra"] * draw(st.integers(1, 3)), "too many cells"


@given(written_statements(), st.data())
def test_garbage_rows_are_reported_at_their_lines(written: Written, data: st.DataObject) -> None:
    # Cut the text into physical lines (LF-terminated, as the parser counts them) and splice
    # whole garbage rows in after the preamble/header and after each data row.
    *ended, last = written.text.split("\n")
    lines = [part + "\n" for part in ended] + ([last] if last else [])
    first_data = written.lines[0].line_number - 1 if written.lines else len(lines)
    starts = [line.line_number - 1 for line in written.lines] + [len(lines)]
    chunks = [lines[:first_data]] + [lines[a:b] for a, b in itertools.pairwise(starts)]
    out: list[str] = []
    expected_errors: list[tuple[int, str, str]] = []
    expected_numbers: list[int] = []
    for index, chunk in enumerate(chunks):
        if index > 0:
            expected_numbers.append(len(out) + 1)
        out.extend(chunk)
        for _ in range(data.draw(st.integers(0, 2))):
            cells, reason = data.draw(garbage_rows(written.columns))
            row = io.StringIO()
            csv.writer(row, lineterminator="\n").writerow(cells)
            expected_errors.append((len(out) + 1, reason, row.getvalue().rstrip("\n")))
            out.append(row.getvalue())
    parsed = parse_statement("".join(out))
    assert [line.line_number for line in parsed.lines] == expected_numbers
    assert [attrs.evolve(line, line_number=1) for line in parsed.lines] == [
        attrs.evolve(line, line_number=1) for line in written.lines
    ]
    assert [error.line_number for error in parsed.errors] == [e[0] for e in expected_errors]
    for error, (_, reason, raw) in zip(parsed.errors, expected_errors, strict=True):
        assert reason in error.reason, (error, reason)
        assert error.raw == raw
    assert parsed.rows_refused == len(expected_errors)
    assert parsed.rows_read == parsed.rows_kept + parsed.rows_refused


@given(statement_lines(), st.integers(1, 10**7))
def test_dict_round_trip(line: StatementLine, line_number: int) -> None:
    line = attrs.evolve(line, line_number=line_number)
    data = json.loads(json.dumps(line.to_dict()))
    again = StatementLine.from_dict(data)
    assert again == line
    assert again.to_dict() == line.to_dict()
    assert again.key == line.key
