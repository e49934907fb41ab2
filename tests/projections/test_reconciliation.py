"""The daily reconciliation: one crafted case per category, totals, balances, determinism, CLI."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import attrs
import click
import pytest
from click.testing import CliRunner

from adapters.reconcile_cli import reconcile_command
from adapters.report_render import render_csv, render_html, render_json, render_table
from adapters.statement_import import import_statement
from ledger import (
    CallbackUrlBuilder,
    EventStore,
    OutcomeUnknown,
    PayoutInstruction,
    PayoutResolved,
    PayoutService,
    PayoutStatus,
    Rejected,
    ResultReceived,
    payout_stream,
)
from ledger.deliveries import record_callback
from projections import PayoutStateProjection, rebuild
from projections.reconciliation import (
    CATEGORIES,
    Category,
    PayoutReceiptsProjection,
    Reconciliation,
    StatementLinesProjection,
    reconcile_day,
)
from tests.ledger.fakes import NAIROBI, FakeGateway, timeout
from tests.ledger.test_deliveries import raw

SHORTCODE = "600999"
DAY = date(2024, 7, 6)
HEADER = (
    "Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,"
    "Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No."
)


def at(hour: int, minute: int = 0, second: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=NAIROBI)


class Ledger:
    """Builds ledger states through the real commands and callbacks (PayoutService + fakes)."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.now = at(0)
        self.gateway = FakeGateway(shortcode=SHORTCODE)
        self.service = PayoutService(
            store, self.gateway, CallbackUrlBuilder("https://x.example"), clock=lambda: self.now
        )
        self._deliveries = 0

    def send(
        self, ocid: str, amount: int, msisdn: str, when: datetime, *, outcome: object = None
    ) -> None:
        self.now = when
        if outcome is not None:
            self.gateway.outcomes[ocid] = outcome  # type: ignore[assignment]
        self.service.send_payout(
            PayoutInstruction(ocid, "BusinessPayment", amount, msisdn, "Salary")
        )

    def _delivery(self) -> str:
        self._deliveries += 1
        return f"d{self._deliveries}"

    def succeed(
        self,
        ocid: str,
        receipt: str,
        amount: int,
        msisdn: str,
        when: datetime,
        *,
        funds: Decimal | None = None,
    ) -> None:
        d = self._delivery()
        result = ResultReceived(
            delivery_id=d,
            result_code="0",
            result_desc="ok",
            conversation_id=f"AG_{ocid}",
            transaction_id=receipt,
            result_type=0,
            receipt=receipt,
            amount=amount,
            completed_at=when,
            receiver_msisdn=msisdn,
            utility_account_funds=funds,
        )
        record_callback(self.store, raw(delivery_id=d, body=d.encode()), ocid, result)

    def fail(self, ocid: str, transaction_id: str | None = None) -> None:
        d = self._delivery()
        result = ResultReceived(
            delivery_id=d,
            result_code="2001",
            result_desc="The initiator information is invalid.",
            conversation_id=f"AG_{ocid}",
            transaction_id=transaction_id,
            result_type=0,
        )
        record_callback(self.store, raw(delivery_id=d, body=d.encode()), ocid, result)

    def time_out(self, ocid: str) -> None:
        d = self._delivery()
        record_callback(
            self.store, raw(route="timeout", delivery_id=d, body=d.encode()), ocid, timeout(ocid, d)
        )


@attrs.frozen
class Row:
    receipt: str
    when: datetime
    amount: Decimal
    msisdn: str = ""
    kind: str = "payout"  # payout | charge | transfer_in
    balance_delta: Decimal = Decimal(0)  # tamper with the stated balance


