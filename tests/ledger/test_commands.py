"""Payout commands against a real store (SQLite and PostgreSQL) and a fake gateway."""

from __future__ import annotations

import json

import pytest

from ledger import (
    BatchRow,
    CallbackUrlBuilder,
    EventStore,
    NotSent,
    OutcomeUnknown,
    PayoutConflictError,
    PayoutInstruction,
    PayoutService,
    PayoutStatus,
    Rejected,
    RetryRefusedError,
    payout_stream,
)
from ledger.deliveries import record_callback
from tests.ledger.fakes import FakeGateway, failure, success
from tests.ledger.test_deliveries import raw


def instruction(ocid: str = "ocid-1", **kw: object) -> PayoutInstruction:
    base: dict[str, object] = {
        "originator_conversation_id": ocid,
        "command_id": "BusinessPayment",
        "amount": 1500,
        "party_b": "0700 000 001",
        "remarks": "Salary payout",
        "occasion": "JulySalary",
    }
    base.update(kw)
    return PayoutInstruction(**base)  # type: ignore[arg-type]


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def service(store: EventStore, gateway: FakeGateway) -> PayoutService:
    return PayoutService(store, gateway, CallbackUrlBuilder("https://payouts.example.com"))


def test_send_records_the_request_before_sending_then_the_answer(
    service: PayoutService, store: EventStore, gateway: FakeGateway
) -> None:
    seen_before_send: list[list[str]] = []
    gateway.on_submit = lambda _: seen_before_send.append(
        [e.event_type for e in store.read_stream(payout_stream("ocid-1"))]
    )
    payout = service.send_payout(instruction())
    # the request (and the sender's lease on it) is stored before anything goes on the network
    assert seen_before_send == [["payout.requested", "payout.submission_started"]]
    assert payout.status is PayoutStatus.SUBMITTED and payout.conversation_id == "AG_ocid-1"
    assert payout.party_b == "254700000001"
    types = [e.event_type for e in store.read_stream(payout_stream("ocid-1"))]
    assert types == ["payout.requested", "payout.submission_started", "payout.accepted"]


def test_same_id_same_details_does_not_send_again(
    service: PayoutService, gateway: FakeGateway
) -> None:
    first = service.send_payout(instruction())
    again = service.send_payout(instruction(party_b="+254700000001"))  # same number, other form
    assert again == first and len(gateway.submitted) == 1


def test_same_id_other_details_is_a_conflict_naming_the_fields(service: PayoutService) -> None:
    service.send_payout(instruction())
    with pytest.raises(PayoutConflictError, match=r"amount: stored 1500, asked 2000") as err:
        service.send_payout(instruction(amount=2000, remarks="other"))
    assert set(err.value.differences) == {"amount", "remarks"}


def test_rejected_and_unknown_outcomes(service: PayoutService, gateway: FakeGateway) -> None:
    gateway.outcomes["r"] = Rejected(400, "400.002.02", "Bad Request - Invalid PartyB", "req-1")
    gateway.outcomes["u"] = OutcomeUnknown("read_timeout", "no reply")
    assert service.send_payout(instruction("r")).status is PayoutStatus.REJECTED
    unknown = service.send_payout(instruction("u"))
    assert unknown.status is PayoutStatus.UNKNOWN
    assert service.send_payout(instruction("u")) == unknown  # never sent twice
    assert len(gateway.submitted) == 2


def test_not_sent_is_sent_again_under_the_same_id(
    service: PayoutService, gateway: FakeGateway
) -> None:
    gateway.outcomes["n"] = NotSent("connect refused")
    assert service.send_payout(instruction("n")).status is PayoutStatus.REQUESTED
    del gateway.outcomes["n"]
    assert service.send_payout(instruction("n")).status is PayoutStatus.SUBMITTED
    assert [p.originator_conversation_id for p, _, _ in gateway.submitted] == ["n", "n"]


def test_no_secret_token_in_events(store: EventStore, gateway: FakeGateway) -> None:
    urls = CallbackUrlBuilder("https://payouts.example.com", secret=b"k" * 32)
    service = PayoutService(store, gateway, urls)
    service.send_payout(instruction())
    token = urls.token_for("ocid-1")
    assert gateway.submitted[0][1].endswith(token)  # Daraja gets the real URL
    with store.engine.connect() as conn:
        stored = json.dumps(
            [list(map(str, r)) for r in conn.exec_driver_sql("SELECT * FROM events")]
        )
    assert token not in stored and "<redacted>" in stored


def test_batch_reports_bad_rows_by_line_and_reruns_send_nothing_twice(
    service: PayoutService, gateway: FakeGateway
) -> None:
    rows = [
        BatchRow(2, instruction("b-2")),
        BatchRow(3, instruction("b-3", amount=5)),
        BatchRow(4, instruction("b-4", party_b="020 1234567")),
        BatchRow(5, instruction("b-5", amount=250_000)),
    ]
    result = service.send_batch(rows, "batch-1")
    assert [p.originator_conversation_id for p in result.sent] == ["b-2", "b-5"]
    assert [(e.line, e.field) for e in result.errors] == [(3, "Amount"), (4, "PartyB")]
    assert result.errors[0].message.startswith("line 3: Amount")
    again = service.send_batch(rows, "batch-1")
    assert not again.sent and len(again.already_known) == 2 and len(gateway.submitted) == 2
    assert all(p.batch_id == "batch-1" for p in result.sent)


def test_retry_of_a_final_failure(
    service: PayoutService, store: EventStore, gateway: FakeGateway
) -> None:
    service.send_payout(instruction())
    with pytest.raises(RetryRefusedError, match="may still pay"):
        service.retry("ocid-1")
    record_callback(store, raw(), "ocid-1", failure("ocid-1", code="1"))
    first = service.retry("ocid-1")
    assert first.originator_conversation_id == "ocid-1-r1" and first.retry_of == "ocid-1"
    assert service.retry("ocid-1") == first  # the same retry twice sends once
    assert len(gateway.submitted) == 2
    assert service.require("ocid-1").retries == ("ocid-1-r1",)
    record_callback(store, raw(delivery_id="d9"), "ocid-1-r1", failure("ocid-1-r1", code="1"))
    assert service.retry("ocid-1").originator_conversation_id == "ocid-1-r2"
    with pytest.raises(RetryRefusedError, match="itself a retry"):
        service.retry("ocid-1-r1")


def test_retry_refused_after_success(service: PayoutService, store: EventStore) -> None:
    service.send_payout(instruction())
    record_callback(store, raw(), "ocid-1", success("ocid-1"))
    with pytest.raises(RetryRefusedError, match="succeeded"):
        service.retry("ocid-1")
