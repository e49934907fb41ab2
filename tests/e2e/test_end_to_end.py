"""The ledger end to end: SDK -> simulator -> callbacks -> receiver -> store, on both engines."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from adapters.simulator import Outcome
from ledger import (
    BatchRow,
    EventStore,
    PayoutInstruction,
    PayoutStatus,
    payout_stream,
)
from projections import PayoutStateProjection, catch_up, list_payouts, payout_history
from tests.e2e.conftest import Clock, Outage, Stack, event_types


def instruction(ocid: str, number: str = "254700000001", amount: int = 1500) -> PayoutInstruction:
    return PayoutInstruction(ocid, "BusinessPayment", amount, number, "Salary payout", "July")


def wait_for(condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Poll a condition (bounded): for effects that arrive over HTTP from another thread."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def test_payout_succeeds_through_real_http(stack: Stack) -> None:
    payout = stack.service.send_payout(instruction("e2e-1"))
    assert payout.status in (PayoutStatus.SUBMITTED, PayoutStatus.SUCCEEDED)
    stack.sim.wait_idle(30)
    settled = stack.service.require("e2e-1")
    assert settled.status is PayoutStatus.SUCCEEDED and settled.receipt
    (paid,) = [t for t in stack.sim.bank.transactions if t.originator_conversation_id == "e2e-1"]
    assert settled.receipt == paid.receipt and settled.paid_amount == 1500
    kinds = [h.event_type for h in payout_history(stack.store, "e2e-1")]
    assert kinds[:1] == ["payout.requested"] and "payout.result_received" in kinds


def test_timeout_then_late_result_and_failures(stack: Stack) -> None:
    stack.sim.script(Outcome.TIMEOUT_THEN_RESULT, party_b="254700000002")
    stack.sim.script(Outcome.FAIL, party_b="254700000003", result_code="SFC_IC0003")
    stack.sim.script(Outcome.REPLY_LOST, party_b="254700000004")
    stack.service.send_payout(instruction("late", "254700000002"))
    stack.service.send_payout(instruction("fail", "254700000003"))
    stack.service.send_payout(instruction("lost", "254700000004"))
    # The reply never came: the outcome was recorded as unknown (the callback may already have
    # settled it by now, since the simulator sends it regardless).
    assert "outcome_unknown" in event_types(stack.store, payout_stream("lost"))
    stack.sim.wait_idle(30)
    late = stack.service.require("late")
    assert late.status is PayoutStatus.SUCCEEDED and "late_result" in late.flags
    failed = stack.service.require("fail")
    assert failed.status is PayoutStatus.FAILED and failed.result_code == "SFC_IC0003"
    assert stack.service.require("lost").status is PayoutStatus.SUCCEEDED


def test_concurrent_duplicate_deliveries_make_one_transition(stack: Stack) -> None:
    stack.sim.script(Outcome.NO_CALLBACK, party_b="254700000005")
    stack.service.send_payout(instruction("dup", "254700000005"))
    stack.sim.wait_idle(30)
    payout = stack.service.require("dup")
    (paid,) = [t for t in stack.sim.bank.transactions if t.originator_conversation_id == "dup"]
    body = json.dumps(
        {
            "Result": {
                "ResultType": 0,
                "ResultCode": 0,
                "ResultDesc": "The service request is processed successfully.",
                "OriginatorConversationID": "dup",
                "ConversationID": payout.conversation_id,
                "TransactionID": paid.receipt,
                "ResultParameters": {
                    "ResultParameter": [
                        {"Key": "TransactionAmount", "Value": 1500},
                        {"Key": "TransactionReceipt", "Value": paid.receipt},
                    ]
                },
            }
        }
    )
    token = stack.service.callback_urls.token_for("dup")
    url = f"{stack.receiver.url}/webhooks/b2c/result/{token}"
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def deliver() -> None:
        barrier.wait()
        statuses.append(httpx.post(url, content=body, timeout=30).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 8
    kinds = event_types(stack.store, payout_stream("dup"))
    assert kinds.count("result_received") == 1 and kinds.count("callback_delivered") == 8
    assert stack.service.require("dup").status is PayoutStatus.SUCCEEDED


def test_forged_and_malformed_callbacks_are_kept_and_refused(stack: Stack) -> None:
    stack.service.send_payout(instruction("forged", "254700000006"))
    stack.sim.wait_idle(30)
    forged = {
        "Result": {
            "ResultCode": 0,
            "OriginatorConversationID": "forged",
            "ConversationID": "x",
            "TransactionID": "FAKE",
        }
    }
    # no token: refused, and a token for another payout: refused too
    r = httpx.post(f"{stack.receiver.url}/webhooks/b2c/result", json=forged, timeout=10)
    assert r.status_code == 403 and r.json() == {"ResultCode": 1, "ResultDesc": "Forbidden."}
    bad = httpx.post(
        f"{stack.receiver.url}/webhooks/b2c/result", content=b"\x00{not json", timeout=10
    )
    assert bad.status_code == 400 and bad.json()["ResultCode"] == 1
    huge = httpx.post(
        f"{stack.receiver.url}/webhooks/b2c/timeout", content=b"x" * 100_000, timeout=10
    )
    assert huge.status_code == 413
    stored = [
        e.event for e in stack.store.read_all() if e.event_type == "payout.callback_delivered"
    ]
    verdicts = sorted(e.verdict for e in stored)
    assert {"bad_token", "invalid_json", "too_large"} <= set(verdicts)
    assert any(e.body == b"\x00{not json" for e in stored)
    assert stack.service.require("forged").receipt != "FAKE"


def test_forwarded_for_is_ignored_unless_from_a_trusted_proxy(store: EventStore) -> None:
    from adapters.receiver import ReceiverConfig, create_receiver_app
    from adapters.serving import serve_in_thread

    app = create_receiver_app(store, ReceiverConfig(allowed_ips=("196.201.214.200",)))
    with serve_in_thread(app) as server:
        # A local caller claiming to be Safaricom through the header is still a local caller.
        r = httpx.post(
            f"{server.url}/webhooks/b2c/result",
            json={"Result": {"ResultCode": 0, "OriginatorConversationID": "x"}},
            headers={"X-Forwarded-For": "196.201.214.200"},
            timeout=10,
        )
        assert r.status_code == 403
    trusted = create_receiver_app(
        store, ReceiverConfig(allowed_ips=("196.201.214.200",), trusted_proxies=("127.0.0.1",))
    )
    with serve_in_thread(trusted) as server:
        r = httpx.post(
            f"{server.url}/webhooks/b2c/result",
            json={"Result": {"ResultCode": 0, "OriginatorConversationID": "x"}},
            headers={"X-Forwarded-For": "196.201.214.200"},
            timeout=10,
        )
        assert r.status_code == 200  # an orphan, acknowledged and kept
    assert store.read_stream("orphan-x")


def test_receiver_restart_in_the_middle_of_a_batch(stack: Stack) -> None:
    rows = [BatchRow(i + 2, instruction(f"batch-{i}", f"2547000001{i:02d}")) for i in range(10)]
    stack.service.send_batch(rows[:5], "b1")
    stack.receiver.stop()  # callbacks for the rest find nobody home; the simulator redelivers
    stack.service.send_batch(rows[5:], "b1")
    stack.restart_receiver()
    stack.sim.wait_idle(60)
    for i in range(10):
        assert stack.service.require(f"batch-{i}").status is PayoutStatus.SUCCEEDED
    # and re-running the whole batch afterwards sends nothing twice
    stack.service.send_batch(rows, "b1")
    paid = [t.originator_conversation_id for t in stack.sim.bank.transactions]
    assert sorted(paid) == sorted(f"batch-{i}" for i in range(10))


def test_sender_crash_between_request_and_send_resumes_without_paying_twice(
    stack: Stack, clock: Clock
) -> None:
    class Crash(Exception):
        pass

    real = stack.service.gateway.submit
    calls = {"n": 0}

    def crashing_submit(*args):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise Crash  # the process dies after writing PayoutRequested, before sending
        return real(*args)

    stack.service.gateway.submit = crashing_submit  # type: ignore[method-assign]
    rows = [BatchRow(i + 2, instruction(f"c-{i}", f"2547000002{i:02d}")) for i in range(5)]
    with pytest.raises(Crash):
        stack.service.send_batch(rows, "b2")
    stack.service.gateway.submit = real  # type: ignore[method-assign]
    # Re-run at once: c-2 may still be on its way (its sender holds a lease), so it is left alone.
    stack.service.send_batch(rows, "b2")
    stack.sim.wait_idle(30)
    assert stack.service.require("c-2").status is PayoutStatus.REQUESTED
    clock.now += stack.service.submission_lease  # the crashed sender's lease runs out
    stack.service.send_batch(rows, "b2")  # the operator re-runs the same file
    stack.sim.wait_idle(30)
    paid = sorted(t.originator_conversation_id for t in stack.sim.bank.transactions)
    assert paid == [f"c-{i}" for i in range(5)]
    assert all(stack.service.require(f"c-{i}").status is PayoutStatus.SUCCEEDED for i in range(5))


def test_store_outage_is_not_acknowledged_and_the_redelivery_is_kept(stack: Stack) -> None:
    # The receiver runs on a store of its own (another process, the same database) that loses
    # its database while the payout is sent; the sender's store is fine.
    url = stack.store.engine.url.render_as_string(hide_password=False)
    receiver_store = EventStore.from_url(url)
    outage = Outage(receiver_store.engine)
    outage.on = True
    stack.restart_receiver(receiver_store)
    stack.service.send_payout(instruction("outage", "254700000008"))
    wait_for(lambda: any(d.status_code == 503 for d in stack.sim.deliveries))
    assert stack.service.require("outage").status is PayoutStatus.SUBMITTED  # nothing stored
    outage.on = False
    stack.sim.wait_idle(60)
    attempts = [d for d in stack.sim.deliveries if d.originator_conversation_id == "outage"]
    assert attempts[0].status_code == 503 and attempts[-1].status_code == 200
    assert stack.service.require("outage").status is PayoutStatus.SUCCEEDED
    receiver_store.close()


def test_projection_follows_the_ledger(stack: Stack) -> None:
    for i in range(3):
        stack.service.send_payout(instruction(f"p-{i}", f"2547000003{i:02d}"))
    stack.sim.wait_idle(30)
    catch_up(stack.store, PayoutStateProjection())
    states = {p.originator_conversation_id: p.status for p in list_payouts(stack.store)}
    assert states == {f"p-{i}": PayoutStatus.SUCCEEDED for i in range(3)}
