"""TokenManager / AsyncTokenManager: one refresh at a time, expiry by an injected clock."""

from __future__ import annotations

import asyncio
import threading

import httpx

from adapters.daraja import AsyncMpesaHttpClient, AsyncTokenManager, MpesaHttpClient, TokenManager

from .conftest import CONSUMER_KEY, CONSUMER_SECRET, FakeClock, FakeDaraja

THREADS = 8


def test_one_refresh_under_thread_concurrency(fake: FakeDaraja, clock: FakeClock) -> None:
    arrived = 0
    cond = threading.Condition()

    def hold_until_everyone_arrived() -> None:
        # The first fetch waits (bounded) until every thread is at get_token, so the others
        # really contend for the refresh instead of finding a cached token.
        with cond:
            cond.wait_for(lambda: arrived == THREADS, timeout=5)

    fake.on_token = hold_until_everyone_arrived
    http = MpesaHttpClient(transport=httpx.MockTransport(fake.handler))
    manager = TokenManager(CONSUMER_KEY, CONSUMER_SECRET, http, clock=clock)
    tokens: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        nonlocal arrived
        with cond:
            arrived += 1
            cond.notify_all()
        try:
            tokens.append(manager.get_token())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert errors == []
    assert tokens == ["tok-1"] * THREADS
    assert fake.token_calls == 1


def test_invalidate_forgets_only_the_stale_token(fake: FakeDaraja, clock: FakeClock) -> None:
    http = MpesaHttpClient(transport=httpx.MockTransport(fake.handler))
    manager = TokenManager(CONSUMER_KEY, CONSUMER_SECRET, http, clock=clock)
    assert manager.get_token() == "tok-1"
    manager.invalidate("tok-1")
    assert manager.get_token() == "tok-2"
    manager.invalidate("tok-1")  # a late caller with the old token must not drop the new one
    assert manager.get_token() == "tok-2"
    assert fake.token_calls == 2


def test_safety_margin_and_short_lived_tokens(fake: FakeDaraja, clock: FakeClock) -> None:
    fake.token_replies = [httpx.Response(200, json={"access_token": "short", "expires_in": "30"})]
    http = MpesaHttpClient(transport=httpx.MockTransport(fake.handler))
    manager = TokenManager(CONSUMER_KEY, CONSUMER_SECRET, http, clock=clock, safety_margin=60)
    assert manager.get_token() == "short"  # used for this call, never cached past its margin
    assert manager.get_token() == "tok-2"


def test_one_refresh_with_asyncio_tasks(fake: FakeDaraja, clock: FakeClock) -> None:
    async def slow_handler(request: httpx.Request) -> httpx.Response:
        # Yield to the loop a few times so every other task reaches the lock meanwhile.
        for _ in range(20):
            await asyncio.sleep(0)
        return fake.handler(request)

    async def main() -> list[str]:
        http = AsyncMpesaHttpClient(transport=httpx.MockTransport(slow_handler))
        manager = AsyncTokenManager(CONSUMER_KEY, CONSUMER_SECRET, http, clock=clock)
        try:
            return await asyncio.gather(*(manager.get_token() for _ in range(THREADS)))
        finally:
            await http.aclose()

    assert asyncio.run(main()) == ["tok-1"] * THREADS
    assert fake.token_calls == 1


def test_async_expiry_and_invalidate(fake: FakeDaraja, clock: FakeClock) -> None:
    async def main() -> None:
        http = AsyncMpesaHttpClient(transport=httpx.MockTransport(fake.async_handler))
        manager = AsyncTokenManager(CONSUMER_KEY, CONSUMER_SECRET, http, clock=clock)
        assert await manager.get_token() == "tok-1"
        clock.advance(3599 - 60)
        assert await manager.get_token() == "tok-2"
        await manager.invalidate("tok-2")
        assert await manager.get_token() == "tok-3"
        assert CONSUMER_SECRET not in repr(manager)
        await http.aclose()

    asyncio.run(main())
