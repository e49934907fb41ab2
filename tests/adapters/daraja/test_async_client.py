"""AsyncMpesaClient: the same surface as MpesaClient, awaited."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from adapters.daraja import (
    AsyncMpesaClient,
    B2CCommandIDType,
    B2CRequest,
    DarajaAPIError,
    DarajaConnectError,
    DarajaOutcomeUnknownError,
    DarajaValidationError,
)

from .conftest import CONSUMER_KEY, CONSUMER_SECRET, PAYMENT_KWARGS, FakeClock, FakeDaraja


def make(fake: FakeDaraja, **kwargs: Any) -> AsyncMpesaClient:
    return AsyncMpesaClient(
        consumer_key=CONSUMER_KEY,
        consumer_secret=CONSUMER_SECRET,
        environment=kwargs.pop("environment", "sandbox"),
        transport=httpx.MockTransport(fake.async_handler),
        clock=FakeClock(),
        **kwargs,
    )


def test_async_send_payment(fake: FakeDaraja) -> None:
    async def main() -> None:
        async with make(fake) as client:
            resp = await client.b2c.send_payment(
                **dict(PAYMENT_KWARGS, command_id=B2CCommandIDType.SalaryPayment)
            )
            assert resp.is_successful()
            again = await client.b2c.send(B2CRequest.create(**PAYMENT_KWARGS))
            assert again.is_successful()

    asyncio.run(main())
    assert fake.token_calls == 1
    assert [p.headers["authorization"] for p in fake.payments] == ["Bearer tok-1"] * 2
    assert json.loads(fake.payments[0].content)["CommandID"] == "SalaryPayment"


def test_async_token_replay_and_errors(fake: FakeDaraja, load: Callable[[str], Any]) -> None:
    fake.payment_replies = [
        (401, load("b2c_error_invalid_token")),
        (400, load("b2c_error_invalid_field")),
    ]

    async def main() -> None:
        async with make(fake) as client:
            with pytest.raises(DarajaAPIError) as info:
                await client.b2c.send_payment(**PAYMENT_KWARGS)
            assert info.value.error_code == "400.002.02"

    asyncio.run(main())
    assert fake.token_calls == 2 and len(fake.payments) == 2


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (httpx.ReadTimeout("t"), DarajaOutcomeUnknownError),
        (httpx.RemoteProtocolError("dropped"), DarajaOutcomeUnknownError),
        (httpx.ConnectError("refused"), DarajaConnectError),
    ],
)
def test_async_transport_failures(
    fake: FakeDaraja, failure: Exception, error: type[Exception]
) -> None:
    fake.payment_replies = [failure]

    async def main() -> None:
        async with make(fake, connect_retries=0) as client:
            with pytest.raises(error):
                await client.b2c.send_payment(**PAYMENT_KWARGS)

    asyncio.run(main())
    assert len(fake.payments) == 1


def test_async_production_https_and_repr(fake: FakeDaraja) -> None:
    async def main() -> None:
        async with make(fake, environment="production") as client:
            assert CONSUMER_SECRET not in repr(client)
            with pytest.raises(DarajaValidationError):
                await client.b2c.send_payment(
                    **dict(PAYMENT_KWARGS, queue_timeout_url="http://example.com/t")
                )

    asyncio.run(main())
    assert fake.payments == []
