"""The shared fixture statement (org_portal_2024-07-06.csv) parses into the five lines it holds."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from adapters.statements import KENYA_TIME, StatementParse, parse_statement, parse_statement_file


@pytest.fixture(scope="module")
def fixture_path(fixtures_dir: Path) -> Path:
    return fixtures_dir / "statements" / "org_portal_2024-07-06.csv"


@pytest.fixture(scope="module")
def parsed(fixture_path: Path) -> StatementParse:
    return parse_statement(fixture_path)


def test_header_from_preamble(parsed: StatementParse) -> None:
    assert parsed.header is not None
    assert parsed.header.organisation_name == "EXAMPLE PAYROLL LTD"
    assert parsed.header.shortcode == "600999"
    assert parsed.header.period_start == datetime(2024, 7, 6, 0, 0, 0, tzinfo=KENYA_TIME)
    assert parsed.header.period_end == datetime(2024, 7, 6, 23, 59, 59, tzinfo=KENYA_TIME)
    assert parsed.encoding == "utf-8"
    assert parsed.columns[0] == "Receipt No." and parsed.columns[-1] == "A/C No."


def test_counts(parsed: StatementParse) -> None:
    assert (parsed.rows_read, parsed.rows_kept, parsed.rows_refused) == (5, 5, 0)
    assert parsed.errors == ()


def test_lines(parsed: StatementParse) -> None:
    summary = [
        (line.line_number, line.receipt, line.kind, line.command_id, line.other_party_msisdn)
        for line in parsed.lines
    ]
    assert summary == [
        (6, "SG60000AB1", "payout", "BusinessPayment", "254700000001"),
        (7, "SG60000AB1", "charge", "BusinessPayment", None),
        (8, "SG60000AB2", "payout", "SalaryPayment", "254110000002"),
        (9, "SG60000AB9", "payout", "BusinessPayment", "254722000009"),
        (10, "SG60000AC0", "other", None, None),
    ]


def test_first_payout_in_full(parsed: StatementParse) -> None:
    line = parsed.lines[0]
    assert line.completed_at.isoformat() == "2024-07-06T22:48:52+03:00"
    assert line.initiated_at is not None
    assert line.initiated_at.isoformat() == "2024-07-06T22:48:51+03:00"
    assert line.completed_at.utcoffset() == timedelta(hours=3)
    assert line.details == "Business Payment to 254700000001 - JANE DOE"
    assert line.status == "Completed"
    assert line.paid_in == Decimal("0")
    assert line.withdrawn == Decimal("1500.00")
    assert line.balance == Decimal("8959269.60")
    assert line.balance_confirmed is True
    assert line.reason_type == "Business Payment to Customer via API"
    assert line.other_party_info == "254700000001 - JANE DOE"
    assert line.linked_transaction_id == ""
    assert line.account == "Utility Account"


def test_payout_and_charge_share_receipt_but_not_key(parsed: StatementParse) -> None:
    payout, charge = parsed.lines[0], parsed.lines[1]
    assert payout.receipt == charge.receipt
    assert payout.key == "SG60000AB1|Business Payment to Customer via API|-1500.00"
    assert charge.key == "SG60000AB1|Business Payment Charge|-15.00"
    assert len({line.key for line in parsed.lines}) == 5


def test_funds_transfer_is_money_in(parsed: StatementParse) -> None:
    transfer = parsed.lines[4]
    assert transfer.paid_in == Decimal("50000.00")
    assert transfer.withdrawn == Decimal("0")
    assert transfer.signed_amount == Decimal("50000.00")
    assert transfer.key == "SG60000AC0|Organization Funds Transfer|50000.00"


def test_balance_rolls(parsed: StatementParse) -> None:
    lines = parsed.lines
    for before, after in itertools.pairwise(lines):
        assert before.balance is not None and after.balance is not None
        assert before.balance + after.signed_amount == after.balance


def test_every_source_form_gives_the_same_parse(fixture_path: Path) -> None:
    data = fixture_path.read_bytes()
    from_path = parse_statement(fixture_path)
    assert parse_statement(data) == from_path
    assert parse_statement_file(str(fixture_path)) == from_path
    assert parse_statement(data.decode("utf-8")) == attrs.evolve(from_path, encoding=None)
