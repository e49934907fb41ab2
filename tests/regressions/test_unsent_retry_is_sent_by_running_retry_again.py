"""A retry that was recorded but never sent is sent by running ``retry`` again.

Regression: when the retry's submit was not sent (a connect failure: NotSent; or a crash between
recording the retry and sending it) the retry stayed ``requested`` forever: ``payouts retry X``
returned it as "already under way" and sent nothing, so the person was never paid.
"""

from __future__ import annotations

import pytest

from adapters.serving import RunningServer
from ledger import Flag, NotSent, PayoutService, PayoutStatus, ValidPayout
from tests.e2e.conftest import Clock
from tests.ledger.fakes import FakeGateway
from tests.regressions.helpers import instruction, post, result_body


class Crash(Exception):
    pass


def sent_ids(gateway: FakeGateway) -> list[str]:
    return [v.originator_conversation_id for v, _, _ in gateway.submitted]


def failed_payout(service: PayoutService, receiver: RunningServer) -> None:
    service.send_payout(instruction("p1"))
    assert post(receiver, result_body("p1", 2001)).status_code == 200
    assert service.require("p1").status is PayoutStatus.FAILED


def test_retry_not_sent_is_sent_by_the_next_retry(
    service: PayoutService, gateway: FakeGateway, receiver: RunningServer
) -> None:
    failed_payout(service, receiver)
    gateway.outcomes["p1-r1"] = NotSent("connect failed")
    first = service.retry("p1")
    assert first.status is PayoutStatus.REQUESTED and Flag.NOT_SENT in first.flags
    assert first.submission_started_at is None  # NotSent frees the lease at once

    del gateway.outcomes["p1-r1"]  # the network is back; the operator re-runs the command
    again = service.retry("p1")
    assert again.originator_conversation_id == "p1-r1"  # the same retry, not a new one
    assert again.status is PayoutStatus.SUBMITTED
    assert sent_ids(gateway) == ["p1", "p1-r1", "p1-r1"]
    assert service.require("p1").retries == ("p1-r1",)

    service.retry("p1")  # and a third run, with the retry under way, sends nothing
    assert sent_ids(gateway) == ["p1", "p1-r1", "p1-r1"]


def test_retry_crashed_before_sending_is_sent_once_its_lease_runs_out(
    service: PayoutService, gateway: FakeGateway, receiver: RunningServer, clock: Clock
) -> None:
    failed_payout(service, receiver)

    def crash(payout: ValidPayout) -> None:
        if payout.originator_conversation_id == "p1-r1":
            raise Crash

    gateway.on_submit = crash
    with pytest.raises(Crash):
        service.retry("p1")
    gateway.on_submit = None
    assert service.require("p1-r1").status is PayoutStatus.REQUESTED

    # At once, the crashed process may still be sending it: nothing is sent.
    assert service.retry("p1").status is PayoutStatus.REQUESTED
    assert sent_ids(gateway) == ["p1", "p1-r1"]

    clock.now += service.submission_lease  # the lease runs out
    again = service.retry("p1")
    assert again.originator_conversation_id == "p1-r1"
    assert again.status is PayoutStatus.SUBMITTED
    assert sent_ids(gateway) == ["p1", "p1-r1", "p1-r1"]
    assert service.get("p1-r2") is None
