"""Importing statements: one event per line, idempotent across re-imports and overlapping files,
refused rows reported and recorded (both backends)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.statement_import import StatementImportError, import_statement
from ledger import EventStore
from ledger.statement_events import StatementImported, StatementLineImported

FIXTURE = "statements/org_portal_2024-07-06.csv"
HEADER = (
    "Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,"
    "Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No."
)


def lines_of(store: EventStore) -> list[StatementLineImported]:
    return [e.event for e in store.read_all() if isinstance(e.event, StatementLineImported)]


def imports_of(store: EventStore) -> list[StatementImported]:
    return [e.event for e in store.read_all() if isinstance(e.event, StatementImported)]


def test_fixture_imports_one_event_per_line(store: EventStore, fixtures_dir: Path) -> None:
    report = import_statement(store, fixtures_dir / FIXTURE)
    assert (report.shortcode, report.rows_read, report.rows_kept, report.rows_refused) == (
        "600999",
        5,
        5,
        0,
    )
    stream = store.read_stream("statement-600999-2024-07-06")
    assert len(stream) == 5
    kinds = [e.event.kind for e in stream]
    assert kinds == ["payout", "charge", "payout", "payout", "other"]
    assert stream[0].event.other_party_msisdn == "254700000001"
    assert stream[0].event.command_id == "BusinessPayment"
    [imported] = imports_of(store)
    assert imported.rows_kept == 5 and imported.sha256 == report.sha256


def test_reimport_keeps_nothing_twice(store: EventStore, fixtures_dir: Path) -> None:
    import_statement(store, fixtures_dir / FIXTURE)
    again = import_statement(store, (fixtures_dir / FIXTURE).read_bytes())
    assert (again.rows_read, again.rows_kept, again.rows_known) == (5, 0, 5)
    assert len(lines_of(store)) == 5
    assert [i.rows_kept for i in imports_of(store)] == [5, 0]  # both attempts recorded


def test_overlapping_files(store: EventStore, fixtures_dir: Path) -> None:
    text = (fixtures_dir / FIXTURE).read_text().splitlines()
    head, body = text[:5], text[5:]
    first = "\n".join(head + body[:3]) + "\n"
    second = "\n".join(head + body[1:]) + "\n"
    a = import_statement(store, first.encode())
    b = import_statement(store, io.BytesIO(second.encode()))
    assert (a.rows_kept, b.rows_kept, b.rows_known) == (3, 2, 2)
    assert sorted(e.key for e in lines_of(store)) == sorted({e.key for e in lines_of(store)})
    assert len(lines_of(store)) == 5


def test_repeated_row_in_one_file_counts_once(store: EventStore, fixtures_dir: Path) -> None:
    text = (fixtures_dir / FIXTURE).read_text().splitlines()
    doubled = "\n".join([*text, text[5]]) + "\n"
    report = import_statement(store, doubled.encode())
    assert (report.rows_read, report.rows_kept, report.rows_duplicate) == (6, 5, 1)
    assert len(lines_of(store)) == 5


def test_refused_rows_are_reported_and_recorded(store: EventStore) -> None:
    body = "\n".join(
        [
            HEADER,
            "SG1,06-07-2024 10:00:00,,Business Payment to 254700000001 - A,Completed,,-10.00,"
            "90.00,true,Business Payment to Customer via API,254700000001 - A,,Utility Account",
            "SG2,31-02-2024 10:00:00,,x,Completed,,-10.00,80.00,true,x,,,",
            "SG3,06-07-2024 10:00:00,,x,Completed,,1,5x0.00,80.00,true,x,,,",
        ]
    )
    report = import_statement(store, body.encode(), shortcode="600111")
    assert (report.rows_read, report.rows_kept, report.rows_refused) == (3, 1, 2)
    assert [e.line_number for e in report.errors] == [3, 4]
    assert "Completion Time" in report.errors[0].reason
    [imported] = imports_of(store)
    assert imported.rows_refused == 2
    assert [e.line_number for e in imported.errors] == [3, 4]
    assert imported.errors[1].raw.startswith("SG3,")
    assert store.read_stream("statement-600111-2024-07-06")[0].event.receipt == "SG1"


def test_variants_iso_dates_quoted_amounts_positive_withdrawn(store: EventStore) -> None:
    body = "\n".join(
        [
            "Receipt No.,Completion Time,Details,Paid In,Withdrawn,Balance",
            'SG9,2024-07-06 23:30:00,Business Payment to 254722000009 - M,,"1,500.00","8,500.00"',
            "SG8,2024-07-06 21:00:00,Salary Payment to 254722000008 - N,,-250.00,10000.00",
        ]
    )
    report = import_statement(store, body.encode(), shortcode="600999")
    assert report.rows_kept == 2
    events = {e.receipt: e for e in lines_of(store)}
    assert str(events["SG9"].withdrawn) == "1500.00" and events["SG9"].kind == "payout"
    assert events["SG8"].command_id == "SalaryPayment"


def test_shortcode_rules(store: EventStore, fixtures_dir: Path) -> None:
    no_preamble = f"{HEADER}\n".encode()
    with pytest.raises(StatementImportError, match="shortcode"):
        import_statement(store, no_preamble)
    with pytest.raises(StatementImportError, match="not of 123"):
        import_statement(store, fixtures_dir / FIXTURE, shortcode="123")
    assert import_statement(store, fixtures_dir / FIXTURE, shortcode="600999").rows_kept == 5


def test_large_import_in_chunks(store: EventStore) -> None:
    rows = [HEADER]
    balance = 10_000_000
    for i in range(2_500):
        balance -= 10
        rows.append(
            f"R{i:08d},06-07-2024 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d},,"
            f"Business Payment to 254700000001 - A,Completed,,-10.00,{balance}.00,true,"
            "Business Payment to Customer via API,254700000001 - A,,Utility Account"
        )
    report = import_statement(store, ("\n".join(rows) + "\n").encode(), shortcode="600999")
    assert report.rows_kept == 2_500
    assert (
        import_statement(store, ("\n".join(rows[:1500])).encode(), shortcode="600999").rows_known
        == 1_499
    )