def statement(
    rows: list[Row],
    *,
    opening: Decimal = Decimal("1000000.00"),
    preamble: bool = True,
    fmt: str = "%d-%m-%Y %H:%M:%S",
) -> bytes:
    """A statement CSV of these rows, with a consistent Balance column (unless tampered)."""
    out = []
    if preamble:
        out += [
            "Organization Name,EXAMPLE PAYROLL LTD",
            f"Organization Short Code,{SHORTCODE}",
            "Time Period,06-07-2024 00:00:00 - 06-07-2024 23:59:59",
            ",",
        ]
    out.append(HEADER)
    balance = opening
    for r in rows:
        t = r.when.strftime(fmt)
        if r.kind == "payout":
            balance -= r.amount
            details = f"Business Payment to {r.msisdn} - JANE DOE"
            cells = [
                r.receipt,
                t,
                t,
                details,
                "Completed",
                "",
                f"-{r.amount:.2f}",
                f"{balance + r.balance_delta:.2f}",
                "true",
                "Business Payment to Customer via API",
                f"{r.msisdn} - JANE DOE",
                "",
                "Utility Account",
            ]
        elif r.kind == "charge":
            balance -= r.amount
            cells = [
                r.receipt,
                t,
                t,
                "Business Payment Charge",
                "Completed",
                "",
                f"-{r.amount:.2f}",
                f"{balance + r.balance_delta:.2f}",
                "true",
                "Business Payment Charge",
                "",
                "",
                "Utility Account",
            ]
        else:
            balance += r.amount
            cells = [
                r.receipt,
                t,
                t,
                "Funds Transfer from Working Account",
                "Completed",
                f"{r.amount:.2f}",
                "",
                f"{balance + r.balance_delta:.2f}",
                "true",
                "Organization Funds Transfer",
                f"{SHORTCODE} - EXAMPLE PAYROLL LTD",
                "",
                "Utility Account",
            ]
        out.append(",".join(cells))
    return ("\n".join(out) + "\n").encode()


def by_category(rec: Reconciliation) -> dict[Category, list[str]]:
    """Each category's items as 'ocid' or 'line:<receipt>' for statement-only items."""
    return {
        c: [i.ocid if i.ocid else f"line:{i.receipt}" for i in rec.items(c)] for c in CATEGORIES
    }


def report_json(rec: Reconciliation) -> str:
    out = io.StringIO()
    render_json(rec, out)
    return out.getvalue()


def D(text: str) -> Decimal:
    return Decimal(text)


@pytest.fixture
def ledger(store: EventStore) -> Ledger:
    return Ledger(store)


