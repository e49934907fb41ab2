"""A statement line whose Transaction Status is not Completed is no evidence of payment: it must
neither overturn a failure nor resolve an open payout (both engines)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from adapters.statement_import import import_statement
from ledger import CallbackUrlBuilder, EventStore, PayoutInstruction, PayoutService, PayoutStatus
from ledger.deliveries import record_callback
from projections.reconciliation import NAIROBI, reconcile_day
from tests.ledger.fakes import FakeGateway, failure, timeout
from tests.ledger.test_deliveries import raw

EAT = timezone(timedelta(hours=3))
HEADER = (
    "Organization Name,EXAMPLE PAYROLL LTD\n"
    "Organization Short Code,600999\n"
    "Time Period,06-07-2024 00:00:00 - 06-07-2024 23:59:59\n"
    ",\n"
    "Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,"
    "Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No.\n"
)


def line(receipt: str, msisdn: str, amount: int, status: str) -> str:
    return (
        f"{receipt},06-07-2024 22:48:52,06-07-2024 22:48:51,Business Payment to {msisdn} - "
        f"JANE DOE,{status},,-{amount}.00,8959269.60,true,Business Payment to Customer via "
        f"API,{msisdn} - JANE DOE,,Utility Account\n"
    )


def test_failed_statement_lines_prove_nothing(store: EventStore) -> None:
    at = datetime(2024, 7, 6, 22, 48, 50, tzinfo=EAT).astimezone(UTC)
    service = PayoutService(
        store, FakeGateway(), CallbackUrlBuilder("https://cb.example"), clock=lambda: at
    )
    service.send_payout(PayoutInstruction("p1", "BusinessPayment", 1500, "254700000001", "Pay"))
    service.send_payout(PayoutInstruction("p2", "BusinessPayment", 2000, "254700000002", "Pay"))
    record_callback(store, raw(delivery_id="f1"), "p1", failure("p1", code="2001"))
    record_callback(store, raw(route="timeout", delivery_id="t2"), "p2", timeout("p2"))
    csv = (
        HEADER
        + line("SG60000AB3", "254700000001", 1500, "Failed")
        + line("SGFAIL02", "254700000002", 2000, "Failed")
    )
    import_statement(store, csv.encode())
    rec = reconcile_day(store, date(2024, 7, 6), shortcode="600999", tz=NAIROBI)
    assert service.require("p1").status is PayoutStatus.FAILED
    assert service.require("p2").status is PayoutStatus.TIMED_OUT
    assert rec.count("failed_but_paid") == 0 and rec.count("resolved_pending") == 0
    assert rec.count("pending") == 1 and rec.count("failed_not_paid") == 1
    assert rec.count("unknown_to_ledger") == 0
