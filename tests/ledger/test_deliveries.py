"""Recording callback deliveries: exactly once, never lost, orphans kept (both backends)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from ledger import (
    CallbackUrlBuilder,
    EventStore,
    Flag,
    PayoutInstruction,
    PayoutService,
    PayoutStatus,
    RawDelivery,
    payout_stream,
)
from ledger.deliveries import record_callback, record_unparseable
from tests.ledger.fakes import FakeGateway, failure, success, timeout


def raw(
    body: bytes = b'{"Result": {}}',
    route: str = "result",
    delivery_id: str = "d1",
    token: str | None = None,
) -> RawDelivery:
    return RawDelivery(
        delivery_id=delivery_id,
        route=route,
        body=body,
        body_size=len(body),
        truncated=False,
        received_at=datetime(2024, 7, 6, 19, 48, tzinfo=UTC),
        source_ip="196.201.214.200",
        peer_ip="196.201.214.200",
        headers={"content-type": "application/json"},
        token=token,
    )


@pytest.fixture
def service(store: EventStore) -> PayoutService:
    s = PayoutService(store, FakeGateway(), CallbackUrlBuilder("https://x.example"))
    s.send_payout(PayoutInstruction("ocid-1", "BusinessPayment", 1500, "254700000001", "Salary"))
    return s


def types(store: EventStore, ocid: str = "ocid-1") -> list[str]:
    return [e.event_type.removeprefix("payout.") for e in store.read_stream(payout_stream(ocid))]


def test_result_is_recorded_with_its_delivery(service: PayoutService, store: EventStore) -> None:
    out = record_callback(store, raw(), "ocid-1", success("ocid-1"))
    assert out.verdict == "accepted" and out.acknowledge
    assert out.payout is not None and out.payout.status is PayoutStatus.SUCCEEDED
    assert types(store) == [
        "requested",
        "submission_started",
        "accepted",
        "callback_delivered",
        "result_received",
    ]


def test_exact_duplicate_changes_nothing_but_is_kept(
    service: PayoutService, store: EventStore
) -> None:
    record_callback(store, raw(), "ocid-1", success("ocid-1"))
    out = record_callback(store, raw(delivery_id="d2"), "ocid-1", success("ocid-1", delivery="d2"))
    assert out.verdict == "duplicate" and out.acknowledge
    assert types(store).count("result_received") == 1
    assert types(store).count("callback_delivered") == 2
    payout = service.require("ocid-1")
    assert payout.deliveries == 2 and Flag.DUPLICATE_DELIVERY in payout.flags


def test_timeout_then_late_result(service: PayoutService, store: EventStore) -> None:
    record_callback(store, raw(route="timeout"), "ocid-1", timeout("ocid-1"))
    assert service.require("ocid-1").status is PayoutStatus.TIMED_OUT
    record_callback(store, raw(delivery_id="d2"), "ocid-1", success("ocid-1"))
    assert service.require("ocid-1").status is PayoutStatus.SUCCEEDED


def test_late_timeout_and_failure_after_success_are_kept_not_applied(
    service: PayoutService, store: EventStore
) -> None:
    record_callback(store, raw(), "ocid-1", success("ocid-1"))
    record_callback(store, raw(route="timeout", delivery_id="d2"), "ocid-1", timeout("ocid-1"))
    record_callback(store, raw(delivery_id="d3"), "ocid-1", failure("ocid-1"))
    payout = service.require("ocid-1")
    assert payout.status is PayoutStatus.SUCCEEDED
    assert {Flag.LATE_TIMEOUT_AFTER_SUCCESS, Flag.RESULT_AFTER_SUCCESS} <= set(payout.flags)
    assert types(store).count("timeout_received") == 1


def test_unknown_payout_is_kept_as_an_orphan(service: PayoutService, store: EventStore) -> None:
    out = record_callback(store, raw(), "ocid-nobody", success("ocid-nobody"))
    assert out.verdict == "orphan" and out.acknowledge and out.stream_id == "orphan-ocid-nobody"
    kinds = [e.event_type for e in store.read_stream("orphan-ocid-nobody")]
    assert kinds == [
        "payout.callback_delivered",
        "payout.orphan_callback",
        "payout.result_received",
    ]
    again = record_callback(store, raw(delivery_id="d2"), "ocid-nobody", success("ocid-nobody"))
    assert again.verdict == "duplicate" and len(store.read_stream("orphan-ocid-nobody")) == 4


def test_unparseable_body_is_kept_byte_for_byte(store: EventStore) -> None:
    body = b"\x00\xff{not json"
    out = record_unparseable(store, raw(body), "invalid_json", "not JSON")
    (event,) = store.read_stream(out.stream_id)
    assert event.event.body == body and event.event.verdict == "invalid_json"


def test_token_must_match(store: EventStore) -> None:
    urls = CallbackUrlBuilder("https://x.example", secret=b"s" * 32)
    service = PayoutService(store, FakeGateway(), urls)
    service.send_payout(PayoutInstruction("ocid-t", "BusinessPayment", 1500, "254700000001", "Pay"))
    forged = record_callback(store, raw(token="guess"), "ocid-t", success("ocid-t"))
    assert forged.verdict == "bad_token" and not forged.acknowledge
    assert service.require("ocid-t").status is PayoutStatus.SUBMITTED
    good = record_callback(store, raw(token=urls.token_for("ocid-t")), "ocid-t", success("ocid-t"))
    assert good.verdict == "accepted"


def test_concurrent_duplicate_deliveries_make_exactly_one_transition(
    service: PayoutService, store: EventStore
) -> None:
    n = 8
    barrier = threading.Barrier(n)
    verdicts: list[str] = []
    errors: list[BaseException] = []

    def deliver(i: int) -> None:
        try:
            barrier.wait()
            out = record_callback(
                store, raw(delivery_id=f"d{i}"), "ocid-1", success("ocid-1", delivery=f"d{i}")
            )
            verdicts.append(out.verdict)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(verdicts) == ["accepted"] + ["duplicate"] * (n - 1)
    assert types(store).count("result_received") == 1
    assert types(store).count("callback_delivered") == n
