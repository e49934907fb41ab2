"""A payout with evidence that money moved is never retried (no second payment).

Regression: a failure followed by a success callback (``success_after_failure``), a rejection
followed by a success callback (``callback_after_rejection``) or a failure a statement overturned
(``failure_overturned``) was still retryable, and ``payouts retry`` paid the person again.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.serving import RunningServer
from ledger import (
    EventStore,
    Flag,
    NewEvent,
    PayoutService,
    PayoutStatus,
    Rejected,
    RetryRefusedError,
    payout_stream,
)
from ledger.payout import MONEY_MAY_HAVE_MOVED
from ledger.payout_events import PayoutResolved
from tests.ledger.fakes import FakeGateway
from tests.regressions.helpers import instruction, post, result_body


def _refused_without_sending(service: PayoutService, gateway: FakeGateway, ocid: str) -> None:
    before = service.require(ocid)
    sent = len(gateway.submitted)
    with pytest.raises(RetryRefusedError, match="money may have moved"):
        service.retry(ocid)
    assert len(gateway.submitted) == sent, "a second payment request went out"
    assert service.require(ocid).retries == before.retries  # no retry was even recorded


def test_the_flags_that_block_a_retry() -> None:
    assert {
        Flag.SUCCESS_AFTER_FAILURE,
        Flag.CALLBACK_AFTER_REJECTION,
        Flag.FAILURE_OVERTURNED,
    } <= MONEY_MAY_HAVE_MOVED


def test_success_after_failure_refuses_retry(
    service: PayoutService, gateway: FakeGateway, receiver: RunningServer
) -> None:
    service.send_payout(instruction("p1"))
    assert post(receiver, result_body("p1", 2001, receipt="SGFAIL")).status_code == 200
    # Daraja then reports that the same payout did pay (another ResultCode: another delivery)
    assert post(receiver, result_body("p1", 0, receipt="SGPAID1")).status_code == 200
    p = service.require("p1")
    assert p.status is PayoutStatus.FAILED and Flag.SUCCESS_AFTER_FAILURE in p.flags

    _refused_without_sending(service, gateway, "p1")
    assert service.get("p1-r1") is None


def test_callback_after_rejection_refuses_retry(
    service: PayoutService, gateway: FakeGateway, receiver: RunningServer
) -> None:
    gateway.outcomes["p2"] = Rejected(400, "400.002.02", "Bad Request - Invalid Amount", "r1")
    service.send_payout(instruction("p2"))
    assert service.require("p2").status is PayoutStatus.REJECTED
    assert post(receiver, result_body("p2", 0, receipt="SGPAID2")).status_code == 200
    p = service.require("p2")
    assert p.status is PayoutStatus.REJECTED and Flag.CALLBACK_AFTER_REJECTION in p.flags

    _refused_without_sending(service, gateway, "p2")
    assert service.get("p2-r1") is None


def test_evidence_on_an_earlier_retry_refuses_the_next_one(
    service: PayoutService, gateway: FakeGateway, receiver: RunningServer
) -> None:
    """The latest attempt is a plain failure, but an earlier one (the retry) may have paid."""
    service.send_payout(instruction("p1"))
    assert post(receiver, result_body("p1", 2001, receipt="SGF0")).status_code == 200
    assert service.retry("p1").originator_conversation_id == "p1-r1"
    assert post(receiver, result_body("p1-r1", 2001, receipt="SGF1")).status_code == 200
    assert post(receiver, result_body("p1-r1", 0, receipt="SGPAID")).status_code == 200
    r1 = service.require("p1-r1")
    assert r1.status is PayoutStatus.FAILED and Flag.SUCCESS_AFTER_FAILURE in r1.flags

    _refused_without_sending(service, gateway, "p1")
    assert service.get("p1-r2") is None


def test_failure_overturned_by_a_statement_refuses_retry(
    service: PayoutService, gateway: FakeGateway, receiver: RunningServer, store: EventStore
) -> None:
    """The original failed, its retry failed too; then the statement shows the original paid.

    The latest attempt (the retry) is a plain, retryable failure: only the original's
    ``failure_overturned`` flag says a third payment request would pay twice.
    """
    service.send_payout(instruction("p1"))
    assert post(receiver, result_body("p1", 2001, receipt="SGF0")).status_code == 200
    service.retry("p1")
    assert post(receiver, result_body("p1-r1", 2001, receipt="SGF1")).status_code == 200
    store.append(
        payout_stream("p1"),
        [
            NewEvent(
                PayoutResolved(
                    "succeeded", "statement", datetime.now(UTC), receipt="SGST1", amount=1500
                )
            )
        ],
    )
    assert Flag.FAILURE_OVERTURNED in service.require("p1").flags
    assert service.require("p1-r1").status is PayoutStatus.FAILED

    _refused_without_sending(service, gateway, "p1")
    assert service.get("p1-r2") is None


def test_a_plain_failure_is_still_retried(
    service: PayoutService, gateway: FakeGateway, receiver: RunningServer
) -> None:
    """The refusal is about evidence of payment only: a clean failure is retried as before."""
    service.send_payout(instruction("p1"))
    assert post(receiver, result_body("p1", 2001, receipt="SGF0")).status_code == 200
    retried = service.retry("p1")
    assert retried.originator_conversation_id == "p1-r1"
    assert [v.originator_conversation_id for v, _, _ in gateway.submitted] == ["p1", "p1-r1"]
