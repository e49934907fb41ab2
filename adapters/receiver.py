"""The webhook receiver (starlette): records every callback delivery, then acknowledges it.

Nothing is acknowledged that is not stored: the acknowledgement is sent only after the commit,
and if the store is unavailable the reply is 503 with ResultCode 1 so that Daraja delivers again.
The caller's address is checked against the allowlist; X-Forwarded-For is believed only when the
direct peer is a configured trusted proxy (anyone can write that header).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import attrs
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.callback_parsing import ParseFailure, parse_result, parse_timeout
from adapters.daraja import (
    SAFARICOM_CALLBACK_IPS,
    B2CResultCallbackResponse,
    B2CTimeoutCallbackResponse,
    is_mpesa_ip_allowed,
)
from ledger import EventStore, RawDelivery, uuid7
from ledger.deliveries import DeliveryOutcome, record_callback, record_refused, record_unparseable

log = logging.getLogger("adapters.receiver")

#: Request headers worth keeping with a delivery (never Authorization or cookies).
_HEADERS_OF_NOTE = ("content-type", "content-length", "user-agent", "x-forwarded-for", "x-real-ip")


@attrs.frozen(kw_only=True)
class ReceiverConfig:
    """Who may call, whom to believe about the caller, and how much to read."""

    allowed_ips: tuple[str, ...] | None = SAFARICOM_CALLBACK_IPS
    trusted_proxies: tuple[str, ...] = ()
    max_body_bytes: int = 64 * 1024


def caller_ip(peer: str | None, forwarded_for: str | None, trusted: tuple[str, ...]) -> str | None:
    """The address that called us: the peer, unless the peer is a trusted proxy, in which case
    the right-most X-Forwarded-For entry that is not itself a trusted proxy."""
    if peer is None or not forwarded_for or not is_mpesa_ip_allowed(peer, trusted):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not is_mpesa_ip_allowed(hop, trusted):
            return hop
    return hops[0] if hops else peer


def _reply(route: str, status: int, code: int, desc: str) -> JSONResponse:
    cls = B2CResultCallbackResponse if route == "result" else B2CTimeoutCallbackResponse
    return JSONResponse(cls(ResultCode=code, ResultDesc=desc).model_dump(mode="json"), status)


async def _read_limited(request: Request, limit: int) -> tuple[bytes, int, bool]:
    """Up to ``limit`` bytes of the body, the body's full size, and whether it was cut."""
    kept = bytearray()
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if len(kept) < limit:
            kept.extend(chunk[: limit - len(kept)])
    return bytes(kept), size, size > limit


def create_receiver_app(
    store: EventStore,
    config: ReceiverConfig | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
) -> Starlette:
    """The receiver's ASGI app over ``store``; ``clock`` stamps deliveries (default: now, UTC)."""
    cfg = config or ReceiverConfig()
    now = clock or (lambda: datetime.now(UTC))

    def make_endpoint(route: str) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            received_at = now()
            body, size, truncated = await _read_limited(request, cfg.max_body_bytes)
            peer = request.client.host if request.client else None
            # Every header line: a proxy may add its own line rather than append to the client's.
            forwarded = ", ".join(request.headers.getlist("x-forwarded-for")) or None
            source = caller_ip(peer, forwarded, cfg.trusted_proxies)
            raw = RawDelivery(
                delivery_id=str(uuid7()),
                route=route,
                body=body,
                body_size=size,
                truncated=truncated,
                received_at=received_at,
                source_ip=source,
                peer_ip=peer,
                headers={h: request.headers[h] for h in _HEADERS_OF_NOTE if h in request.headers},
                token=request.path_params.get("token"),
            )
            try:
                return await run_in_threadpool(_handle, route, raw, source)
            except Exception:
                # Not stored, so not acknowledged: Daraja will deliver it again.
                log.exception("could not record a %s callback delivery %s", route, raw.delivery_id)
                return _reply(route, 503, 1, "Temporarily unable to record the callback; retry.")

        return endpoint

    def _handle(route: str, raw: RawDelivery, source: str | None) -> Response:
        if raw.truncated:
            record_refused(
                store,
                raw,
                "too_large",
                f"body of {raw.body_size} bytes is over the limit of {cfg.max_body_bytes}",
            )
            return _reply(route, 413, 1, "Payload too large.")
        if not is_mpesa_ip_allowed(source, cfg.allowed_ips):
            record_refused(store, raw, "forbidden", f"caller {source} is not on the allowlist")
            log.warning(
                "refused a %s callback from %s: not on the allowlist (PAYOUTS_ALLOWED_IPS)",
                route,
                source,
            )
            return _reply(route, 403, 1, "Forbidden.")
        parsed = (
            parse_result(raw.body, raw.delivery_id)
            if route == "result"
            else parse_timeout(raw.body, raw.delivery_id)
        )
        if isinstance(parsed, ParseFailure):
            record_unparseable(store, raw, parsed.verdict, parsed.detail)
            desc = (
                "Invalid JSON payload."
                if parsed.verdict == "invalid_json"
                else (f"Invalid payload: {parsed.detail}")
            )
            return _reply(route, 400, 1, desc)
        ocid, event = parsed
        outcome: DeliveryOutcome = record_callback(store, raw, ocid, event)
        log.info("%s callback for %s: %s", route, ocid, outcome.verdict)
        if not outcome.acknowledge:
            return _reply(route, 403, 1, "Forbidden.")
        return _reply(route, 200, 0, "Accepted")

    async def healthz(_: Request) -> Response:
        def check() -> int:
            return store.last_position()

        try:
            position = await run_in_threadpool(check)
        except Exception as exc:
            return JSONResponse({"status": "unavailable", "error": type(exc).__name__}, 503)
        return JSONResponse({"status": "ok", "last_position": position})

    result = make_endpoint("result")
    timeout = make_endpoint("timeout")
    return Starlette(
        routes=[
            Route("/webhooks/b2c/result", result, methods=["POST"]),
            Route("/webhooks/b2c/result/{token}", result, methods=["POST"]),
            Route("/webhooks/b2c/timeout", timeout, methods=["POST"]),
            Route("/webhooks/b2c/timeout/{token}", timeout, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )
