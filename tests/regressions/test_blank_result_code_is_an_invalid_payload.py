"""A result callback with a blank ResultCode is an invalid payload, not a failure.

Regression: ResultCode ``""`` (or white space) is no Daraja failure code, yet it made the payout
``failed`` -- which is retryable, so a garbled success became a second payment on
``payouts retry``. Now it is refused with 400, kept for the audit trail, and changes nothing.
"""

from __future__ import annotations

import pytest

from adapters.serving import RunningServer
from ledger import EventStore, PayoutService, PayoutStatus, RetryRefusedError
from tests.ledger.fakes import FakeGateway
from tests.regressions.helpers import (
    deliveries_since,
    event_types,
    instruction,
    post,
    result_body,
)


@pytest.mark.parametrize("code", ["", "   "], ids=["empty", "spaces"])
def test_blank_result_code_is_refused_and_kept(
    service: PayoutService,
    gateway: FakeGateway,
    store: EventStore,
    receiver: RunningServer,
    code: str,
) -> None:
    service.send_payout(instruction("p1"))
    before = store.last_position()
    body = result_body("p1", code)

    r = post(receiver, body)

    assert r.status_code == 400 and r.json()["ResultCode"] == 1
    (kept,) = deliveries_since(store, before)
    assert kept.verdict == "invalid_payload" and kept.body == body
    p = service.require("p1")
    assert p.status is PayoutStatus.SUBMITTED  # no transition
    assert p.result_code is None
    assert "result_received" not in event_types(store, "p1")
    with pytest.raises(RetryRefusedError):
        service.retry("p1")
    assert len(gateway.submitted) == 1
