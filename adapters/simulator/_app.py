"""The HTTP face of the simulator: Daraja's routes plus a few ``/simulator`` control routes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal, InvalidOperation

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from . import _json
from ._config import SimulatorConfig
from ._errors import ScenarioError
from ._scenarios import parse_scenario
from ._simulator import Reply, Simulator

__all__ = ["build_app", "create_simulator_app", "quiet_dropped_replies"]

_JSON = "application/json"


class _DroppedReply(Response):
    """Starts a reply and closes the connection before the body: the client sees a broken read.

    Uvicorn closes the transport when an app returns without completing its response (and logs
    that once); the client gets a status line and headers, then EOF, so httpx raises
    RemoteProtocolError, a read-side error, never a ConnectError.
    """

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", _JSON.encode()), (b"content-length", b"1024")],
            }
        )


class _DroppedReplyFilter(logging.Filter):
    """Hides uvicorn's error line for a reply the simulator drops on purpose (``reply_lost``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


def quiet_dropped_replies() -> None:
    """Install the filter on uvicorn's error logger (once): for processes that run the simulator
    and show their output to a person (the demo, ``payouts simulator``)."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DroppedReplyFilter) for f in logger.filters):
        logger.addFilter(_DroppedReplyFilter())


def _json_response(status: int, body: str) -> Response:
    return Response(body, status_code=status, media_type=_JSON)


async def _respond(reply: Reply) -> Response:
    if reply.delay:
        await asyncio.sleep(reply.delay)
    if reply.drop:
        return _DroppedReply()
    return _json_response(reply.status, reply.body)


def _control_error(message: str) -> Response:
    return _json_response(400, _json.dumps({"error": message}))


def build_app(simulator: Simulator, *, owns_simulator: bool = False) -> Starlette:
    """Routes over `simulator`; with `owns_simulator` the app closes it on shutdown."""

    async def generate_token(request: Request) -> Response:
        reply = simulator.handle_token(
            request.headers.get("authorization"), request.query_params.get("grant_type")
        )
        return await _respond(reply)

    async def payment_request(request: Request) -> Response:
        body = await request.body()
        return await _respond(simulator.handle_payment(request.headers.get("authorization"), body))

    async def add_scenario(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _control_error("the body must be JSON")
        try:
            scenario = parse_scenario(simulator.next_scenario_id(), body)
        except ScenarioError as exc:
            return _control_error(str(exc))
        simulator.add_scenario(scenario)
        return _json_response(201, _json.dumps(scenario.to_json()))

    async def list_scenarios(request: Request) -> Response:
        return _json_response(200, _json.dumps([s.to_json() for s in simulator.scenarios]))

    async def clear_scenarios(request: Request) -> Response:
        simulator.clear_scenarios()
        return Response(status_code=204)

    async def statement(request: Request) -> Response:
        raw = request.query_params.get("date", "")
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            return _control_error(f"date must be YYYY-MM-DD, got {raw!r}")
        return PlainTextResponse(simulator.statement_csv(day), media_type="text/csv")

    async def top_up(request: Request) -> Response:
        try:
            body = json.loads(await request.body(), parse_float=Decimal)
            amount = Decimal(str(body["amount"]))
            entry = simulator.top_up(amount)
        except (ValueError, KeyError, TypeError, InvalidOperation):
            return _control_error('send {"amount": <positive number>}')
        return _json_response(
            201, _json.dumps({"receipt": entry.receipt, "balance": entry.balance})
        )

    async def state(request: Request) -> Response:
        return _json_response(200, _json.dumps(simulator.state()))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owns_simulator:
                simulator.close()

    app = Starlette(
        routes=[
            Route("/oauth/v1/generate", generate_token, methods=["GET"]),
            Route("/mpesa/b2c/v3/paymentrequest", payment_request, methods=["POST"]),
            Route("/simulator/scenarios", add_scenario, methods=["POST"]),
            Route("/simulator/scenarios", list_scenarios, methods=["GET"]),
            Route("/simulator/scenarios", clear_scenarios, methods=["DELETE"]),
            Route("/simulator/statement", statement, methods=["GET"]),
            Route("/simulator/top-up", top_up, methods=["POST"]),
            Route("/simulator/state", state, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.simulator = simulator
    return app


def create_simulator_app(config: SimulatorConfig | None = None) -> Starlette:
    """A new simulator's app (the simulator is `app.state.simulator`, closed on shutdown)."""
    return build_app(Simulator(config), owns_simulator=True)
