"""MpesaClient / B2CService over httpx.MockTransport: headers, wire body, errors, no resends."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from adapters.daraja import (
    B2CCommandIDType,
    B2CRequest,
    B2CResponse,
    DarajaAPIError,
    DarajaAuthError,
    DarajaConnectError,
    DarajaError,
    DarajaOutcomeUnknownError,
    DarajaValidationError,
    MpesaClient,
    MpesaHttpClient,
)

from .conftest import (
    CONSUMER_KEY,
    CONSUMER_SECRET,
    PAYMENT_KWARGS,
    SECURITY_CREDENTIAL,
    FakeClock,
    FakeDaraja,
)


def make_client(fake: FakeDaraja, clock: FakeClock | None = None, **kwargs: Any) -> MpesaClient:
    return MpesaClient(
        consumer_key=CONSUMER_KEY,
        consumer_secret=CONSUMER_SECRET,
        environment=kwargs.pop("environment", "sandbox"),
        transport=httpx.MockTransport(fake.handler),
        clock=clock or FakeClock(),
        **kwargs,
    )


def test_send_payment_posts_with_the_token_and_returns_a_typed_response(
    fake: FakeDaraja, load: Callable[[str], Any]
) -> None:
    client = make_client(fake)
    resp: B2CResponse = client.b2c.send_payment(
        **dict(PAYMENT_KWARGS, command_id=B2CCommandIDType.BusinessPayment)
    )
    assert isinstance(resp, B2CResponse)
    assert resp.is_successful()
    assert resp.ResponseCode == "0"
    assert resp.ResponseDescription == "Accept the service request successfully."
    assert fake.token_calls == 1
    (sent,) = fake.payments
    assert sent.method == "POST"
    assert str(sent.url) == "https://sandbox.safaricom.co.ke/mpesa/b2c/v3/paymentrequest"
    assert sent.headers["authorization"] == "Bearer tok-1"
    assert sent.headers["content-type"] == "application/json"
    body = json.loads(sent.content)
    assert body == {
        "OriginatorConversationID": "ocid-1234-5678",
        "InitiatorName": "api_initiator",
        "SecurityCredential": SECURITY_CREDENTIAL,
        "CommandID": "BusinessPayment",
        "Amount": 1500,
        "PartyA": 600999,
        "PartyB": 254712345678,
        "Remarks": "Salary payout",
        "QueueTimeOutURL": "https://example.com/b2c/timeout",
        "ResultURL": "https://example.com/b2c/result",
        "Occassion": "JulySalary",
    }
    assert set(body) == set(load("b2c_request_wire"))


def test_token_is_reused_until_expiry(fake: FakeDaraja, clock: FakeClock) -> None:
    client = make_client(fake, clock)
    client.b2c.send_payment(**PAYMENT_KWARGS)
    clock.advance(3599 - 60 - 1)  # inside the safety margin: still cached
    client.b2c.send_payment(**PAYMENT_KWARGS)
    assert fake.token_calls == 1
    clock.advance(1)
    client.b2c.send_payment(**PAYMENT_KWARGS)
    assert fake.token_calls == 2
    assert fake.payments[-1].headers["authorization"] == "Bearer tok-2"


def test_send_takes_a_request(fake: FakeDaraja) -> None:
    client = make_client(fake)
    request = B2CRequest.create(**PAYMENT_KWARGS)
    assert client.b2c.send(request).is_successful()


def test_validation_happens_before_anything_is_sent(fake: FakeDaraja) -> None:
    client = make_client(fake)
    with pytest.raises(DarajaValidationError):
        client.b2c.send_payment(**dict(PAYMENT_KWARGS, party_b="0201234567"))
    assert fake.token_calls == 0 and fake.payments == []


def test_production_requires_https_callbacks(fake: FakeDaraja) -> None:
    client = make_client(fake, environment="production")
    assert client.base_url == "https://api.safaricom.co.ke"
    with pytest.raises(DarajaValidationError) as info:
        client.b2c.send_payment(**dict(PAYMENT_KWARGS, result_url="http://example.com/r"))
    assert info.value.field == "ResultURL"
    assert fake.payments == []
    assert client.b2c.send_payment(**PAYMENT_KWARGS).is_successful()


@pytest.mark.parametrize(
    "rejection",
    [
        (
            401,
            {"requestId": "1", "errorCode": "404.001.03", "errorMessage": "Invalid Access Token"},
        ),
        (
            404,
            {"requestId": "1", "errorCode": "404.001.03", "errorMessage": "Invalid Access Token"},
        ),
        (401, {"fault": "expired"}),
    ],
)
def test_rejected_token_is_refreshed_once_and_replayed(
    fake: FakeDaraja, rejection: tuple[int, Any]
) -> None:
    fake.payment_replies = [rejection]
    client = make_client(fake)
    assert client.b2c.send_payment(**PAYMENT_KWARGS).is_successful()
    assert fake.token_calls == 2
    assert [p.headers["authorization"] for p in fake.payments] == ["Bearer tok-1", "Bearer tok-2"]
    assert fake.payments[0].content == fake.payments[1].content


def test_token_replay_happens_only_once(fake: FakeDaraja, load: Callable[[str], Any]) -> None:
    fake.payment_replies = [(404, load("b2c_error_invalid_token"))] * 3
    client = make_client(fake)
    with pytest.raises(DarajaAPIError) as info:
        client.b2c.send_payment(**PAYMENT_KWARGS)
    assert info.value.is_invalid_token
    assert len(fake.payments) == 2


def test_daraja_error_body_raises_api_error(fake: FakeDaraja, load: Callable[[str], Any]) -> None:
    fake.payment_replies = [(400, load("b2c_error_invalid_field"))]
    client = make_client(fake)
    with pytest.raises(DarajaAPIError) as info:
        client.b2c.send_payment(**PAYMENT_KWARGS)
    error = info.value
    assert error.http_status == 400
    assert error.error_code == "400.002.02"
    assert error.error_message == "Bad Request - Invalid PartyB"
    assert error.request_id == "11728-2929992-1"
    assert json.loads(error.raw_body) == load("b2c_error_invalid_field")
    assert "400.002.02" in str(error) and "Invalid PartyB" in str(error)
    assert not error.is_duplicate_originator_conversation_id
    assert len(fake.payments) == 1


def test_duplicate_originator_conversation_id_is_distinguishable(fake: FakeDaraja) -> None:
    fake.payment_replies = [
        (
            500,
            {
                "requestId": "r",
                "errorCode": "500.002.1001",
                "errorMessage": "Duplicate OriginatorConversationID.",
            },
        ),
        (
            500,
            {
                "requestId": "r",
                "errorCode": "500.002.1001",
                "errorMessage": "Internal Server Error",
            },
        ),
    ]
    client = make_client(fake)
    with pytest.raises(DarajaAPIError) as first:
        client.b2c.send_payment(**PAYMENT_KWARGS)
    assert first.value.is_duplicate_originator_conversation_id
    with pytest.raises(DarajaAPIError) as second:
        client.b2c.send_payment(**PAYMENT_KWARGS)
    assert not second.value.is_duplicate_originator_conversation_id
    assert len(fake.payments) == 2  # one each: never resent on our own


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, text="<html>gateway</html>", headers={"content-type": "text/html"}),
        httpx.Response(200, json={"unexpected": True}),
        httpx.Response(200, json=[1, 2]),
        httpx.Response(502, text="Bad Gateway"),
        httpx.Response(503, json=["x"]),
    ],
)
def test_non_json_or_unexpected_reply_is_an_api_error(
    fake: FakeDaraja, reply: httpx.Response
) -> None:
    fake.payment_replies = [reply]
    client = make_client(fake)
    with pytest.raises(DarajaAPIError) as info:
        client.b2c.send_payment(**PAYMENT_KWARGS)
    assert info.value.http_status == reply.status_code
    assert info.value.raw_body == reply.content
    assert len(fake.payments) == 1


def test_non_zero_response_code_is_returned_not_raised(
    fake: FakeDaraja, load: Callable[[str], Any]
) -> None:
    fake.payment_replies = [(200, dict(load("b2c_ack_ok"), ResponseCode="1"))]
    resp = make_client(fake).b2c.send_payment(**PAYMENT_KWARGS)
    assert not resp.is_successful()


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
        httpx.WriteError("broken pipe"),
        httpx.WriteTimeout("write timed out"),
    ],
)
def test_outcome_unknown_is_raised_and_never_resent(fake: FakeDaraja, failure: Exception) -> None:
    fake.payment_replies = [failure]
    client = make_client(fake, connect_retries=3)
    with pytest.raises(DarajaOutcomeUnknownError) as info:
        client.b2c.send_payment(**PAYMENT_KWARGS)
    assert len(fake.payments) == 1
    assert info.value.originator_conversation_id == "ocid-1234-5678"
    assert "ocid-1234-5678" in str(info.value)
    assert "unknown" in str(info.value)
    assert not isinstance(info.value, DarajaConnectError)


@pytest.mark.parametrize("failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow")])
def test_connect_failure_is_retried_as_configured(fake: FakeDaraja, failure: Exception) -> None:
    fake.payment_replies = [failure]
    client = make_client(fake, connect_retries=1)
    assert client.b2c.send_payment(**PAYMENT_KWARGS).is_successful()
    assert len(fake.payments) == 2  # the first never left


def test_connect_failure_after_retries_is_a_connect_error(fake: FakeDaraja) -> None:
    fake.payment_replies = [httpx.ConnectError("refused")] * 3
    client = make_client(fake, connect_retries=0)
    with pytest.raises(DarajaConnectError) as info:
        client.b2c.send_payment(**PAYMENT_KWARGS)
    assert info.value.retryable
    assert len(fake.payments) == 1
    with pytest.raises(DarajaValidationError):
        make_client(fake, connect_retries=-1)


# --- the token endpoint ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 401])
def test_bad_credentials_say_what_to_check(fake: FakeDaraja, status: int) -> None:
    fake.token_replies = [httpx.Response(status, json={"errorMessage": "Invalid credentials"})]
    client = make_client(fake)
    with pytest.raises(DarajaAuthError) as info:
        client.b2c.send_payment(**PAYMENT_KWARGS)
    message = str(info.value)
    assert "consumer key/secret" in message and "sandbox" in message
    assert info.value.http_status == status
    assert CONSUMER_SECRET not in message
    assert fake.payments == []


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, text="<html>login</html>", headers={"content-type": "text/html"}),
        httpx.Response(503, text="Service Unavailable"),
        httpx.Response(200, json={"access_token": "", "expires_in": "3599"}),
        httpx.Response(200, json={"expires_in": "3599"}),
        httpx.Response(200, json={"access_token": "t", "expires_in": "soon"}),
        httpx.Response(200, json=["access_token"]),
    ],
)
def test_a_non_token_reply_is_an_auth_error_and_never_cached(
    fake: FakeDaraja, reply: httpx.Response
) -> None:
    fake.token_replies = [reply]
    client = make_client(fake)
    with pytest.raises(DarajaAuthError):
        client.b2c.send_payment(**PAYMENT_KWARGS)
    assert fake.payments == []
    # Not cached: the next call asks again and succeeds.
    assert client.b2c.send_payment(**PAYMENT_KWARGS).is_successful()
    assert fake.token_calls == 2


def test_expires_in_as_int_or_string(fake: FakeDaraja, clock: FakeClock) -> None:
    fake.token_replies = [httpx.Response(200, json={"access_token": "A", "expires_in": 120})]
    client = make_client(fake, clock)
    assert client.token_manager.get_token() == "A"
    clock.advance(59)
    assert client.token_manager.get_token() == "A"
    clock.advance(1)
    assert client.token_manager.get_token() == "tok-2"


def test_token_transport_failures(fake: FakeDaraja) -> None:
    fake.token_replies = [httpx.ReadTimeout("slow"), httpx.ConnectError("refused")]
    client = make_client(fake, connect_retries=0)
    with pytest.raises(DarajaAuthError, match="safe to retry"):
        client.token_manager.get_token()
    with pytest.raises(DarajaConnectError):
        client.token_manager.get_token()
    assert client.token_manager.get_token() == "tok-3"


# --- configuration, reprs and secrets ------------------------------------------------------------


def test_environments_and_base_url() -> None:
    assert MpesaHttpClient(environment="sandbox").base_url == "https://sandbox.safaricom.co.ke"
    assert MpesaHttpClient(environment="production").base_url == "https://api.safaricom.co.ke"
    assert MpesaHttpClient(base_url="http://127.0.0.1:9/").base_url == "http://127.0.0.1:9"
    with pytest.raises(DarajaValidationError) as info:
        MpesaClient(consumer_key="k", consumer_secret="s", environment="live")
    assert info.value.field == "environment" and "'sandbox' or 'production'" in str(info.value)
    with pytest.raises(DarajaValidationError):
        MpesaHttpClient(base_url="127.0.0.1:8000")
    with pytest.raises(DarajaValidationError):
        MpesaClient(consumer_key="", consumer_secret="s")


def test_http_client_get_and_post_use_the_transport() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    with MpesaHttpClient(environment="sandbox", transport=httpx.MockTransport(handler)) as http:
        assert http.post("/p", json={"a": 1}, headers={"X": "1"}).json() == {"ok": True}
        assert http.get("/g", params={"q": "v"}).status_code == 200
    assert seen[0].headers["x"] == "1" and json.loads(seen[0].content) == {"a": 1}
    assert str(seen[1].url) == "https://sandbox.safaricom.co.ke/g?q=v"


def test_secrets_never_in_reprs_errors_or_logs(
    fake: FakeDaraja, caplog: pytest.LogCaptureFixture, load: Callable[[str], Any]
) -> None:
    caplog.set_level(logging.DEBUG, logger="adapters.daraja")
    fake.payment_replies = [
        (401, load("b2c_error_invalid_token")),
        (400, load("b2c_error_invalid_field")),
    ]
    client = make_client(fake)
    with pytest.raises(DarajaError) as info:
        client.b2c.send_payment(**PAYMENT_KWARGS)
    texts = [
        repr(client),
        repr(client.token_manager),
        repr(client.b2c),
        repr(client.http_client),
        str(info.value),
        repr(info.value),
        caplog.text,
    ]
    for text in texts:
        for secret in (CONSUMER_SECRET, SECURITY_CREDENTIAL, "tok-1", "tok-2"):
            assert secret not in text, (secret, text)
    assert "***" in repr(client.token_manager)
