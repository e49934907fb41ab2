"""Run an ASGI app with uvicorn in a background thread, on a real loopback socket.

Shared by the simulator, the webhook receiver and the demo: tests and demos need a real HTTP
server whose port is chosen by the OS and which starts and stops deterministically.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType
from typing import Literal

import uvicorn
from starlette.types import ASGIApp

__all__ = ["RunningServer", "ServerStartError", "serve_in_thread"]

LifespanMode = Literal["auto", "on", "off"]


class ServerStartError(RuntimeError):
    """The server thread did not start listening (port taken, lifespan failure, or too slow)."""


class _ThreadServer(uvicorn.Server):
    """A uvicorn server that tells the starting thread when its startup has finished."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.startup_done = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self.startup_done.set()


class RunningServer:
    """A uvicorn server running in a daemon thread; stop it with `stop()` or a `with` block."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, host: str, port: int):
        self._server = server
        self._thread = thread
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        """The base URL, with the port the OS actually bound, e.g. ``http://127.0.0.1:54321``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the server thread is still alive."""
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the server thread ends (after `stop`, or a fatal server error)."""
        self._thread.join(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to exit and join its thread; force the exit if it lingers.

        Graceful shutdown waits for in-flight requests (a slow reply, say); after `timeout` the
        server is forced to close them.
        """
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)
        if self._thread.is_alive():
            raise RuntimeError(f"server thread {self._thread.name!r} did not stop in {timeout}s")

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_in_thread(
    app: ASGIApp,
    host: str = "127.0.0.1",
    port: int = 0,
    name: str = "asgi-server",
    *,
    lifespan: LifespanMode = "auto",
    startup_timeout: float = 30.0,
) -> RunningServer:
    """Start `app` under uvicorn in a daemon thread and return once it is listening.

    Proxy headers are off: uvicorn would otherwise trust ``X-Forwarded-For`` from 127.0.0.1,
    and anyone on the machine could then claim to be Safaricom's callback address.
    """
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=False,
        forwarded_allow_ips="",
        log_level="warning",
        lifespan=lifespan,
    )
    server = _ThreadServer(config)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run()
        except BaseException as exc:  # uvicorn exits with SystemExit on bind errors
            failure.append(exc)
        finally:
            # Unblocks the waiting caller even when uvicorn fails before its startup runs.
            server.startup_done.set()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    if not server.startup_done.wait(startup_timeout):
        server.should_exit = True
        raise ServerStartError(f"{name}: uvicorn did not start within {startup_timeout}s")
    if not server.started:
        server.should_exit = True
        thread.join(startup_timeout)
        cause = failure[0] if failure else None
        raise ServerStartError(
            f"{name}: uvicorn failed to start on {host}:{port} (see the log above)"
        ) from cause
    bound_port = server.servers[0].sockets[0].getsockname()[1]
    return RunningServer(server, thread, host, int(bound_port))
