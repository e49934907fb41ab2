"""Thin httpx wrappers that speak Daraja's failure semantics.

What matters for money is *whether the request left*: a connect failure (nothing sent) becomes
``DarajaConnectError`` and may be retried a configurable number of times; any failure after the
request may have been sent (read timeout, dropped connection, write error) becomes
``DarajaOutcomeUnknownError`` and is never retried here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import httpx

from ._environment import resolve_base_url
from ._errors import DarajaConnectError, DarajaOutcomeUnknownError, DarajaValidationError

__all__ = ["DEFAULT_TIMEOUT", "AsyncMpesaHttpClient", "MpesaHttpClient"]

log = logging.getLogger("adapters.daraja")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_CONNECT_RETRIES = 1

# Raised before a single byte of the request went out.
_NOTHING_SENT: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
_NOTHING_SENT_NOT_RETRYABLE: tuple[type[httpx.TransportError], ...] = (httpx.UnsupportedProtocol,)


def _connect_error(method: str, url: str, exc: Exception) -> DarajaConnectError:
    return DarajaConnectError(
        f"could not connect to Daraja for {method} {url} ({type(exc).__name__}); nothing was "
        "sent, so it is safe to retry. Check the network, DNS and the base URL."
    )


def _unknown_error(method: str, url: str, exc: Exception) -> DarajaOutcomeUnknownError:
    return DarajaOutcomeUnknownError(
        f"{method} {url}: the request may have been sent but no reply was read "
        f"({type(exc).__name__}). The outcome is unknown: do not resend under a new "
        "OriginatorConversationID; wait for the result callback or query the status."
    )


def _check_retries(connect_retries: int) -> int:
    if isinstance(connect_retries, bool) or not 0 <= connect_retries <= 5:
        raise DarajaValidationError("connect_retries", "must be an int from 0 to 5")
    return connect_retries


class MpesaHttpClient:
    """A synchronous HTTP client bound to a Daraja base URL (sandbox, production or a loopback)."""

    def __init__(
        self,
        environment: str = "sandbox",
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        connect_retries: int = DEFAULT_CONNECT_RETRIES,
    ) -> None:
        self.base_url = resolve_base_url(environment, base_url)
        self.environment = environment
        self.connect_retries = _check_retries(connect_retries)
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return f"MpesaHttpClient(environment={self.environment!r}, base_url={self.base_url!r})"

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request; transport failures become ``DarajaConnectError`` or
        ``DarajaOutcomeUnknownError``. HTTP error statuses are returned, not raised."""
        for attempt in range(self.connect_retries + 1):
            try:
                response = self._client.request(
                    method, path, json=json, params=params, headers=headers
                )
            except _NOTHING_SENT as exc:
                if attempt < self.connect_retries:
                    log.warning(
                        "connect failure on %s %s, retrying (nothing was sent)", method, path
                    )
                    continue
                raise _connect_error(method, path, exc) from exc
            except _NOTHING_SENT_NOT_RETRYABLE as exc:
                raise _connect_error(method, path, exc) from exc
            except httpx.TransportError as exc:
                raise _unknown_error(method, path, exc) from exc
            log.debug("%s %s -> HTTP %s", method, path, response.status_code)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def post(
        self, path: str, json: Any = None, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """POST a JSON body."""
        return self.request("POST", path, json=json, headers=headers)

    def get(
        self,
        path: str,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """GET with query parameters."""
        return self.request("GET", path, params=params, headers=headers)

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncMpesaHttpClient:
    """The asyncio twin of ``MpesaHttpClient`` (same surface, awaited)."""

    def __init__(
        self,
        environment: str = "sandbox",
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        connect_retries: int = DEFAULT_CONNECT_RETRIES,
    ) -> None:
        self.base_url = resolve_base_url(environment, base_url)
        self.environment = environment
        self.connect_retries = _check_retries(connect_retries)
        self._client = httpx.AsyncClient(
            base_url=self.base_url, timeout=timeout, transport=transport
        )

    def __repr__(self) -> str:
        return f"AsyncMpesaHttpClient(environment={self.environment!r}, base_url={self.base_url!r})"

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request (see ``MpesaHttpClient.request``)."""
        for attempt in range(self.connect_retries + 1):
            try:
                response = await self._client.request(
                    method, path, json=json, params=params, headers=headers
                )
            except _NOTHING_SENT as exc:
                if attempt < self.connect_retries:
                    log.warning(
                        "connect failure on %s %s, retrying (nothing was sent)", method, path
                    )
                    continue
                raise _connect_error(method, path, exc) from exc
            except _NOTHING_SENT_NOT_RETRYABLE as exc:
                raise _connect_error(method, path, exc) from exc
            except httpx.TransportError as exc:
                raise _unknown_error(method, path, exc) from exc
            log.debug("%s %s -> HTTP %s", method, path, response.status_code)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    async def post(
        self, path: str, json: Any = None, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """POST a JSON body."""
        return await self.request("POST", path, json=json, headers=headers)

    async def get(
        self,
        path: str,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """GET with query parameters."""
        return await self.request("GET", path, params=params, headers=headers)

    async def aclose(self) -> None:
        """Close the underlying connection pool."""
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
