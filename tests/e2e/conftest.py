"""End-to-end fixtures: the real simulator and the real receiver, over HTTP on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import attrs
import pytest
import sqlalchemy as sa

from adapters.daraja import MpesaClient
from adapters.gateway import DarajaGateway
from adapters.receiver import ReceiverConfig, create_receiver_app
from adapters.serving import RunningServer, serve_in_thread
from adapters.simulator import Simulator, SimulatorConfig
from ledger import CallbackUrlBuilder, EventStore, PayoutService

LOOPBACK = ("127.0.0.1", "::1")


@attrs.define
class Stack:
    store: EventStore
    sim: Simulator
    sim_server: RunningServer
    receiver: RunningServer
    client: MpesaClient
    service: PayoutService

    def restart_receiver(self, store: EventStore | None = None) -> None:
        """Stop the receiver and start a new one on the same port (a process restart)."""
        port = self.receiver.port
        self.receiver.stop()
        app = create_receiver_app(store or self.store, ReceiverConfig(allowed_ips=LOOPBACK))
        self.receiver = serve_in_thread(app, port=port, name="receiver")


class Clock:
    """The sender's clock, moved by hand (to let a submission lease run out)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def make_stack(store: EventStore, clock: Clock | None = None, **sim_options: object) -> Stack:
    options: dict[str, object] = {
        "callback_delay": 0.0,
        "late_result_delay": 0.0,
        "redelivery_backoff": 0.01,
        "redelivery_attempts": 12,
    }
    options.update(sim_options)
    sim = Simulator(SimulatorConfig(**options))  # type: ignore[arg-type]
    sim_server = serve_in_thread(sim.app, name="simulator")
    receiver = serve_in_thread(
        create_receiver_app(store, ReceiverConfig(allowed_ips=LOOPBACK)), name="receiver"
    )
    client = MpesaClient(
        consumer_key=sim.config.consumer_key,
        consumer_secret=sim.config.consumer_secret,
        base_url=sim_server.url,
    )
    gateway = DarajaGateway(
        client, initiator_name="api_initiator", security_credential="cred", shortcode="600999"
    )
    service = PayoutService(
        store, gateway, CallbackUrlBuilder(receiver.url, secret=b"t" * 32), clock=clock
    )
    return Stack(store, sim, sim_server, receiver, client, service)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def stack(store: EventStore, clock: Clock) -> Iterator[Stack]:
    s = make_stack(store, clock)
    yield s
    s.sim.close()
    s.receiver.stop()
    s.sim_server.stop()
    s.client.close()


def event_types(store: EventStore, stream: str) -> list[str]:
    return [e.event_type.removeprefix("payout.") for e in store.read_stream(stream)]


class Outage:
    """Makes every statement on an engine fail as if the database went away, while on."""

    def __init__(self, engine: sa.Engine) -> None:
        self.on = False
        sa.event.listen(engine, "before_cursor_execute", self._check)

    def _check(self, *args: object) -> None:
        if self.on:
            raise sa.exc.OperationalError("SELECT 1", {}, Exception("database is unreachable"))