def build_every_category(ledger: Ledger) -> list[Row]:
    """One or more payouts per category and the statement rows that go with them."""
    rows: list[Row] = []
    # matched
    ledger.send("matched", 1500, "254700000001", at(9))
    ledger.succeed("matched", "RMATCH1", 1500, "254700000001", at(9, 0, 5))
    rows += [
        Row("RMATCH1", at(9, 0, 5), D("1500"), "254700000001"),
        Row("RMATCH1", at(9, 0, 5), D("15"), kind="charge"),
    ]
    # amount_mismatch
    ledger.send("mismatch", 1000, "254700000002", at(9, 30))
    ledger.succeed("mismatch", "RMISM01", 1000, "254700000002", at(9, 30, 5))
    rows.append(Row("RMISM01", at(9, 30, 5), D("1100"), "254700000002"))
    # missing_from_statement
    ledger.send("missing", 800, "254700000003", at(10))
    ledger.succeed("missing", "RMISS01", 800, "254700000003", at(10, 0, 5))
    # carried_over (completed in the last 30 minutes of the day)
    ledger.send("carried", 900, "254700000004", at(23, 45))
    ledger.succeed("carried", "RCARR01", 900, "254700000004", at(23, 45, 10))
    # unknown_to_ledger
    rows.append(Row("RUNKN01", at(11), D("700"), "254722000009"))
    # resolved_pending: timed out, outcome unknown, still submitted; all paid on the statement
    ledger.send("timedout", 250, "254700000005", at(12))
    ledger.time_out("timedout")
    rows.append(Row("RRESO01", at(12, 0, 40), D("250"), "254700000005"))
    ledger.send(
        "unknownout",
        260,
        "254700000006",
        at(12, 10),
        outcome=OutcomeUnknown("read_timeout", "no reply"),
    )
    rows.append(Row("RRESO02", at(12, 11), D("260"), "254700000006"))
    ledger.send("submitted", 270, "254700000007", at(12, 20))
    rows.append(Row("RRESO03", at(12, 20, 30), D("270"), "254700000007"))
    # pending: submitted, timed out, unknown; not on the statement
    ledger.send("pend-sub", 300, "254700000011", at(13))
    ledger.send("pend-to", 310, "254700000012", at(13, 1))
    ledger.time_out("pend-to")
    ledger.send(
        "pend-unk",
        320,
        "254700000013",
        at(13, 2),
        outcome=OutcomeUnknown("read_timeout", "no reply"),
    )
    # failed_not_paid: failed and rejected, not on the statement
    ledger.send("failed", 400, "254700000021", at(14))
    ledger.fail("failed", "RFAIL01")
    ledger.send(
        "rejected",
        410,
        "254700000022",
        at(14, 1),
        outcome=Rejected(400, "400.002.02", "Bad Request", "r1"),
    )
    # failed_but_paid: by the failure's receipt, and by recipient and amount
    ledger.send("fbp-receipt", 500, "254700000031", at(15))
    ledger.fail("fbp-receipt", "RFBP001")
    rows.append(Row("RFBP001", at(15, 0, 5), D("500"), "254700000031"))
    ledger.send("fbp-fuzzy", 510, "254700000032", at(15, 10))
    ledger.fail("fbp-fuzzy")
    rows.append(Row("RFBP002", at(15, 10, 20), D("510"), "254700000032"))
    # paid_twice: two receipts for one payout; and a second debit that fits a matched payout
    ledger.send("twice-receipts", 600, "254700000041", at(16))
    ledger.succeed("twice-receipts", "RTWC001", 600, "254700000041", at(16, 0, 5))
    ledger.succeed("twice-receipts", "RTWC002", 600, "254700000041", at(16, 0, 9))
    rows += [
        Row("RTWC001", at(16, 0, 5), D("600"), "254700000041"),
        Row("RTWC002", at(16, 0, 9), D("600"), "254700000041"),
    ]
    ledger.send("twice-line", 610, "254700000042", at(16, 30))
    ledger.succeed("twice-line", "RTWC003", 610, "254700000042", at(16, 30, 5))
    rows += [
        Row("RTWC003", at(16, 30, 5), D("610"), "254700000042"),
        Row("RTWC004", at(16, 31), D("610"), "254700000042"),
    ]
    # a transfer between the organisation's own accounts: no category, in the totals
    rows.append(Row("RTRF001", at(17), D("50000"), kind="transfer_in"))
    rows.sort(key=lambda r: r.when)
    return rows


EXPECTED = {
    Category.MATCHED: ["matched", "twice-line"],  # its second debit is in paid_twice
    Category.AMOUNT_MISMATCH: ["mismatch"],
    Category.MISSING_FROM_STATEMENT: ["missing"],
    Category.CARRIED_OVER: ["carried"],
    Category.UNKNOWN_TO_LEDGER: ["line:RUNKN01"],
    Category.RESOLVED_PENDING: ["submitted", "timedout", "unknownout"],
    Category.PENDING: ["pend-sub", "pend-to", "pend-unk"],
    Category.FAILED_NOT_PAID: ["failed", "rejected"],
    Category.FAILED_BUT_PAID: ["fbp-fuzzy", "fbp-receipt"],
    Category.PAID_TWICE: ["twice-line", "twice-receipts"],
}


