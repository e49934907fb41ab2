"""Shared test helpers for the Daraja SDK: fixture loading, a fake Daraja, a loopback server."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

CONSUMER_KEY = "test-consumer-key"
CONSUMER_SECRET = "test-consumer-SECRET-do-not-leak"
SECURITY_CREDENTIAL = "SECRET-CREDENTIAL-do-not-leak"

PAYMENT_KWARGS: dict[str, Any] = {
    "originator_conversation_id": "ocid-1234-5678",
    "initiator_name": "api_initiator",
    "security_credential": SECURITY_CREDENTIAL,
    "command_id": "BusinessPayment",
    "amount": 1500,
    "party_a": "600999",
    "party_b": "254712345678",
    "remarks": "Salary payout",
    "queue_timeout_url": "https://example.com/b2c/timeout",
    "result_url": "https://example.com/b2c/result",
    "occasion": "JulySalary",
}


@pytest.fixture(scope="session")
def daraja_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "daraja"


@pytest.fixture(scope="session")
def load(daraja_dir: Path) -> Callable[[str], Any]:
    """Parsed fixture by name (without .json), with a plain json.loads (floats as floats)."""

    def _load(name: str) -> Any:
        return json.loads((daraja_dir / f"{name}.json").read_text())

    return _load


@pytest.fixture(scope="session")
def raw(daraja_dir: Path) -> Callable[[str], bytes]:
    def _raw(name: str) -> bytes:
        return (daraja_dir / f"{name}.json").read_bytes()

    return _raw


def expected_basic() -> str:
    return "Basic " + base64.b64encode(f"{CONSUMER_KEY}:{CONSUMER_SECRET}".encode()).decode()


class FakeDaraja:
    """An in-process Daraja for ``httpx.MockTransport``: issues tokens, records payment posts.

    ``payment_replies`` is a queue of (status, body) or exceptions to raise; when empty the
    ack fixture is returned. Tokens are "tok-1", "tok-2", ... so tests see refreshes.
    """

    def __init__(self, ack: dict[str, Any]) -> None:
        self.ack = ack
        self.token_calls = 0
        self.token_replies: list[httpx.Response | Exception] = []
        self.payment_replies: list[tuple[int, Any] | Exception | httpx.Response] = []
        self.payments: list[httpx.Request] = []
        self.lock = threading.Lock()
        self.on_token: Callable[[], None] | None = None

    @property
    def current_token(self) -> str:
        return f"tok-{self.token_calls}"

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/v1/generate":
            assert request.url.params["grant_type"] == "client_credentials"
            assert request.headers["authorization"] == expected_basic()
            with self.lock:
                self.token_calls += 1
                token = self.current_token
                queued = self.token_replies.pop(0) if self.token_replies else None
            if self.on_token is not None:
                self.on_token()
            if isinstance(queued, Exception):
                raise queued
            if queued is not None:
                return queued
            return httpx.Response(200, json={"access_token": token, "expires_in": "3599"})
        if request.url.path == "/mpesa/b2c/v3/paymentrequest":
            self.payments.append(request)
            reply = self.payment_replies.pop(0) if self.payment_replies else (200, self.ack)
            if isinstance(reply, Exception):
                raise reply
            if isinstance(reply, httpx.Response):
                return reply
            status, body = reply
            return httpx.Response(status, json=body)
        return httpx.Response(404, json={"errorMessage": "no such path"})

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        return self.handler(request)


@pytest.fixture
def fake(load: Callable[[str], Any]) -> FakeDaraja:
    return FakeDaraja(load("b2c_ack_ok"))


class FakeClock:
    """A clock the test moves by hand: token expiry never depends on real time."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# --- a real HTTP server on loopback ----------------------------------------------------------


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    ready = threading.Event()
    try:
        # Poll the started flag (bounded), never a fixed sleep.
        for _ in range(1000):
            if server.started or not thread.is_alive():
                break
            ready.wait(0.01)
        assert server.started, "uvicorn did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def fake_daraja_app(ack: dict[str, Any]) -> Starlette:
    """A tiny Daraja over real HTTP: the token endpoint and the B2C payment endpoint."""
    state: dict[str, Any] = {"payments": [], "tokens": 0}

    async def token(request: Request) -> Response:
        if request.headers.get("authorization") != expected_basic():
            return JSONResponse({"errorMessage": "Invalid credentials"}, status_code=400)
        state["tokens"] += 1
        return JSONResponse({"access_token": f"live-{state['tokens']}", "expires_in": "3599"})

    async def payment(request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer live-{state['tokens']}":
            return JSONResponse(
                {
                    "requestId": "1",
                    "errorCode": "404.001.03",
                    "errorMessage": "Invalid Access Token",
                },
                status_code=404,
            )
        body = json.loads(await request.body())
        state["payments"].append({"body": body, "content_type": request.headers["content-type"]})
        reply = dict(ack, OriginatorConversationID=body["OriginatorConversationID"])
        return JSONResponse(reply)

    app = Starlette(
        routes=[
            Route("/oauth/v1/generate", token, methods=["GET"]),
            Route("/mpesa/b2c/v3/paymentrequest", payment, methods=["POST"]),
        ]
    )
    app.state.daraja = state
    return app


@pytest.fixture
def loopback_daraja(load: Callable[[str], Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    app = fake_daraja_app(load("b2c_ack_ok"))
    with serve(app) as base_url:
        yield base_url, app.state.daraja


# The snippet the README quick start is merged from (move this when it moves into README.md).
REPO_ROOT_SNIPPET = Path(__file__).resolve().parents[3] / "README.md"
