"""Each export variant the README describes parses, one crafted file per variant."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.statements import (
    KENYA_TIME,
    StatementFormatError,
    StatementLine,
    iter_statement,
    parse_statement,
)

FULL_HEADER = (
    "Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,"
    "Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No."
)
PAYOUT = (
    "SG60000AB1,06-07-2024 22:48:52,06-07-2024 22:48:51,Business Payment to 254700000001 - JANE "
    "DOE,Completed,,-1500.00,8959269.60,true,Business Payment to Customer via API,254700000001 - "
    "JANE DOE,,Utility Account"
)
PREAMBLE = (
    "Organization Name,EXAMPLE PAYROLL LTD\n"
    "Organization Short Code,600999\n"
    "Time Period,06-07-2024 00:00:00 - 06-07-2024 23:59:59\n"
    ",\n"
)
AT_22_48_52 = datetime(2024, 7, 6, 22, 48, 52, tzinfo=KENYA_TIME)


def only_line(text: str | bytes) -> StatementLine:
    parsed = parse_statement(text)
    assert parsed.errors == (), parsed.errors
    assert len(parsed.lines) == 1
    return parsed.lines[0]


def test_no_preamble() -> None:
    parsed = parse_statement(f"{FULL_HEADER}\n{PAYOUT}\n")
    assert parsed.header is None
    assert parsed.lines[0].line_number == 2
    assert parsed.lines[0].withdrawn == Decimal("1500.00")


def test_preamble_counts_in_line_numbers() -> None:
    parsed = parse_statement(f"{PREAMBLE}{FULL_HEADER}\n{PAYOUT}\n")
    assert parsed.header is not None and parsed.header.shortcode == "600999"
    assert parsed.lines[0].line_number == 6


def test_preamble_labels_with_colons_and_unknown_rows() -> None:
    text = (
        "Account Holder:,EXAMPLE PAYROLL LTD\nShort Code:,600999\nOpening Balance,100.00\n"
        f"{FULL_HEADER}\n{PAYOUT}\n"
    )
    header = parse_statement(text).header
    assert header is not None
    assert (header.organisation_name, header.shortcode) == ("EXAMPLE PAYROLL LTD", "600999")
    assert header.period_start is None and header.period_end is None
    assert header.other == (("Opening Balance", "100.00"),)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Organization Short Code,60O999", 'line 1: Organization Short Code: "60O999" is not a'),
        ("Time Period,06-07-2024", 'line 1: Time Period: "06-07-2024" is not a period'),
    ],
)
def test_unreadable_preamble_metadata_is_a_format_error(row: str, message: str) -> None:
    with pytest.raises(StatementFormatError, match=message):
        parse_statement(f"{row}\n{FULL_HEADER}\n{PAYOUT}\n")


def test_fewer_columns() -> None:
    text = (
        "Receipt No.,Completion Time,Details,Transaction Status,Paid In,Withdrawn,Balance,"
        "Reason Type,Other Party Info\n"
        "SG60000AB2,06-07-2024 23:01:07,Salary Payment to 254110000002 - JOHN ROE,Completed,,"
        "-250.00,8959004.60,Salary Payment via API,254110000002 - JOHN ROE\n"
    )
    line = only_line(text)
    assert line.initiated_at is None
    assert line.balance_confirmed is None
    assert (line.linked_transaction_id, line.account) == ("", "")
    assert line.balance == Decimal("8959004.60")
    assert (line.kind, line.command_id, line.other_party_msisdn) == (
        "payout",
        "SalaryPayment",
        "254110000002",
    )


def test_minimal_columns_classify_by_details() -> None:
    text = (
        "Receipt No.,Completion Time,Details,Withdrawn\n"
        "SG60000AB1,06-07-2024 22:48:52,Business Payment to 254700000001 - JANE DOE,1500.00\n"
        "SG60000AB1,06-07-2024 22:48:52,Business Payment Charge,15.00\n"
    )
    payout, charge = parse_statement(text).lines
    assert (payout.kind, payout.other_party_msisdn, payout.reason_type) == (
        "payout",
        "254700000001",
        "",
    )
    assert payout.paid_in == Decimal("0") and payout.balance is None and payout.status == ""
    assert charge.kind == "charge"
    assert payout.key != charge.key


def test_columns_by_name_in_any_order_case_and_spacing() -> None:
    text = (
        "  withdrawn ,RECEIPT NO.,completion   time, reason type,Unknown Extra,\n"
        '"-1,500.00",SG60000AB1,06-07-2024 22:48:52,Business Payment to Customer via API,x,\n'
    )
    line = only_line(text)
    assert (line.receipt, line.withdrawn, line.completed_at) == (
        "SG60000AB1",
        Decimal("1500.00"),
        AT_22_48_52,
    )
    assert line.kind == "payout"


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("Completion Time,Details,Withdrawn,Receipt", None),
        ("Receipt No.,Details,Withdrawn", '"Completion Time"'),
        ("Receipt No.,Completion Time,Withdrawn", '"Details" nor a "Reason Type"'),
        ("Receipt No.,Completion Time,Details,Balance", '"Paid In" nor a "Withdrawn"'),
    ],
)
def test_required_columns(header: str, missing: str | None) -> None:
    if missing is None:
        parse_statement(header + "\n")
        return
    pattern = f"line 1: the header has (no|neither a) {missing}"
    with pytest.raises(StatementFormatError, match=pattern):
        parse_statement(header + "\n")


def test_duplicate_column_is_a_format_error() -> None:
    with pytest.raises(StatementFormatError, match='"Paid In" column twice'):
        parse_statement("Receipt No.,Completion Time,Details,Paid In,paid in\n")


@pytest.mark.parametrize(
    "text",
    ["", "\n,,\n", "Organization Name,X\nsomething,else\n", "a,b,c\n1,2,3\n"],
)
def test_no_header_row(text: str) -> None:
    with pytest.raises(StatementFormatError, match="no header row found"):
        parse_statement(text)
    assert issubclass(StatementFormatError, ValueError)


def test_str_that_looks_like_a_file_name_gets_a_hint(tmp_path: Path) -> None:
    with pytest.raises(StatementFormatError, match="pass a Path"):
        parse_statement(str(tmp_path / "statement.csv"))


def test_no_header_within_preamble_limit() -> None:
    text = "note,x\n" * 300 + f"{FULL_HEADER}\n{PAYOUT}\n"
    with pytest.raises(StatementFormatError, match="in the first 200 rows"):
        parse_statement(text)


@pytest.mark.parametrize(
    "stamp",
    [
        "06-07-2024 22:48:52",
        "2024-07-06 22:48:52",
        "06/07/2024 22:48:52",
        "2024/07/06 22:48:52",
        " 06-07-2024  22:48:52 ",
        "2024-07-06T22:48:52",
    ],
)
def test_time_formats(stamp: str) -> None:
    line = only_line(f"Receipt No.,Completion Time,Details,Withdrawn\nR1,{stamp},x,1.00\n")
    assert line.completed_at == AT_22_48_52
    assert line.completed_at.isoformat() == "2024-07-06T22:48:52+03:00"


def test_time_without_seconds() -> None:
    line = only_line("Receipt No.,Completion Time,Details,Withdrawn\nR1,06-07-2024 22:48,x,1\n")
    assert line.completed_at == datetime(2024, 7, 6, 22, 48, tzinfo=KENYA_TIME)


@pytest.mark.parametrize(
    ("paid_in", "withdrawn", "expected_in", "expected_out"),
    [
        ("", "-1500.00", "0", "1500.00"),
        ("", "1500.00", "0", "1500.00"),
        ("", '"-1,500.00"', "0", "1500.00"),
        ("", '"1,500.00"', "0", "1500.00"),
        ('"1,234,567.89"', "", "1234567.89", "0"),
        ("50000", "", "50000.00", "0"),
        ("+12.5", "0.00", "12.50", "0"),
        ("", "-0.00", "0", "0"),
    ],
)
def test_amount_forms(paid_in: str, withdrawn: str, expected_in: str, expected_out: str) -> None:
    line = only_line(
        f"Receipt No.,Completion Time,Details,Paid In,Withdrawn\nR1,06-07-2024 22:48:52,x,"
        f"{paid_in},{withdrawn}\n"
    )
    assert line.paid_in == Decimal(expected_in)
    assert line.withdrawn == Decimal(expected_out)
    assert str(line.paid_in) == str(Decimal(expected_in).quantize(Decimal("0.01")))


def test_empty_cells() -> None:
    row = "SG60000AB1,06-07-2024 22:48:52,,,,,15.00,,,Business Payment Charge,,,"
    line = only_line(f"{FULL_HEADER}\n{row}\n")
    assert line.initiated_at is None and line.balance is None and line.balance_confirmed is None
    assert (line.details, line.status, line.other_party_info, line.account) == ("", "", "", "")
    assert line.kind == "charge" and line.other_party_msisdn is None


def test_balance_confirmed_values() -> None:
    rows = "\n".join(
        f"R{i},06-07-2024 22:48:52,,,,,1.00,,{flag},x,,,"
        for i, flag in enumerate(["true", "FALSE", "Yes", "no", ""])
    )
    lines = parse_statement(f"{FULL_HEADER}\n{rows}\n").lines
    assert [line.balance_confirmed for line in lines] == [True, False, True, False, None]


def test_utf8_bom_bytes_and_text() -> None:
    text = f"{PREAMBLE}{FULL_HEADER}\n{PAYOUT}\n"
    from_bytes = parse_statement(b"\xef\xbb\xbf" + text.encode())
    from_text = parse_statement("\ufeff" + text)
    assert from_bytes.encoding == "utf-8" and from_text.encoding is None
    assert from_bytes.header == from_text.header
    assert from_bytes.header is not None
    assert from_bytes.header.organisation_name == "EXAMPLE PAYROLL LTD"
    assert from_bytes.lines == from_text.lines
    no_preamble = parse_statement(("\ufeff" + f"{FULL_HEADER}\n{PAYOUT}\n").encode())
    assert no_preamble.lines[0].receipt == "SG60000AB1"


def test_crlf_line_endings() -> None:
    text = f"{PREAMBLE}{FULL_HEADER}\n{PAYOUT}\n{PAYOUT.replace('AB1', 'AB2')}\n"
    crlf = parse_statement(text.replace("\n", "\r\n").encode())
    lf = parse_statement(text.encode())
    assert crlf == lf
    assert [line.line_number for line in crlf.lines] == [6, 7]
    assert crlf.lines[0].account == "Utility Account"


def test_cp1252_fallback_for_the_whole_file() -> None:
    text = f"{FULL_HEADER}\n{PAYOUT.replace('JANE DOE', 'JOSÉ NJOROGE')}\n"
    parsed = parse_statement(text.encode("cp1252"))
    assert parsed.encoding == "cp1252"
    assert parsed.lines[0].other_party_info == "254700000001 - JOSÉ NJOROGE"
    assert parse_statement(text.encode("utf-8")).encoding == "utf-8"


def test_cp1252_fallback_when_streaming_a_file(tmp_path: Path) -> None:
    path = tmp_path / "statement.csv"
    path.write_bytes(f"{FULL_HEADER}\n{PAYOUT}\n{PAYOUT.replace('DOE', 'DOÉ')}\n".encode("cp1252"))
    parsed = parse_statement(path)
    assert parsed.encoding == "cp1252"
    assert parsed.lines[1].details.endswith("JANE DOÉ")


def test_neither_utf8_nor_cp1252() -> None:
    with pytest.raises(StatementFormatError, match="neither UTF-8 nor Windows-1252"):
        parse_statement(f"{FULL_HEADER}\n".encode() + b"R1,\x81\n")


def test_multiline_quoted_cell_keeps_physical_line_numbers() -> None:
    text = (
        f"{FULL_HEADER}\n"
        + PAYOUT.replace(
            "Business Payment to 254700000001 - JANE DOE", '"Business Payment\nto JANE"'
        )
        + "\n"
        + PAYOUT.replace("AB1", "AB2")
        + "\n"
    )
    parsed = parse_statement(text)
    assert [line.line_number for line in parsed.lines] == [2, 4]
    assert parsed.lines[0].details == "Business Payment\nto JANE"


def test_duplicate_rows_are_kept() -> None:
    parsed = parse_statement(f"{FULL_HEADER}\n{PAYOUT}\n{PAYOUT}\n")
    assert parsed.rows_kept == 2
    first, second = parsed.lines
    assert first.key == second.key and (first.line_number, second.line_number) == (2, 3)


def test_unknown_status_is_kept_as_data() -> None:
    line = only_line(f"{FULL_HEADER}\n{PAYOUT.replace('Completed', 'Pending Review')}\n")
    assert line.status == "Pending Review"


def test_separator_rows_are_not_rows() -> None:
    parsed = parse_statement(f"{FULL_HEADER}\n,,,\n\n{PAYOUT}\n , ,\n")
    assert (parsed.rows_read, parsed.rows_kept, parsed.rows_refused) == (1, 1, 0)
    assert parsed.lines[0].line_number == 4


def test_iter_statement_streams_binary_and_text(tmp_path: Path) -> None:
    text = f"{PREAMBLE}{FULL_HEADER}\r\n{PAYOUT}\r\nbad row\r\n{PAYOUT}\r\n"
    path = tmp_path / "statement.csv"
    path.write_bytes(text.encode())
    expected = parse_statement(text.encode())
    with path.open("rb") as raw:
        stream = iter_statement(raw)
        assert stream.header == expected.header  # known before any row is read
        assert stream.rows_read == 0 and not stream.done
        items = list(stream)
    assert stream.done and (stream.rows_read, stream.rows_kept, stream.rows_refused) == (3, 2, 1)
    assert [getattr(item, "line_number", None) for item in items] == [6, 7, 8]
    with path.open(encoding="utf-8", newline="") as handle:
        text_items = list(iter_statement(handle))
    assert text_items == items
    assert list(iter_statement(io.StringIO(text, newline=""))) == items


class _Unseekable(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_iter_statement_on_an_unseekable_stream() -> None:
    data = f"{FULL_HEADER}\n{PAYOUT.replace('DOE', 'DOÉ')}\n".encode("cp1252")
    stream = iter_statement(io.BufferedReader(_Unseekable(data)))  # type: ignore[type-var]
    assert stream.encoding == "cp1252"
    assert [line.line_number for line in stream] == [2]


def test_many_rows_stream_with_final_counts() -> None:
    rows = "".join(
        f"R{i:08d},06-07-2024 22:48:52,,,Completed,,-{i}.00,,,Business Payment Charge,,,\n"
        for i in range(1, 20_001)
    )
    stream = iter_statement(io.BytesIO(f"{FULL_HEADER}\n{rows}".encode()))
    total = sum(line.withdrawn for line in stream if isinstance(line, StatementLine))
    assert total == Decimal(20_000 * 20_001 // 2)
    assert (stream.rows_read, stream.rows_kept, stream.rows_refused) == (20_000, 20_000, 0)


def test_preamble_value_that_names_a_column_is_not_the_header() -> None:
    parsed = parse_statement(f"Organization Name,RECEIPT NO\n{FULL_HEADER}\n{PAYOUT}\n")
    assert parsed.header is not None and parsed.header.organisation_name == "RECEIPT NO"
    assert parsed.lines[0].line_number == 3
