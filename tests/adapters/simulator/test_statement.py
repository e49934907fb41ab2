"""The organisation-portal statement export: layout, rows, and balances that roll forward."""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import itertools
import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.simulator import KENYA_TZ, STATEMENT_HEADER, InsufficientFunds, Simulator

from .conftest import START, FakeClock, Receiver, RunningSimulator, fast_config

DAY = date(2024, 7, 6)


def rows(statement: str) -> list[dict[str, str]]:
    lines = list(csv.reader(io.StringIO(statement)))
    header_at = lines.index(list(STATEMENT_HEADER))
    return [dict(zip(STATEMENT_HEADER, line, strict=True)) for line in lines[header_at + 1 :]]


def money(text: str) -> Decimal:
    return Decimal(text) if text else Decimal("0")


def assert_rolls_forward(all_rows: list[dict[str, str]], opening: Decimal) -> Decimal:
    balance = opening
    for row in all_rows:
        # Withdrawn is written negative, as in the fixture export.
        assert money(row["Withdrawn"]) <= 0
        balance = balance + money(row["Paid In"]) + money(row["Withdrawn"])
        assert Decimal(row["Balance"]) == balance, row
    return balance


def test_preamble_and_header_match_the_fixture(
    make_simulator: Callable[..., RunningSimulator], fixtures_dir: Path
) -> None:
    fixture = (fixtures_dir / "statements" / "org_portal_2024-07-06.csv").read_text()
    daraja = make_simulator(organisation_name="EXAMPLE PAYROLL LTD", shortcode="600999")
    exported = daraja.sim.statement_csv(DAY)
    assert exported.splitlines()[:5] == fixture.splitlines()[:5]
    assert rows(exported) == []


def test_rows_of_a_day(daraja: RunningSimulator, clock: FakeClock) -> None:
    sim = daraja.sim
    daraja.pay("p1", Amount=1500)  # charge 5
    clock.advance(60)
    daraja.pay("p2", Amount=250, CommandID="SalaryPayment", PartyB=254110000002)  # charge 5
    clock.advance(60)
    daraja.pay("p3", Amount=50, CommandID="PromotionPayment")  # free: no charge row
    clock.advance(60)
    unknown = sim.inject_unknown_payout("254722000009", 700)
    sim.top_up(50000)
    clock.advance(2 * 3600)  # past midnight in Nairobi: the next business day
    daraja.pay("p4", Amount=100)
    sim.wait_idle()

    today = rows(sim.statement_csv(DAY))
    assert [(r["Reason Type"], r["Withdrawn"], r["Paid In"]) for r in today] == [
        ("Business Payment to Customer via API", "-1500.00", ""),
        ("Business Payment Charge", "-5.00", ""),
        ("Salary Payment via API", "-250.00", ""),
        ("Salary Payment Charge", "-5.00", ""),
        ("Promotion Payment via API", "-50.00", ""),
        ("Business Payment to Customer via API", "-700.00", ""),
        ("Business Payment Charge", "-5.00", ""),
        ("Organization Funds Transfer", "", "50000.00"),
    ]
    transactions = sim.bank.transactions
    assert today[0]["Receipt No."] == today[1]["Receipt No."] == transactions[0].receipt
    assert today[2]["Receipt No."] == today[3]["Receipt No."] == transactions[1].receipt
    assert today[5]["Receipt No."] == unknown.receipt
    first = today[0]
    assert first["Completion Time"] == "06-07-2024 22:48:51"
    assert first["Initiation Time"] == "06-07-2024 22:48:51"
    name = transactions[0].recipient_name
    assert first["Details"] == f"Business Payment to 254700000001 - {name}"
    assert first["Other Party Info"] == f"254700000001 - {name}"
    assert first["Transaction Status"] == "Completed"
    assert first["Balance Confirmed"] == "true"
    assert first["A/C No."] == "Utility Account"
    assert today[2]["Details"].startswith("Salary Payment to 254110000002 - ")
    assert today[7]["Details"] == "Funds Transfer from Working Account"
    assert today[7]["Other Party Info"] == "600999 - EXAMPLE PAYROLL LTD"
    end_of_day = assert_rolls_forward(today, Decimal("10000000.00"))

    tomorrow = rows(sim.statement_csv(DAY + timedelta(days=1)))
    assert [r["Completion Time"] for r in tomorrow] == ["07-07-2024 00:51:51"]
    assert assert_rolls_forward(tomorrow, end_of_day) == sim.bank.balance


