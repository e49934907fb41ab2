"""A reply to the payment request that does not prove Daraja refused it is ``unknown``.

Regression: every DarajaAPIError below 500 (an unreadable 2xx from a proxy or WAF, a 3xx, 408,
499, a 4xx without Daraja's error body) was mapped to ``Rejected``; the payout became
``rejected`` -- "nothing reached Daraja's queue" -- which is retryable, so ``payouts retry`` sent
the same payment again while the first may have been queued.
"""

from __future__ import annotations

import json

import httpx
import pytest

from adapters.daraja import MpesaClient
from adapters.gateway import DarajaGateway
from ledger import (
    CallbackUrlBuilder,
    EventStore,
    PayoutService,
    PayoutStatus,
    RetryRefusedError,
)
from tests.regressions.helpers import instruction

TOKEN = {"access_token": "tok", "expires_in": "3599"}
DARAJA_ERROR = {
    "requestId": "req-1",
    "errorCode": "400.002.02",
    "errorMessage": "Bad Request - Invalid Amount",
}


def make_service(
    store: EventStore, reply: httpx.Response, posts: list[dict[str, object]]
) -> PayoutService:
    """A service on the real gateway and SDK; Daraja answers every payment POST with ``reply``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth/v1/generate"):
            return httpx.Response(200, json=TOKEN)
        posts.append(json.loads(request.content))
        return reply

    client = MpesaClient(
        "k", "s", base_url="http://daraja.test", transport=httpx.MockTransport(handler)
    )
    gateway = DarajaGateway(
        client, initiator_name="api", security_credential="CRED", shortcode="600999"
    )
    return PayoutService(store, gateway, CallbackUrlBuilder("https://cb.example"))


UNCLEAR = {
    "html_200": httpx.Response(
        200, text="<html>gateway ok</html>", headers={"content-type": "text/html"}
    ),
    "json_200_without_response_code": httpx.Response(
        200, json={"ConversationID": "AG_1", "ResponseDescription": "Accept"}
    ),
    "empty_200": httpx.Response(200, content=b""),
    "202_float_code": httpx.Response(202, json={"ResponseCode": 0.0}),
    "302_redirect": httpx.Response(302, headers={"location": "http://elsewhere.test/"}),
    "408_with_error_body": httpx.Response(408, json=DARAJA_ERROR),
    "499_with_error_body": httpx.Response(499, json=DARAJA_ERROR),
    "499_proxy": httpx.Response(499, text="client closed request"),
    "500_with_error_body": httpx.Response(500, json=DARAJA_ERROR),
    "503_proxy": httpx.Response(503, text="upstream busy"),
    "400_html": httpx.Response(400, text="<html>bad request</html>"),
    "403_waf": httpx.Response(403, text="blocked by policy"),
}


@pytest.mark.parametrize("reply", list(UNCLEAR.values()), ids=list(UNCLEAR))
def test_unclear_reply_is_unknown_and_not_retried(store: EventStore, reply: httpx.Response) -> None:
    posts: list[dict[str, object]] = []
    service = make_service(store, reply, posts)
    payout = service.send_payout(instruction("p1"))
    assert payout.status is PayoutStatus.UNKNOWN
    assert payout.is_open  # the first attempt may still pay

    with pytest.raises(RetryRefusedError):
        service.retry("p1")
    assert [p["OriginatorConversationID"] for p in posts] == ["p1"]  # one payment request only
    assert service.get("p1-r1") is None


def test_darajas_own_4xx_refusal_is_still_a_rejection(store: EventStore) -> None:
    """The other side of the line: a 4xx with Daraja's errorCode is a final, retryable refusal."""
    posts: list[dict[str, object]] = []
    service = make_service(store, httpx.Response(400, json=DARAJA_ERROR), posts)
    payout = service.send_payout(instruction("p1"))
    assert payout.status is PayoutStatus.REJECTED
    assert payout.error_code == "400.002.02"
