"""A callback URL the SDK refuses is not quoted in the error (its path carries a secret token).

Regression: the SDK's URL rule appended ``(got '<the whole URL>')`` to its message, so the
per-payout HMAC token of the ResultURL reached stderr and the logs.
"""

from __future__ import annotations

import pytest

from adapters.daraja import DarajaValidationError, MpesaClient
from adapters.daraja._requests import _url
from adapters.gateway import DarajaGateway
from ledger import CallbackUrlBuilder, EventStore, PayoutService, PayoutValidationError
from tests.regressions.helpers import instruction

SECRET = b"s" * 32


@pytest.mark.parametrize(
    "base_url",
    [
        "https://cb.example.com /hooks",  # white space
        "ftp://cb.example.com/hooks",  # not http(s)
        "https:///hooks",  # no host
        "https://[cb.example.com/hooks",  # cannot be parsed
    ],
)
def test_refused_callback_url_is_not_echoed(store: EventStore, base_url: str) -> None:
    client = MpesaClient("k", "s", base_url="http://daraja.invalid")
    gateway = DarajaGateway(
        client, initiator_name="api", security_credential="C", shortcode="600999"
    )
    urls = CallbackUrlBuilder(base_url, secret=SECRET)
    service = PayoutService(store, gateway, urls)
    token = urls.token_for("p1")

    with pytest.raises(PayoutValidationError) as info:
        service.send_payout(instruction("p1"))

    err = info.value
    assert err.field in ("ResultURL", "QueueTimeOutURL")
    for text in (str(err), repr(err), *map(str, err.args)):
        assert token not in text
        assert base_url not in text


def test_sdk_url_rule_does_not_quote_the_value() -> None:
    value = "https://cb.example.com /webhooks/b2c/result/TOKEN-abc123"
    with pytest.raises(DarajaValidationError) as info:
        _url("ResultURL", value)
    assert "TOKEN-abc123" not in str(info.value)
    assert "TOKEN-abc123" not in info.value.rule
