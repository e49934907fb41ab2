"""Fixtures for the simulator tests: a fake clock, a callback receiver, a running simulator."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.serving import RunningServer, serve_in_thread
from adapters.simulator import KENYA_TZ, Simulator, SimulatorConfig

# 06.07.2024 22:48:51 in Nairobi, the fixture's day.
START = datetime(2024, 7, 6, 22, 48, 51, tzinfo=KENYA_TZ)
MSISDN = "254700000001"


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime = START) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)


@attrs.frozen
class Received:
    """One callback the receiver got."""

    path: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body, parse_float=Decimal)


class Receiver:
    """A tiny webhook receiver: records every POST and answers scripted statuses (then 200)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._statuses: dict[str, list[int]] = {}
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])
        self.server: RunningServer | None = None

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        path = "/" + request.path_params["path"]
        with self._lock:
            self._received.append(Received(path, body))
            statuses = self._statuses.get(path)
            status = statuses.pop(0) if statuses else 200
        return Response(status_code=status)

    def answer(self, path: str, *statuses: int) -> None:
        """Answer the next POSTs to `path` with these statuses, then 200."""
        with self._lock:
            self._statuses[path] = list(statuses)

    def received(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self._received if path is None or r.path == path]

    def reset(self) -> None:
        with self._lock:
            self._received.clear()
            self._statuses.clear()

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url


@pytest.fixture(scope="module")
def shared_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    with serve_in_thread(receiver.app, name="test-receiver") as server:
        receiver.server = server
        yield receiver


@pytest.fixture
def receiver(shared_receiver: Receiver) -> Receiver:
    shared_receiver.reset()
    return shared_receiver


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def fast_config(clock: Callable[[], datetime], **overrides: Any) -> SimulatorConfig:
    """A config with every delay at zero, for deterministic tests."""
    values: dict[str, Any] = {
        "callback_delay": 0,
        "late_result_delay": 0,
        "redelivery_backoff": 0,
        "delivery_timeout": 5.0,
        "clock": clock,
    }
    values.update(overrides)
    return SimulatorConfig(**values)


@attrs.define
class RunningSimulator:
    """A simulator served over loopback, with an httpx client pointed at it."""

    sim: Simulator
    server: RunningServer
    http: httpx.Client
    receiver: Receiver

    def token(self) -> str:
        config = self.sim.config
        response = self.http.get(
            "/oauth/v1/generate",
            params={"grant_type": "client_credentials"},
            auth=(config.consumer_key, config.consumer_secret),
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def body(self, ocid: str = "ocid-1", **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "OriginatorConversationID": ocid,
            "InitiatorName": "api_initiator",
            "SecurityCredential": "BASE64-CIPHERTEXT",
            "CommandID": "BusinessPayment",
            "Amount": 1500,
            "PartyA": int(self.sim.config.shortcode),
            "PartyB": int(MSISDN),
            "Remarks": "Salary payout",
            "QueueTimeOutURL": f"{self.receiver.url}/timeout",
            "ResultURL": f"{self.receiver.url}/result",
            "Occassion": "JulySalary",
        }
        body.update(overrides)
        return {k: v for k, v in body.items() if v is not _DROP}

    def pay(
        self, ocid: str = "ocid-1", *, token: str | None = None, **overrides: Any
    ) -> httpx.Response:
        return self.http.post(
            "/mpesa/b2c/v3/paymentrequest",
            json=self.body(ocid, **overrides),
            headers={"Authorization": f"Bearer {token or self.token()}"},
        )


_DROP = object()
DROP: Any = _DROP  # pass as a field value to leave the key out of the body


@pytest.fixture
def make_simulator(
    receiver: Receiver, clock: FakeClock
) -> Iterator[Callable[..., RunningSimulator]]:
    started: list[RunningSimulator] = []

    def make(**overrides: Any) -> RunningSimulator:
        sim = Simulator(fast_config(clock, **overrides))
        server = serve_in_thread(sim.app, name="test-simulator")
        running = RunningSimulator(sim, server, httpx.Client(base_url=server.url), receiver)
        started.append(running)
        return running

    yield make
    for running in started:
        running.http.close()
        running.server.stop()
        running.sim.close()


@pytest.fixture
def daraja(make_simulator: Callable[..., RunningSimulator]) -> RunningSimulator:
    return make_simulator()