def test_payout_row_balance_is_the_callbacks_utility_funds(daraja: RunningSimulator) -> None:
    daraja.pay(Amount=1500)
    daraja.sim.wait_idle()
    [callback] = daraja.receiver.received("/result")
    params = {
        p["Key"]: p["Value"]
        for p in callback.json()["Result"]["ResultParameters"]["ResultParameter"]
    }
    payout, charge = rows(daraja.sim.statement_csv(DAY))
    assert Decimal(payout["Balance"]) == params["B2CUtilityAccountAvailableFunds"]
    assert Decimal(charge["Balance"]) == params["B2CUtilityAccountAvailableFunds"] - 5


PAYOUT_REASONS = {
    "Business Payment to Customer via API",
    "Salary Payment via API",
    "Promotion Payment via API",
}
OUTCOMES = [
    "success",
    "fail",
    "timeout_then_result",
    "timeout_only_paid",
    "timeout_only_unpaid",
    "duplicate_delivery",
    "no_callback",
    "amount_changed",
]

operation = st.one_of(
    st.tuples(
        st.just("pay"),
        st.integers(min_value=1, max_value=300_000),
        st.sampled_from(["BusinessPayment", "SalaryPayment", "PromotionPayment"]),
        st.sampled_from(OUTCOMES),
        st.integers(min_value=0, max_value=4 * 3600),
    ),
    st.tuples(
        st.just("top_up"),
        st.integers(min_value=1, max_value=100_000),
        st.just(""),
        st.just(""),
        st.integers(min_value=0, max_value=3600),
    ),
    st.tuples(
        st.just("unknown"),
        st.integers(min_value=10, max_value=5000),
        st.sampled_from(["BusinessPayment", "SalaryPayment"]),
        st.just(""),
        st.integers(min_value=0, max_value=3600),
    ),
)


def _pay_body(receiver: Receiver, ocid: str, amount: int, command_id: str) -> dict[str, Any]:
    return {
        "OriginatorConversationID": ocid,
        "InitiatorName": "api_initiator",
        "SecurityCredential": "x",
        "CommandID": command_id,
        "Amount": amount,
        "PartyA": "600999",
        "PartyB": "254700000001",
        "Remarks": "r",
        "QueueTimeOutURL": f"{receiver.url}/timeout",
        "ResultURL": f"{receiver.url}/result",
    }


@settings(max_examples=40)
@given(
    opening=st.integers(min_value=0, max_value=400_000),
    operations=st.lists(operation, max_size=25),
)
def test_statement_balances_always_roll_forward(
    shared_receiver: Receiver, opening: int, operations: list[tuple[str, int, str, str, int]]
) -> None:
    clock = FakeClock(START)
    # The property drives the simulator's wire handlers directly (no HTTP) to stay fast;
    # the callbacks still go to a real receiver.
    config = fast_config(clock, opening_balance=opening, token_lifetime=10**9)
    with Simulator(config) as sim:
        basic = base64.b64encode(b"sim-consumer-key:sim-consumer-secret").decode()
        reply = sim.handle_token(f"Basic {basic}", "client_credentials")
        token = json.loads(reply.body)["access_token"]
        for index, (kind, amount, command_id, outcome, seconds) in enumerate(operations):
            clock.advance(seconds)
            if kind == "pay":
                ocid = f"ocid-{index}"
                if outcome == "fail":
                    sim.script(outcome, originator_conversation_id=ocid, result_code=2040)
                else:
                    sim.script(outcome, originator_conversation_id=ocid)
                body = json.dumps(_pay_body(shared_receiver, ocid, amount, command_id))
                assert sim.handle_payment(f"Bearer {token}", body.encode()).status == 200
            elif kind == "top_up":
                sim.top_up(amount)
            else:
                with contextlib.suppress(InsufficientFunds):
                    sim.inject_unknown_payout("254722000009", amount, command_id)
        sim.wait_idle()

        first_day = START.date()
        last_day = clock().astimezone(KENYA_TZ).date()
        all_rows: list[dict[str, str]] = []
        day = first_day
        while day <= last_day:
            all_rows.extend(rows(sim.statement_csv(day)))
            day += timedelta(days=1)

        assert assert_rolls_forward(all_rows, Decimal(opening)) == sim.bank.balance
        assert sim.bank.balance >= 0
        payout_receipts = [r["Receipt No."] for r in all_rows if r["Reason Type"] in PAYOUT_REASONS]
        assert sorted(payout_receipts) == sorted(t.receipt for t in sim.bank.transactions)
        assert len(set(payout_receipts)) == len(payout_receipts)
        for previous, row in itertools.pairwise(all_rows):
            if row["Reason Type"].endswith("Charge"):
                assert previous["Reason Type"] in PAYOUT_REASONS
                assert previous["Receipt No."] == row["Receipt No."]
        paid = {t.originator_conversation_id for t in sim.bank.transactions}
        for record in sim.payments:
            assert (record.receipt is not None) == (record.originator_conversation_id in paid)
            if record.outcome.value in ("fail", "timeout_only_unpaid"):
                assert record.receipt is None