def test_every_category(store: EventStore, ledger: Ledger) -> None:
    rows = build_every_category(ledger)
    report = import_statement(store, statement(rows))
    assert report.rows_kept == len(rows) and report.rows_refused == 0
    rec = reconcile_day(store, DAY, shortcode=SHORTCODE)
    assert by_category(rec) == EXPECTED
    assert rec.totals.resolutions_appended == 5  # 3 open, 2 failed
    assert rec.exit_status == 3
    t = rec.totals
    assert t.category(Category.MATCHED).value == D("2110.00")
    assert t.category(Category.AMOUNT_MISMATCH).value == D("1100.00")
    assert t.category(Category.PAID_TWICE).count == 2
    assert t.charges.count == 1 and t.charges.amount == D("15.00")
    assert t.other_in.count == 1 and t.other_in.amount == D("50000.00")
    assert t.statement_payouts.count == 12
    assert dict(t.statement_by_command)["BusinessPayment"].count == 12
    assert t.balance.consistent and t.balance.opening == D("1000000.00")
    paid_twice = list(rec.items(Category.PAID_TWICE))
    assert paid_twice[0].receipt == "RTWC004" and "second debit" in paid_twice[0].note
    assert "RTWC001, RTWC002" in paid_twice[1].note

    # the payouts the statement proves paid are resolved, by events, with the line as evidence
    states = {p: ledger.service.require(p) for p in ("timedout", "fbp-fuzzy")}
    assert states["timedout"].status is PayoutStatus.SUCCEEDED
    assert states["timedout"].receipt == "RRESO01"
    assert "failure_overturned" in states["fbp-fuzzy"].flags
    resolved = [
        e.event
        for e in store.read_stream(payout_stream("timedout"))
        if isinstance(e.event, PayoutResolved)
    ]
    assert len(resolved) == 1
    assert resolved[0].source == "statement" and resolved[0].evidence_key == (
        "RRESO01|Business Payment to Customer via API|-250.00"
    )

    # a later run changes nothing: same categories, no new resolution, same bytes
    first = report_json(rec)
    again = reconcile_day(store, DAY, shortcode=SHORTCODE)
    assert again.totals.resolutions_appended == 0
    assert by_category(again) == EXPECTED
    assert report_json(again) == first


def test_rebuild_gives_a_byte_identical_report(store: EventStore, ledger: Ledger) -> None:
    rows = build_every_category(ledger)
    import_statement(store, statement(rows))
    before = report_json(reconcile_day(store, DAY, shortcode=SHORTCODE))
    for projection in (
        PayoutStateProjection(),
        StatementLinesProjection(),
        PayoutReceiptsProjection(),
    ):
        rebuild(store, projection, page_size=7)
    after = report_json(reconcile_day(store, DAY, shortcode=SHORTCODE, catch_up_first=False))
    assert after == before
    data = json.loads(after)
    assert set(data["categories"]) == {c.value for c in CATEGORIES}
    assert data["categories"]["matched"][0]["statement_amount"] == "1500.00"
    assert data["totals"]["categories"]["paid_twice"]["count"] == 2


def test_carried_over_becomes_missing_the_next_day(store: EventStore, ledger: Ledger) -> None:
    ledger.send("late", 900, "254700000004", at(23, 45))
    ledger.succeed("late", "RLATE01", 900, "254700000004", at(23, 45, 10))
    ledger.send("late2", 950, "254700000005", at(23, 50))
    ledger.succeed("late2", "RLATE02", 950, "254700000005", at(23, 50, 10))
    import_statement(store, statement([Row("RXFER01", at(20), D("10"), kind="transfer_in")]))
    rec = reconcile_day(store, DAY, shortcode=SHORTCODE)
    assert by_category(rec)[Category.CARRIED_OVER] == ["late", "late2"]
    # the next day's statement has late2 (completed yesterday at 23:50), not late
    nxt = DAY + timedelta(days=1)
    import_statement(
        store,
        statement(
            [
                Row("RLATE02", at(23, 50, 10), D("950"), "254700000005"),
                Row("RX2", at(8, day=nxt), D("5"), kind="transfer_in"),
            ]
        ),
    )
    rec2 = reconcile_day(store, nxt, shortcode=SHORTCODE)
    assert by_category(rec2)[Category.MISSING_FROM_STATEMENT] == ["late"]
    assert "carried over from 2024-07-06" in next(rec2.items(Category.MISSING_FROM_STATEMENT)).note
    assert rec2.totals.category(Category.MATCHED).count == 0
    assert by_category(reconcile_day(store, DAY, shortcode=SHORTCODE))[Category.MATCHED] == [
        "late2"
    ]


