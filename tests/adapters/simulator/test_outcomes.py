"""Acceptance, the result callbacks and every scripted outcome, over real loopback HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.simulator import FAILURE_DESCRIPTIONS, Outcome, ResultCode

from .conftest import MSISDN, RunningSimulator

OPENING = Decimal("10000000.00")


def parameters(callback: dict[str, Any]) -> dict[str, Any]:
    wrapped = callback["Result"]["ResultParameters"]["ResultParameter"]
    return {item["Key"]: item["Value"] for item in wrapped}


def test_acceptance_and_success_callback(daraja: RunningSimulator, fixtures_dir: Path) -> None:
    ack_fixture = json.loads((fixtures_dir / "daraja" / "b2c_ack_ok.json").read_text())
    result_fixture = json.loads((fixtures_dir / "daraja" / "b2c_result_success.json").read_text())

    reply = daraja.pay("ocid-2024-07-06-0001")

    assert reply.status_code == 200
    ack = reply.json()
    assert ack.keys() == ack_fixture.keys()
    assert re.fullmatch(r"AG_20240706_[0-9a-f]{20}", ack["ConversationID"])
    assert ack["OriginatorConversationID"] == "ocid-2024-07-06-0001"
    assert ack["ResponseCode"] == "0"
    assert ack["ResponseDescription"] == "Accept the service request successfully."

    daraja.sim.wait_idle()
    [callback] = daraja.receiver.received("/result")
    assert daraja.receiver.received("/timeout") == []
    body = callback.json()
    result = body["Result"]
    assert result.keys() == result_fixture["Result"].keys()
    assert result["ResultCode"] == 0
    assert result["ResultType"] == 0
    assert result["ResultDesc"] == "The service request is processed successfully."
    assert result["ConversationID"] == ack["ConversationID"]
    assert result["OriginatorConversationID"] == "ocid-2024-07-06-0001"
    assert result["ReferenceData"] == result_fixture["Result"]["ReferenceData"]
    params = parameters(body)
    assert list(params) == list(parameters(result_fixture))
    [transaction] = daraja.sim.bank.transactions
    assert params["TransactionAmount"] == 1500
    assert params["TransactionReceipt"] == result["TransactionID"] == transaction.receipt
    assert re.fullmatch(r"SG6[A-Z0-9]{7}", transaction.receipt)
    assert params["ReceiverPartyPublicName"] == f"{MSISDN} - {transaction.recipient_name}"
    assert re.fullmatch(r"[A-Z]+ [A-Z]+", transaction.recipient_name)
    assert params["TransactionCompletedDateTime"] == "06.07.2024 22:48:51"
    funds = params["B2CUtilityAccountAvailableFunds"]
    assert isinstance(funds, Decimal)
    assert funds == OPENING - 1500
    assert funds.as_tuple().exponent == -2  # cents written out, never a float
    assert b'"B2CUtilityAccountAvailableFunds", "Value": 9998500.00}' in callback.body
    assert params["B2CWorkingAccountAvailableFunds"] == Decimal("0.00")
    assert params["B2CChargesPaidAccountAvailableFunds"] == Decimal("0.00")
    assert params["B2CRecipientIsRegisteredCustomer"] == "Y"
    assert daraja.sim.bank.balance == OPENING - 1500 - 5


def test_same_seed_same_receipts(make_simulator: Callable[..., RunningSimulator]) -> None:
    receipts = []
    for _ in range(2):
        daraja = make_simulator(seed=42)
        for n in range(3):
            assert daraja.pay(f"ocid-{n}").status_code == 200
        receipts.append([t.receipt for t in daraja.sim.bank.transactions])
        daraja.sim.wait_idle()
    assert receipts[0] == receipts[1]
    assert len(set(receipts[0])) == 3


def test_recipient_names_are_deterministic(daraja: RunningSimulator) -> None:
    daraja.pay("a", PartyB=254700000009)
    daraja.pay("b", PartyB=254700000009)
    daraja.pay("c", PartyB=254110000002)
    names = [t.recipient_name for t in daraja.sim.bank.transactions]
    assert names[0] == names[1]
    daraja.sim.wait_idle()


def test_repeated_ocid_is_refused_and_not_paid_twice(daraja: RunningSimulator) -> None:
    assert daraja.pay("ocid-dup").status_code == 200
    again = daraja.pay("ocid-dup", Amount=99)
    assert again.status_code == 500
    assert again.json()["errorCode"] == "500.002.1001"
    assert again.json()["errorMessage"] == "Duplicate OriginatorConversationID."
    daraja.sim.wait_idle()
    assert len(daraja.sim.bank.transactions) == 1
    assert len(daraja.receiver.received("/result")) == 1


@pytest.mark.parametrize("code", list(FAILURE_DESCRIPTIONS))
def test_scripted_failures(daraja: RunningSimulator, fixtures_dir: Path, code: ResultCode) -> None:
    fixture = json.loads(
        (fixtures_dir / "daraja" / "b2c_result_failure_initiator.json").read_text()
    )
    daraja.sim.script(Outcome.FAIL, party_b=MSISDN, result_code=code)
    assert daraja.pay().status_code == 200
    daraja.sim.wait_idle()
    [callback] = daraja.receiver.received("/result")
    result = callback.json()["Result"]
    assert result.keys() == fixture["Result"].keys()
    assert "ResultParameters" not in result
    assert result["ResultCode"] == code
    assert result["ResultDesc"] == FAILURE_DESCRIPTIONS[code]
    assert re.fullmatch(r"SG6[A-Z0-9]{7}", result["TransactionID"])
    assert daraja.sim.bank.transactions == ()
    assert daraja.sim.bank.balance == OPENING


def test_failure_text_for_2001_matches_the_fixture(fixtures_dir: Path) -> None:
    fixture = json.loads(
        (fixtures_dir / "daraja" / "b2c_result_failure_initiator.json").read_text()
    )
    assert FAILURE_DESCRIPTIONS[2001] == fixture["Result"]["ResultDesc"]


def test_configured_initiator_name(make_simulator: Callable[..., RunningSimulator]) -> None:
    daraja = make_simulator(initiator_name="api_initiator")
    daraja.pay("good")
    daraja.pay("bad", InitiatorName="someone_else")
    daraja.sim.wait_idle()
    codes = {
        c.json()["Result"]["OriginatorConversationID"]: c.json()["Result"]["ResultCode"]
        for c in daraja.receiver.received("/result")
    }
    assert codes == {"good": 0, "bad": 2001}
    assert [t.originator_conversation_id for t in daraja.sim.bank.transactions] == ["good"]


def test_amount_limits(daraja: RunningSimulator) -> None:
    daraja.pay("low", Amount=9)
    daraja.pay("high", Amount=250_001)
    daraja.pay("edge", Amount=250_000)
    daraja.sim.wait_idle()
    codes = {
        c.json()["Result"]["OriginatorConversationID"]: c.json()["Result"]["ResultCode"]
        for c in daraja.receiver.received("/result")
    }
    assert codes == {"low": 2, "high": 3, "edge": 0}


def test_insufficient_balance_is_result_code_1(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    daraja = make_simulator(opening_balance=Decimal("1000.00"))
    daraja.pay("too-much", Amount=996)  # 996 + charge 5 > 1000
    daraja.pay("exact", Amount=995)
    daraja.sim.wait_idle()
    results = [c.json()["Result"] for c in daraja.receiver.received("/result")]
    assert [(r["OriginatorConversationID"], r["ResultCode"]) for r in results] == [
        ("too-much", 1),
        ("exact", 0),
    ]
    assert results[0]["ResultDesc"] == FAILURE_DESCRIPTIONS[1]
    assert daraja.sim.bank.balance == Decimal("0.00")


def test_timeout_then_result(daraja: RunningSimulator) -> None:
    daraja.sim.script("timeout_then_result", originator_conversation_id="ocid-late")
    assert daraja.pay("ocid-late").status_code == 200
    daraja.sim.wait_idle()
    kinds = [d.kind for d in daraja.sim.deliveries]
    assert kinds == ["timeout", "result"]
    [timeout] = daraja.receiver.received("/timeout")
    assert timeout.json()["Result"]["ResultDesc"] == "The service request timed out."
    assert timeout.json()["Result"]["ResultType"] == 1
    [result] = daraja.receiver.received("/result")
    assert result.json()["Result"]["ResultCode"] == 0
    assert len(daraja.sim.bank.transactions) == 1


def test_timeout_then_result_waits_for_the_late_result(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    from adapters.simulator import SimulatorTimeout

    daraja = make_simulator(late_result_delay=60.0)
    daraja.sim.script("timeout_then_result")
    daraja.pay()
    with pytest.raises(SimulatorTimeout):
        daraja.sim.wait_idle(timeout=0.2)
    assert [d.kind for d in daraja.sim.deliveries] == ["timeout"]


@pytest.mark.parametrize(
    ("outcome", "paid"), [("timeout_only_paid", 1), ("timeout_only_unpaid", 0)]
)
def test_timeout_only(daraja: RunningSimulator, outcome: str, paid: int) -> None:
    daraja.sim.script(outcome)
    assert daraja.pay().status_code == 200
    daraja.sim.wait_idle()
    assert len(daraja.receiver.received("/timeout")) == 1
    assert daraja.receiver.received("/result") == []
    assert len(daraja.sim.bank.transactions) == paid
    statement = daraja.sim.statement_csv(daraja.sim.config.clock().date())
    assert ("Business Payment to 254700000001" in statement) == bool(paid)


def test_duplicate_delivery(daraja: RunningSimulator) -> None:
    daraja.sim.script("duplicate_delivery", deliveries=3)
    daraja.pay()
    daraja.sim.wait_idle()
    bodies = [r.body for r in daraja.receiver.received("/result")]
    assert len(bodies) == 3 and len(set(bodies)) == 1
    assert len({d.delivery_id for d in daraja.sim.deliveries}) == 3
    assert len(daraja.sim.bank.transactions) == 1


def test_no_callback(daraja: RunningSimulator) -> None:
    daraja.sim.script("no_callback")
    assert daraja.pay().status_code == 200
    daraja.sim.wait_idle()
    assert daraja.sim.deliveries == ()
    assert len(daraja.sim.bank.transactions) == 1


def test_reply_lost(daraja: RunningSimulator) -> None:
    daraja.sim.script("reply_lost", originator_conversation_id="ocid-lost")
    token = daraja.token()
    with pytest.raises(httpx.TransportError) as raised:
        daraja.pay("ocid-lost", token=token)
    assert isinstance(raised.value, httpx.RemoteProtocolError | httpx.ReadError)
    assert not isinstance(raised.value, httpx.ConnectError)
    [transaction] = daraja.sim.bank.transactions
    assert transaction.originator_conversation_id == "ocid-lost"
    daraja.sim.wait_idle()
    [callback] = daraja.receiver.received("/result")
    assert callback.json()["Result"]["TransactionID"] == transaction.receipt
    # A resubmission with the same id is a duplicate: nothing is paid twice.
    assert daraja.pay("ocid-lost", token=token).json()["errorCode"] == "500.002.1001"
    assert len(daraja.sim.bank.transactions) == 1


def test_slow_reply(daraja: RunningSimulator) -> None:
    daraja.sim.script("slow_reply", reply_delay=0.01, times=1)
    assert daraja.pay("quick-enough").status_code == 200
    daraja.sim.script("slow_reply", reply_delay=1.0)
    token = daraja.token()
    with pytest.raises(httpx.ReadTimeout):
        daraja.http.post(
            "/mpesa/b2c/v3/paymentrequest",
            json=daraja.body("too-slow"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=0.1,
        )
    daraja.sim.wait_idle()
    assert len(daraja.sim.bank.transactions) == 2
    assert len(daraja.receiver.received("/result")) == 2


def test_expired_token_once_forces_a_refresh(daraja: RunningSimulator) -> None:
    token = daraja.token()
    daraja.sim.script("expired_token")
    first = daraja.pay("ocid-x", token=token)
    assert first.status_code == 404
    assert first.json()["errorCode"] == "404.001.03"
    assert daraja.pay("ocid-x", token=token).status_code == 404  # the old token is dead
    assert daraja.pay("ocid-x", token=daraja.token()).status_code == 200
    daraja.sim.wait_idle()
    assert len(daraja.sim.bank.transactions) == 1


def test_duplicate_ocid_scenario(daraja: RunningSimulator) -> None:
    daraja.sim.script("duplicate_ocid", times=1)
    refused = daraja.pay("ocid-new")
    assert refused.status_code == 500
    assert refused.json()["errorCode"] == "500.002.1001"
    assert daraja.sim.bank.transactions == ()
    assert daraja.pay("ocid-new").status_code == 200  # nothing was accepted the first time
    daraja.sim.wait_idle()
    assert len(daraja.sim.bank.transactions) == 1


@pytest.mark.parametrize(("paid_amount", "expected"), [(None, 1501), (1200, 1200)])
def test_amount_changed(daraja: RunningSimulator, paid_amount: int | None, expected: int) -> None:
    daraja.sim.script("amount_changed", amount=1500, paid_amount=paid_amount)
    daraja.pay()
    daraja.sim.wait_idle()
    [callback] = daraja.receiver.received("/result")
    assert parameters(callback.json())["TransactionAmount"] == expected
    [transaction] = daraja.sim.bank.transactions
    assert transaction.amount == expected
    statement = daraja.sim.statement_csv(transaction.completed_at.date())
    assert f",-{expected}.00," in statement


def test_scripting_by_party_b_and_amount(daraja: RunningSimulator) -> None:
    daraja.sim.script("fail", party_b="254110000002", result_code="2040")
    daraja.sim.script("fail", amount=777, result_code="SFC_IC0003")
    daraja.pay("by-number", PartyB=254110000002)
    daraja.pay("by-amount", Amount=777)
    daraja.pay("neither")
    daraja.sim.wait_idle()
    codes = {
        c.json()["Result"]["OriginatorConversationID"]: c.json()["Result"]["ResultCode"]
        for c in daraja.receiver.received("/result")
    }
    assert codes == {"by-number": 2040, "by-amount": "SFC_IC0003", "neither": 0}


def test_times_limits_a_scenario(daraja: RunningSimulator) -> None:
    daraja.sim.script("no_callback", times=2)
    for n in range(3):
        daraja.pay(f"ocid-{n}")
    daraja.sim.wait_idle()
    assert [p.outcome for p in daraja.sim.payments] == [
        Outcome.NO_CALLBACK,
        Outcome.NO_CALLBACK,
        Outcome.SUCCESS,
    ]
    assert daraja.sim.scenarios == ()
