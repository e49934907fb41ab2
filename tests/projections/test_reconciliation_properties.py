"""Property: a random day of payouts and its statement, with random discrepancies injected;
each injected discrepancy lands in exactly its category, and nothing else is flagged."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import hypothesis.strategies as st
from hypothesis import given, settings

from adapters.statement_import import import_statement
from ledger import EventStore, OutcomeUnknown, Rejected
from projections.reconciliation import CATEGORIES, Category, reconcile_day
from tests.projections.test_reconciliation import (
    DAY,
    SHORTCODE,
    Ledger,
    Row,
    at,
    by_category,
    statement,
)

# What each generated payout is made to be, and the category it must land in.
KINDS = {
    "matched": Category.MATCHED,
    "amount_mismatch": Category.AMOUNT_MISMATCH,
    "missing": Category.MISSING_FROM_STATEMENT,
    "carried": Category.CARRIED_OVER,
    "unknown_line": Category.UNKNOWN_TO_LEDGER,
    "timed_out_paid": Category.RESOLVED_PENDING,
    "unknown_paid": Category.RESOLVED_PENDING,
    "pending": Category.PENDING,
    "failed": Category.FAILED_NOT_PAID,
    "rejected": Category.FAILED_NOT_PAID,
    "failed_paid_receipt": Category.FAILED_BUT_PAID,
    "failed_paid_fuzzy": Category.FAILED_BUT_PAID,
    "two_receipts": Category.PAID_TWICE,
    "second_debit": Category.PAID_TWICE,
}

DAYS = st.lists(
    st.tuples(st.sampled_from(sorted(KINDS)), st.integers(10, 5000)), min_size=1, max_size=10
)


def build(store: EventStore, plan: list[tuple[str, int]]) -> dict[Category, list[str]]:
    ledger = Ledger(store)
    rows: list[Row] = []
    expected: dict[Category, list[str]] = {c: [] for c in CATEGORIES}
    for i, (kind, amount) in enumerate(plan):
        ocid = f"p{i:03d}"
        msisdn = f"2547000{i:05d}"  # one recipient per payout: no accidental fuzzy matches
        receipt = f"R{i:03d}A"
        hour = 1 + i  # an hour apart: clear of each other's match windows
        sent = at(hour)
        done = sent + timedelta(seconds=5)
        cat = KINDS[kind]
        if kind == "carried":
            sent, done = at(23, 40), at(23, 40, 5)
        if kind != "unknown_line":
            outcome = None
            if kind == "unknown_paid":
                outcome = OutcomeUnknown("read_timeout", "no reply")
            if kind == "rejected":
                outcome = Rejected(400, "400.002.02", "Bad Request", "r")
            ledger.send(ocid, amount, msisdn, sent, outcome=outcome)
        line = Row(receipt, done, Decimal(amount), msisdn)
        if kind in (
            "matched",
            "amount_mismatch",
            "missing",
            "carried",
            "two_receipts",
            "second_debit",
        ):
            ledger.succeed(ocid, receipt, amount, msisdn, done)
        if kind in ("matched", "two_receipts"):
            rows.append(line)
            if kind == "two_receipts":
                later = done + timedelta(seconds=3)
                ledger.succeed(ocid, f"R{i:03d}B", amount, msisdn, later)
        elif kind == "amount_mismatch":
            rows.append(Row(receipt, done, Decimal(amount + 1), msisdn))
        elif kind == "unknown_line":
            rows.append(line)
            expected[cat].append(f"line:{receipt}")
            continue
        elif kind == "timed_out_paid":
            ledger.time_out(ocid)
            rows.append(line)
        elif kind == "unknown_paid":
            rows.append(line)
        elif kind == "failed":
            ledger.fail(ocid, receipt)
        elif kind == "failed_paid_receipt":
            ledger.fail(ocid, receipt)
            rows.append(line)
        elif kind == "failed_paid_fuzzy":
            ledger.fail(ocid)
            rows.append(line)
        elif kind == "second_debit":
            rows.append(line)
            rows.append(Row(f"R{i:03d}B", done + timedelta(seconds=30), Decimal(amount), msisdn))
            expected[Category.MATCHED].append(ocid)  # the payout matched, its 2nd debit flagged
        expected[cat].append(ocid)
    rows.sort(key=lambda r: r.when)
    import_statement(store, statement(rows))
    return {c: sorted(v) for c, v in expected.items()}


@settings(max_examples=15)
@given(plan=DAYS)
def test_each_discrepancy_lands_in_its_category(databases, plan) -> None:  # type: ignore[no-untyped-def]
    store = EventStore.from_url(databases.new_url())
    try:
        expected = build(store, plan)
        rec = reconcile_day(store, DAY, shortcode=SHORTCODE)
        got = {c: sorted(v) for c, v in by_category(rec).items()}
        assert got == expected
        assert rec.totals.balance.consistent
        critical = any(
            expected[c]
            for c in (
                Category.FAILED_BUT_PAID,
                Category.PAID_TWICE,
                Category.UNKNOWN_TO_LEDGER,
                Category.MISSING_FROM_STATEMENT,
                Category.AMOUNT_MISMATCH,
            )
        )
        assert rec.exit_status == (3 if critical else 0)
        again = reconcile_day(store, DAY, shortcode=SHORTCODE)
        assert {c: sorted(v) for c, v in by_category(again).items()} == expected
    finally:
        store.close()