def test_closest_in_time_wins_and_the_tie_is_reported(store: EventStore, ledger: Ledger) -> None:
    for ocid, minute in (("a", 0), ("b", 2), ("c", 4)):
        ledger.send(ocid, 250, "254700000005", at(12, minute))
        ledger.time_out(ocid)
    # the line at 12:03 is 60 s from b and from c: a tie, broken by id; a is 180 s away
    import_statement(store, statement([Row("RTIE001", at(12, 3), D("250"), "254700000005")]))
    rec = reconcile_day(store, DAY, shortcode=SHORTCODE)
    cats = by_category(rec)
    assert cats[Category.RESOLVED_PENDING] == ["b"]
    assert cats[Category.PENDING] == ["a", "c"]
    note = next(rec.items(Category.RESOLVED_PENDING)).note
    assert "tie: the line also fits payout c" in note
    assert (
        next(reconcile_day(store, DAY, shortcode=SHORTCODE).items(Category.RESOLVED_PENDING)).note
        == note
    )


def test_outside_the_window_is_not_a_match(store: EventStore, ledger: Ledger) -> None:
    ledger.send("slow", 250, "254700000005", at(12))
    ledger.time_out("slow")
    import_statement(store, statement([Row("RSLOW01", at(13), D("250"), "254700000005")]))
    rec = reconcile_day(store, DAY, shortcode=SHORTCODE, match_window=timedelta(minutes=10))
    cats = by_category(rec)
    assert cats[Category.PENDING] == ["slow"]
    assert cats[Category.UNKNOWN_TO_LEDGER] == ["line:RSLOW01"]


def test_balance_breaks_and_utility_funds(store: EventStore, ledger: Ledger) -> None:
    ledger.send("p1", 1500, "254700000001", at(9))
    ledger.succeed("p1", "RBAL001", 1500, "254700000001", at(9, 0, 5), funds=D("998500.00"))
    ledger.send("p2", 100, "254700000002", at(10))
    ledger.succeed("p2", "RBAL002", 100, "254700000002", at(10, 0, 5), funds=D("1.00"))
    rows = [
        Row("RBAL001", at(9, 0, 5), D("1500"), "254700000001"),
        Row("RBAL002", at(10, 0, 5), D("100"), "254700000002"),
        Row("RBAL003", at(11), D("10"), kind="transfer_in", balance_delta=D("5")),
    ]
    import_statement(store, statement(rows))
    rec = reconcile_day(store, DAY, shortcode=SHORTCODE)
    b = rec.totals.balance
    assert b.opening == D("1000000.00") and b.breaks == 1 and not b.consistent
    assert b.closing_stated == D("998415.00") and b.closing_computed == D("998410.00")
    [brk] = rec.balance_breaks()
    assert brk.line_key.startswith("RBAL003") and brk.expected == D("998410.00")
    [mismatch] = rec.utility_funds_mismatches()
    assert mismatch.receipt == "RBAL002" and mismatch.statement_balance == D("998400.00")
    assert rec.totals.utility_funds_mismatches == 1


