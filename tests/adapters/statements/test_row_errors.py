"""Rows that cannot be read are reported with their line number and reason; good rows are kept."""

from __future__ import annotations

import pytest

from adapters.statements import RowError, parse_statement

HEADER = (
    "Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,"
    "Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No."
)
GOOD = (
    "SG60000AB1,06-07-2024 22:48:52,06-07-2024 22:48:51,Business Payment to 254700000001 - JANE "
    "DOE,Completed,,-1500.00,8959269.60,true,Business Payment to Customer via API,254700000001 - "
    "JANE DOE,,Utility Account"
)
PREAMBLE = "Organization Name,EXAMPLE PAYROLL LTD\nOrganization Short Code,600999\n,\n"


def cells(**changes: str) -> str:
    """The GOOD row with some cells replaced (by field name), re-quoted where needed."""
    names = [
        "receipt",
        "completed",
        "initiated",
        "details",
        "status",
        "paid_in",
        "withdrawn",
        "balance",
        "confirmed",
        "reason",
        "other",
        "linked",
        "account",
    ]
    values = dict(zip(names, GOOD.split(","), strict=True))
    values.update(changes)
    return ",".join(f'"{v}"' if "," in v else v for v in values.values())


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (cells(withdrawn="1,5x0.00"), 'Withdrawn: "1,5x0.00" is not an amount'),
        (cells(withdrawn="1,50.00"), 'Withdrawn: "1,50.00" is not an amount'),
        (cells(withdrawn="NaN"), 'Withdrawn: "NaN" is not an amount'),
        (cells(withdrawn="1e3"), 'Withdrawn: "1e3" is not an amount'),
        (cells(withdrawn="12.345"), 'Withdrawn: "12.345" has fractions of a cent'),
        (cells(paid_in="-5.00", withdrawn=""), 'Paid In: "-5.00" is negative'),
        (cells(withdrawn=""), "Paid In and Withdrawn are both empty"),
        (cells(balance="n/a"), 'Balance: "n/a" is not an amount'),
        (cells(receipt=""), "Receipt No. is empty"),
        (cells(receipt="SG6 0000"), 'Receipt No.: "SG6 0000" is not a receipt number'),
        (cells(completed=""), "Completion Time is empty"),
        (
            cells(completed="32-07-2024 10:00:00"),
            'Completion Time: "32-07-2024 10:00:00" is not a valid date and time',
        ),
        (
            cells(completed="07/6/2024 22:48"),
            'Completion Time: "07/6/2024 22:48" is not a date and time '
            "(expected DD-MM-YYYY HH:MM:SS",
        ),
        (cells(completed="yesterday"), 'Completion Time: "yesterday" is not a date and time'),
        (
            cells(initiated="06-07-2024 25:00:00"),
            'Initiation Time: "06-07-2024 25:00:00" is not a valid',
        ),
        (cells(confirmed="maybe"), 'Balance Confirmed: "maybe" is not true or false'),
        (GOOD + ",extra", "too many cells: 14, the header on line 4 has 13"),
        (GOOD.rsplit(",", 1)[0], "too few cells: 12, the header on line 4 has 13"),
        ("garbage", "too few cells: 1, the header on line 4 has 13"),
        ('"SG1"x,' + GOOD.split(",", 1)[1], "the CSV is malformed"),
    ],
)
def test_bad_row_is_reported_and_good_rows_kept(row: str, reason: str) -> None:
    text = f"{PREAMBLE}{HEADER}\n{GOOD}\n{row}\n{GOOD.replace('AB1', 'AB2')}\n"
    parsed = parse_statement(text)
    assert [line.line_number for line in parsed.lines] == [5, 7]
    assert (parsed.rows_read, parsed.rows_kept, parsed.rows_refused) == (3, 2, 1)
    (error,) = parsed.errors
    assert error.line_number == 6
    assert error.reason.startswith(reason), error.reason
    assert error.raw == row
    assert str(error) == error.message == f"line 6: {error.reason}"


def test_every_problem_of_a_row_is_named() -> None:
    parsed = parse_statement(f"{HEADER}\n{cells(receipt='', withdrawn='1,5x0.00')}\n")
    assert parsed.errors[0].reason == (
        'Receipt No. is empty; Withdrawn: "1,5x0.00" is not an amount'
    )


def test_example_message_from_the_brief() -> None:
    rows = "\n".join([GOOD] * 4)
    text = f"{PREAMBLE}{HEADER}\n{rows}\n{cells(withdrawn='1,5x0.00')}\n"
    (error,) = parse_statement(text).errors
    assert error.message == 'line 9: Withdrawn: "1,5x0.00" is not an amount'


def test_only_one_money_column_present() -> None:
    text = "Receipt No.,Completion Time,Details,Withdrawn\nR1,06-07-2024 22:48:52,x,\n"
    (error,) = parse_statement(text).errors
    assert error.reason == "Withdrawn is empty"


def test_unterminated_quote_swallows_to_the_end_but_is_reported() -> None:
    text = f'{HEADER}\n{GOOD}\n"SG1,oops\n{GOOD}\n'
    parsed = parse_statement(text)
    assert [line.line_number for line in parsed.lines] == [2]
    (error,) = parsed.errors
    assert error.line_number == 3
    assert isinstance(error, RowError)
    assert GOOD in error.raw


def test_reader_continues_after_a_malformed_row() -> None:
    text = f'{HEADER}\n"x"y,1\n{GOOD}\n'
    parsed = parse_statement(text)
    assert [e.line_number for e in parsed.errors] == [2]
    assert [line.line_number for line in parsed.lines] == [3]
