"""OAuth access tokens (client credentials), cached until shortly before they expire.

One refresh at a time: under concurrency the first caller fetches while the others wait on a
lock and then reuse its token (a thundering herd of token requests gets throttled by Daraja).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import threading
import time
from collections.abc import Callable

import attrs
import httpx

from ._errors import DarajaAuthError, DarajaConnectError, DarajaError, DarajaValidationError
from ._http import AsyncMpesaHttpClient, MpesaHttpClient

__all__ = ["DEFAULT_SAFETY_MARGIN", "TOKEN_PATH", "AsyncTokenManager", "TokenManager"]

log = logging.getLogger("adapters.daraja")

TOKEN_PATH = "/oauth/v1/generate"  # noqa: S105 (a path, not a secret)
_TOKEN_PARAMS = {"grant_type": "client_credentials"}
DEFAULT_SAFETY_MARGIN = 60.0  # seconds before the announced expiry at which we stop using it

Clock = Callable[[], float]


@attrs.frozen(repr=False)
class _CachedToken:
    value: str
    expires_at: float


def _basic_auth(consumer_key: str, consumer_secret: str) -> dict[str, str]:
    raw = f"{consumer_key}:{consumer_secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}


def _check_credentials(consumer_key: object, consumer_secret: object) -> None:
    if not isinstance(consumer_key, str) or not consumer_key:
        raise DarajaValidationError("consumer_key", "must be a non-empty string")
    if not isinstance(consumer_secret, str) or not consumer_secret:
        raise DarajaValidationError("consumer_secret", "must be a non-empty string")


def _parse_token_reply(
    response: httpx.Response, *, environment: str, base_url: str, now: float, margin: float
) -> _CachedToken:
    """The token from an OAuth reply; anything else is a ``DarajaAuthError`` (never cached).

    Messages carry the status but never the body (a body that has a token must not leak it).
    """
    status = response.status_code
    if status in (400, 401):
        raise DarajaAuthError(
            f"Daraja rejected the consumer key/secret (HTTP {status}): check that the key and "
            f"secret are right and belong to the {environment!r} environment ({base_url}).",
            http_status=status,
        )
    if status != 200:
        raise DarajaAuthError(
            f"the token endpoint answered HTTP {status} instead of a token (a proxy or an "
            "outage?); nothing was cached, try again later.",
            http_status=status,
        )
    try:
        payload = json.loads(response.content)
    except ValueError:
        payload = None
    token = payload.get("access_token") if isinstance(payload, dict) else None
    if not isinstance(token, str) or not token.strip():
        raise DarajaAuthError(
            "the token endpoint answered HTTP 200 without a JSON access_token (an HTML page "
            "from a proxy?); nothing was cached.",
            http_status=status,
        )
    raw_expiry = payload.get("expires_in") if isinstance(payload, dict) else None
    if isinstance(raw_expiry, bool):
        raw_expiry = None
    try:
        expires_in = float(str(raw_expiry).strip()) if raw_expiry is not None else None
    except ValueError:
        expires_in = None
    if expires_in is None or not expires_in > 0 or expires_in != expires_in:
        raise DarajaAuthError(
            "the token reply has no usable expires_in; nothing was cached.", http_status=status
        )
    # If the token lives shorter than the margin it is used for this call only.
    return _CachedToken(value=token.strip(), expires_at=now + max(expires_in - margin, 0.0))


def _transport_failure(exc: DarajaError) -> DarajaError:
    if isinstance(exc, DarajaConnectError):
        return exc
    # A token GET is harmless to repeat, so "outcome unknown" just means "no token this time".
    return DarajaAuthError(f"no access token: {exc.__class__.__name__}; safe to retry.")


class TokenManager:
    """Fetches and caches the OAuth token for one consumer key (thread-safe)."""

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        http_client: MpesaHttpClient | None = None,
        *,
        environment: str = "sandbox",
        base_url: str | None = None,
        clock: Clock = time.monotonic,
        safety_margin: float = DEFAULT_SAFETY_MARGIN,
    ) -> None:
        _check_credentials(consumer_key, consumer_secret)
        self._consumer_key = consumer_key
        self._consumer_secret = consumer_secret
        self._http = http_client or MpesaHttpClient(environment, base_url=base_url)
        self._clock = clock
        self._margin = safety_margin
        self._cached: _CachedToken | None = None
        # Serialises refreshes: only one thread talks to the token endpoint at a time.
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TokenManager(base_url={self._http.base_url!r}, consumer_secret='***')"

    def _valid(self) -> _CachedToken | None:
        cached = self._cached  # one read: the attribute is replaced atomically, never mutated
        if cached is not None and self._clock() < cached.expires_at:
            return cached
        return None

    def get_token(self) -> str:
        """A valid access token, fetched at most once per expiry even under concurrency."""
        cached = self._valid()
        if cached is not None:
            return cached.value
        with self._lock:
            cached = self._valid()  # another thread may have refreshed while we waited
            if cached is not None:
                return cached.value
            self._cached = self._fetch()
            return self._cached.value

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (Daraja rejected it); a newer token someone else fetched is kept."""
        with self._lock:
            if self._cached is not None and self._cached.value == token:
                self._cached = None

    def _fetch(self) -> _CachedToken:
        log.debug("fetching a Daraja access token from %s", self._http.base_url)
        try:
            response = self._http.get(
                TOKEN_PATH,
                params=_TOKEN_PARAMS,
                headers=_basic_auth(self._consumer_key, self._consumer_secret),
            )
        except DarajaError as exc:
            raise _transport_failure(exc) from None
        return _parse_token_reply(
            response,
            environment=self._http.environment,
            base_url=self._http.base_url,
            now=self._clock(),
            margin=self._margin,
        )


