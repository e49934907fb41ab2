"""The facades: ``MpesaClient`` (sync) and ``AsyncMpesaClient`` bundle HTTP, tokens and B2C."""

from __future__ import annotations

import time
from types import TracebackType
from typing import Self

import httpx

from ._b2c import AsyncB2CService, B2CService
from ._http import DEFAULT_CONNECT_RETRIES, DEFAULT_TIMEOUT, AsyncMpesaHttpClient, MpesaHttpClient
from ._money import DEFAULT_AMOUNT_LIMITS, AmountLimits
from ._tokens import DEFAULT_SAFETY_MARGIN, AsyncTokenManager, Clock, TokenManager

__all__ = ["AsyncMpesaClient", "MpesaClient"]


class MpesaClient:
    """Entry point: ``MpesaClient(consumer_key=..., consumer_secret=..., environment="sandbox")``.

    ``base_url`` points it elsewhere (the local simulator, a loopback test server);
    ``transport`` takes an ``httpx.BaseTransport`` (``httpx.MockTransport`` in tests).
    """

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        environment: str = "sandbox",
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        connect_retries: int = DEFAULT_CONNECT_RETRIES,
        clock: Clock = time.monotonic,
        token_safety_margin: float = DEFAULT_SAFETY_MARGIN,
        amount_limits: AmountLimits = DEFAULT_AMOUNT_LIMITS,
    ) -> None:
        self.http_client = MpesaHttpClient(
            environment,
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            connect_retries=connect_retries,
        )
        self.token_manager = TokenManager(
            consumer_key,
            consumer_secret,
            self.http_client,
            clock=clock,
            safety_margin=token_safety_margin,
        )
        self.b2c = B2CService(self.http_client, self.token_manager, amount_limits=amount_limits)

    @property
    def environment(self) -> str:
        """``"sandbox"`` or ``"production"``."""
        return self.http_client.environment

    @property
    def base_url(self) -> str:
        """The Daraja base URL requests go to."""
        return self.http_client.base_url

    def __repr__(self) -> str:
        return f"MpesaClient(environment={self.environment!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the connection pool."""
        self.http_client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncMpesaClient:
    """The asyncio twin of ``MpesaClient``: ``await client.b2c.send_payment(...)``."""

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        environment: str = "sandbox",
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        connect_retries: int = DEFAULT_CONNECT_RETRIES,
        clock: Clock = time.monotonic,
        token_safety_margin: float = DEFAULT_SAFETY_MARGIN,
        amount_limits: AmountLimits = DEFAULT_AMOUNT_LIMITS,
    ) -> None:
        self.http_client = AsyncMpesaHttpClient(
            environment,
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            connect_retries=connect_retries,
        )
        self.token_manager = AsyncTokenManager(
            consumer_key,
            consumer_secret,
            self.http_client,
            clock=clock,
            safety_margin=token_safety_margin,
        )
        self.b2c = AsyncB2CService(
            self.http_client, self.token_manager, amount_limits=amount_limits
        )

    @property
    def environment(self) -> str:
        """``"sandbox"`` or ``"production"``."""
        return self.http_client.environment

    @property
    def base_url(self) -> str:
        """The Daraja base URL requests go to."""
        return self.http_client.base_url

    def __repr__(self) -> str:
        return f"AsyncMpesaClient(environment={self.environment!r}, base_url={self.base_url!r})"

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http_client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