def test_descending_export_with_same_second_rows_rolls_forward(store: EventStore) -> None:
    rows = [
        Row("RDSC001", at(9), D("1500"), "254700000001"),
        Row("RDSC001", at(9), D("15"), kind="charge"),
        Row("RDSC002", at(10), D("100"), "254700000002"),
    ]
    data = statement(rows).decode().splitlines()
    head, body = data[:5], data[5:]
    import_statement(store, ("\n".join(head + body[::-1]) + "\n").encode())
    rec = reconcile_day(store, DAY, shortcode=SHORTCODE)
    assert rec.totals.balance.consistent and rec.totals.balance.breaks == 0


def test_renderers(store: EventStore, ledger: Ledger) -> None:
    import_statement(store, statement(build_every_category(ledger)))
    rec = reconcile_day(store, DAY, shortcode=SHORTCODE)
    csv_out, html_out = io.StringIO(), io.StringIO()
    render_csv(rec, csv_out)
    lines = csv_out.getvalue().splitlines()
    assert lines[0].startswith("category,ocid,receipt") and len(lines) == 1 + 18
    render_html(rec, html_out)
    page = html_out.getvalue()
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "http" not in page.replace("https://x.example", "")  # no external assets
    assert page.index("Failed but paid") < page.index("Show all")
    from rich.console import Console

    console = Console(file=io.StringIO(), width=200)
    render_table(rec, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "critical exception" in text and "Paid twice" in text


# -- the CLI ---------------------------------------------------------------------------------


def cli_group(db_url: str) -> click.Group:
    @click.group()
    @click.pass_context
    def group(ctx: click.Context) -> None:
        ctx.obj = {"db_url": db_url}

    group.add_command(reconcile_command)
    return group


def test_cli_exit_statuses(db_url: str, tmp_path: Path) -> None:
    store = EventStore.from_url(db_url)
    ledger = Ledger(store)
    ledger.send("ok", 1500, "254700000001", at(9))
    ledger.succeed("ok", "RCLI001", 1500, "254700000001", at(9, 0, 5))
    clean = tmp_path / "clean.csv"
    clean.write_bytes(statement([Row("RCLI001", at(9, 0, 5), D("1500"), "254700000001")]))
    runner = CliRunner()
    group = cli_group(db_url)
    out = tmp_path / "r.json"
    result = runner.invoke(
        group,
        [
            "reconcile",
            "--date",
            "2024-07-06",
            "--statement",
            str(clean),
            "--format",
            "json",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["totals"]["categories"]["matched"]["count"] == 1
    # without --statement: what is already imported (shortcode found from the lines)
    result = runner.invoke(group, ["reconcile", "--date", "2024-07-06", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "matched,ok,RCLI001" in result.output
    # a line the ledger does not know: critical, exit 3
    dirty = tmp_path / "dirty.csv"
    dirty.write_bytes(
        statement(
            [
                Row("RCLI001", at(9, 0, 5), D("1500"), "254700000001"),
                Row("RCLI002", at(9, 5), D("99"), "254700000099"),
            ]
        )
    )
    for fmt in ("table", "html"):
        result = runner.invoke(
            group, ["reconcile", "--date", "2024-07-06", "--statement", str(dirty), "--format", fmt]
        )
        assert result.exit_code == 3, result.output
    # errors: exit 1
    bad = tmp_path / "bad.csv"
    bad.write_text("not,a,statement\n")
    result = runner.invoke(group, ["reconcile", "--date", "2024-07-06", "--statement", str(bad)])
    assert result.exit_code == 1 and "no header row" in result.output
    no_code = tmp_path / "nocode.csv"
    no_code.write_bytes(statement([], preamble=False))
    result = runner.invoke(
        group, ["reconcile", "--date", "2024-07-06", "--statement", str(no_code)]
    )
    assert result.exit_code == 1 and "--shortcode" in result.output
    result = runner.invoke(group, ["reconcile", "--date", "2024-07-07"])
    assert result.exit_code == 1 and "--shortcode" in result.output
    assert "Exit status" in runner.invoke(group, ["reconcile", "--help"]).output
    store.close()
