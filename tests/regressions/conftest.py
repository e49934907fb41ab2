"""Fixtures for the regression tests: a fake gateway, a service on its clock, a real receiver.

Every fixture that touches the store runs on SQLite and PostgreSQL (the repo's ``store``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.receiver import ReceiverConfig, create_receiver_app
from adapters.serving import RunningServer, serve_in_thread
from ledger import CallbackUrlBuilder, EventStore, PayoutService
from tests.e2e.conftest import LOOPBACK, Clock
from tests.ledger.fakes import FakeGateway


@pytest.fixture
def clock() -> Clock:
    """The sender's clock (the e2e one), moved by hand to let a submission lease run out."""
    return Clock()


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def service(store: EventStore, gateway: FakeGateway, clock: Clock) -> PayoutService:
    """The payout service on the fake gateway, its time moved by hand through ``clock``."""
    return PayoutService(store, gateway, CallbackUrlBuilder("https://cb.example"), clock=clock)


@pytest.fixture
def receiver(store: EventStore) -> Iterator[RunningServer]:
    """The real receiver over HTTP on loopback, writing to ``store``."""
    app = create_receiver_app(store, ReceiverConfig(allowed_ips=LOOPBACK))
    with serve_in_thread(app, name="receiver") as server:
        yield server
