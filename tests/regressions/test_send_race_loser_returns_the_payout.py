"""Two processes sending the same new id at once: the loser returns the payout, sends nothing.

Regression: the loser's append of its own ``requested`` event (same derived event id, other
``requested_at``) raised EventIdConflictError instead of falling back to "theirs is the payout",
crashing the command or the whole batch run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from ledger import CallbackUrlBuilder, EventStore, Payout, PayoutService, PayoutStatus
from tests.conftest import DatabaseFactory
from tests.ledger.fakes import FakeGateway
from tests.regressions.helpers import event_types, instruction


@pytest.fixture
def two_processes(databases: DatabaseFactory) -> Iterator[tuple[EventStore, EventStore]]:
    """Two stores (engines) on one database, as two sender processes would have."""
    url = databases.new_url()
    a, b = EventStore.from_url(url), EventStore.from_url(url)
    yield a, b
    a.close()
    b.close()


def test_loser_of_the_race_returns_the_winners_payout(
    two_processes: tuple[EventStore, EventStore],
) -> None:
    store_a, store_b = two_processes
    urls = CallbackUrlBuilder("https://cb.example")
    gateway_a, gateway_b = FakeGateway(), FakeGateway()
    a = PayoutService(store_a, gateway_a, urls)
    won: list[Payout] = []

    def clock_b() -> datetime:
        if not won:  # B has seen no payout under this id; A records and sends it right now
            won.append(a.send_payout(instruction("p1")))
        return datetime.now(UTC)

    b = PayoutService(store_b, gateway_b, urls, clock=clock_b)
    lost = b.send_payout(instruction("p1"))  # no EventIdConflictError

    assert won, "the race was not staged"
    assert lost.originator_conversation_id == "p1"
    assert lost.status is PayoutStatus.SUBMITTED
    assert len(gateway_a.submitted) == 1 and gateway_b.submitted == []  # sent once in all
    assert event_types(store_a, "p1") == ["requested", "submission_started", "accepted"]


def test_loser_leaves_a_payout_the_winner_is_still_sending(
    two_processes: tuple[EventStore, EventStore],
) -> None:
    """The winner recorded the payout and holds the lease (here it never comes back)."""
    store_a, store_b = two_processes
    urls = CallbackUrlBuilder("https://cb.example")
    gateway_a, gateway_b = FakeGateway(), FakeGateway()

    class Gone(Exception):
        pass

    def vanish(_: object) -> None:
        raise Gone

    gateway_a.on_submit = vanish
    a = PayoutService(store_a, gateway_a, urls)
    staged: list[bool] = []

    def clock_b() -> datetime:
        if not staged:
            staged.append(True)
            with pytest.raises(Gone):
                a.send_payout(instruction("p1"))
        return datetime.now(UTC)

    b = PayoutService(store_b, gateway_b, urls, clock=clock_b)
    lost = b.send_payout(instruction("p1"))

    assert staged
    assert lost.status is PayoutStatus.REQUESTED
    assert gateway_b.submitted == []  # the winner's lease is live: the loser does not send
    assert len(gateway_a.submitted) == 1