class AsyncTokenManager:
    """The asyncio twin of ``TokenManager``: refreshes are serialised by an ``asyncio.Lock``."""

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        http_client: AsyncMpesaHttpClient | None = None,
        *,
        environment: str = "sandbox",
        base_url: str | None = None,
        clock: Clock = time.monotonic,
        safety_margin: float = DEFAULT_SAFETY_MARGIN,
    ) -> None:
        _check_credentials(consumer_key, consumer_secret)
        self._consumer_key = consumer_key
        self._consumer_secret = consumer_secret
        self._http = http_client or AsyncMpesaHttpClient(environment, base_url=base_url)
        self._clock = clock
        self._margin = safety_margin
        self._cached: _CachedToken | None = None
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"AsyncTokenManager(base_url={self._http.base_url!r}, consumer_secret='***')"

    def _valid(self) -> _CachedToken | None:
        cached = self._cached
        if cached is not None and self._clock() < cached.expires_at:
            return cached
        return None

    async def get_token(self) -> str:
        """A valid access token, fetched at most once per expiry even with many tasks."""
        cached = self._valid()
        if cached is not None:
            return cached.value
        async with self._lock:
            cached = self._valid()
            if cached is not None:
                return cached.value
            self._cached = await self._fetch()
            return self._cached.value

    async def invalidate(self, token: str) -> None:
        """Forget ``token`` (Daraja rejected it); a newer token is kept."""
        async with self._lock:
            if self._cached is not None and self._cached.value == token:
                self._cached = None

    async def _fetch(self) -> _CachedToken:
        log.debug("fetching a Daraja access token from %s", self._http.base_url)
        try:
            response = await self._http.get(
                TOKEN_PATH,
                params=_TOKEN_PARAMS,
                headers=_basic_auth(self._consumer_key, self._consumer_secret),
            )
        except DarajaError as exc:
            raise _transport_failure(exc) from None
        return _parse_token_reply(
            response,
            environment=self._http.environment,
            base_url=self._http.base_url,
            now=self._clock(),
            margin=self._margin,
        )
