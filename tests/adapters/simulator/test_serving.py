"""serve_in_thread: a real uvicorn on loopback, on the port the OS picks, proxy headers off."""

from __future__ import annotations

import socket

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.serving import ServerStartError, serve_in_thread


async def whoami(request: Request) -> JSONResponse:
    assert request.client is not None
    return JSONResponse({"host": request.client.host, "scheme": request.url.scheme})


APP = Starlette(routes=[Route("/", whoami)])


def test_serves_on_the_bound_port_and_stops() -> None:
    with serve_in_thread(APP, name="whoami") as server:
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert httpx.get(server.url).json()["host"] == "127.0.0.1"
    assert not server.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url)


def test_forwarded_headers_are_not_trusted() -> None:
    with serve_in_thread(APP) as server:
        reply = httpx.get(
            server.url,
            headers={"X-Forwarded-For": "196.201.214.200", "X-Forwarded-Proto": "https"},
        )
    assert reply.json() == {"host": "127.0.0.1", "scheme": "http"}


def test_a_taken_port_fails_with_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServerStartError, match="failed to start"):
            serve_in_thread(APP, port=port, name="clash")
