"""While one sender is putting a payout on the network, nobody sends it again.

Regression: a second ``send`` of the same id (the operator re-running the command or the batch)
while the first was still waiting for Daraja's reply found the payout ``requested`` -- read as
"never sent" -- and sent the payment request a second time. Now ``send_payout`` takes a lease
(``PayoutSubmissionStarted``) before submitting; only once it has run out (the sender crashed) is
a payout still ``requested`` sent again, under the same id.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledger import (
    CallbackUrlBuilder,
    EventStore,
    Payout,
    PayoutService,
    PayoutStatus,
    ValidPayout,
)
from tests.e2e.conftest import Clock
from tests.ledger.fakes import FakeGateway
from tests.regressions.helpers import event_types, instruction


class Crash(Exception):
    """The sending process dies after recording the request, before sending it."""


def sent_ids(gateway: FakeGateway) -> list[str]:
    return [v.originator_conversation_id for v, _, _ in gateway.submitted]


def test_second_send_during_the_first_submit_sends_nothing(
    service: PayoutService, gateway: FakeGateway
) -> None:
    nested: list[Payout] = []

    def during_submit(_: ValidPayout) -> None:
        if not nested:  # the first request is on the wire, its reply not back yet
            nested.append(service.send_payout(instruction("p1")))

    gateway.on_submit = during_submit
    payout = service.send_payout(instruction("p1"))

    assert sent_ids(gateway) == ["p1"]  # one payment request for one payout
    (inner,) = nested
    assert inner.status is PayoutStatus.REQUESTED
    assert payout.status is PayoutStatus.SUBMITTED


def test_the_lease_is_recorded_before_the_submit(
    service: PayoutService, gateway: FakeGateway, store: EventStore
) -> None:
    seen: list[list[str]] = []
    gateway.on_submit = lambda _: seen.append(event_types(store, "p1"))
    service.send_payout(instruction("p1"))
    assert seen == [["requested", "submission_started"]]
    assert service.require("p1").submission_started_at is None  # cleared by the outcome


def test_after_a_crash_the_same_id_is_sent_again_once_the_lease_runs_out(
    store: EventStore, clock: Clock
) -> None:
    lease = timedelta(seconds=90)
    gateway = FakeGateway()
    urls = CallbackUrlBuilder("https://cb.example")
    crashing = PayoutService(store, gateway, urls, clock=clock, submission_lease=lease)

    def crash(_: ValidPayout) -> None:
        raise Crash

    gateway.on_submit = crash
    with pytest.raises(Crash):
        crashing.send_payout(instruction("p1"))
    gateway.on_submit = None
    assert sent_ids(gateway) == ["p1"]
    stuck = crashing.require("p1")
    assert stuck.status is PayoutStatus.REQUESTED
    assert stuck.submission_lease_seconds == 90

    rerun = PayoutService(store, gateway, urls, clock=clock, submission_lease=lease)
    # At once: the crashed sender may still be sending; leave it alone.
    assert rerun.send_payout(instruction("p1")).status is PayoutStatus.REQUESTED
    clock.now += lease - timedelta(seconds=1)
    assert rerun.send_payout(instruction("p1")).status is PayoutStatus.REQUESTED
    assert sent_ids(gateway) == ["p1"]

    clock.now += timedelta(seconds=1)  # the lease has run out: sent again, under the same id
    assert rerun.send_payout(instruction("p1")).status is PayoutStatus.SUBMITTED
    assert sent_ids(gateway) == ["p1", "p1"]
    # and once it has an outcome, further runs send nothing
    clock.now += lease * 10
    rerun.send_payout(instruction("p1"))
    assert sent_ids(gateway) == ["p1", "p1"]
