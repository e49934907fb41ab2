"""Both clients against a real HTTP server on 127.0.0.1 (uvicorn in a thread)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from adapters.daraja import (
    AsyncMpesaClient,
    DarajaAuthError,
    DarajaConnectError,
    MpesaClient,
)

from .conftest import CONSUMER_KEY, CONSUMER_SECRET, PAYMENT_KWARGS


def test_sync_client_over_real_http(loopback_daraja: tuple[str, dict[str, Any]]) -> None:
    base_url, state = loopback_daraja
    with MpesaClient(
        consumer_key=CONSUMER_KEY,
        consumer_secret=CONSUMER_SECRET,
        environment="sandbox",
        base_url=base_url,
    ) as client:
        resp = client.b2c.send_payment(**PAYMENT_KWARGS)
        assert resp.is_successful()
        assert resp.OriginatorConversationID == "ocid-1234-5678"
        client.b2c.send_payment(**dict(PAYMENT_KWARGS, originator_conversation_id="ocid-2"))
    assert state["tokens"] == 1
    assert [p["body"]["OriginatorConversationID"] for p in state["payments"]] == [
        "ocid-1234-5678",
        "ocid-2",
    ]
    first = state["payments"][0]
    assert first["content_type"] == "application/json"
    assert first["body"]["PartyB"] == 254712345678 and first["body"]["Occassion"] == "JulySalary"


def test_async_client_over_real_http(loopback_daraja: tuple[str, dict[str, Any]]) -> None:
    base_url, state = loopback_daraja

    async def main() -> None:
        async with AsyncMpesaClient(
            consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET, base_url=base_url
        ) as client:
            results = await asyncio.gather(
                *(
                    client.b2c.send_payment(
                        **dict(PAYMENT_KWARGS, originator_conversation_id=f"o-{i}")
                    )
                    for i in range(3)
                )
            )
            assert all(r.is_successful() for r in results)

    asyncio.run(main())
    assert state["tokens"] == 1 and len(state["payments"]) == 3


def test_wrong_secret_over_real_http(loopback_daraja: tuple[str, dict[str, Any]]) -> None:
    base_url, state = loopback_daraja
    client = MpesaClient(consumer_key=CONSUMER_KEY, consumer_secret="wrong", base_url=base_url)
    with pytest.raises(DarajaAuthError, match="consumer key/secret"):
        client.b2c.send_payment(**PAYMENT_KWARGS)
    assert state["payments"] == []
    client.close()


def test_refused_connection_is_a_connect_error() -> None:
    # A port we bound and closed: nothing listens there.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = MpesaClient(consumer_key="k", consumer_secret="s", base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(DarajaConnectError):
        client.token_manager.get_token()
    client.close()
