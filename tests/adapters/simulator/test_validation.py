"""Daraja's field-by-field validation of the B2C v3 payment request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import DROP, RunningSimulator

INVALID: list[tuple[str, Any]] = [
    ("OriginatorConversationID", DROP),
    ("OriginatorConversationID", ""),
    ("OriginatorConversationID", 12),
    ("InitiatorName", DROP),
    ("InitiatorName", ""),
    ("SecurityCredential", DROP),
    ("SecurityCredential", "  "),
    ("CommandID", "CustomerPayBillOnline"),
    ("CommandID", DROP),
    ("Amount", 0),
    ("Amount", -5),
    ("Amount", 10.5),
    ("Amount", "10.50"),
    ("Amount", "abc"),
    ("Amount", True),
    ("Amount", DROP),
    ("PartyA", 123456),
    ("PartyA", DROP),
    ("PartyB", 254800000001),
    ("PartyB", "0700000001"),
    ("PartyB", "2547000000012"),
    ("PartyB", "25470000000"),
    ("PartyB", DROP),
    ("Remarks", DROP),
    ("Remarks", 5),
    ("Remarks", "x" * 101),
    ("QueueTimeOutURL", "ftp://example.com/timeout"),
    ("QueueTimeOutURL", "not a url"),
    ("QueueTimeOutURL", DROP),
    ("ResultURL", "https://"),
    ("ResultURL", DROP),
    ("Occassion", 7),
]


@pytest.mark.parametrize(("field", "value"), INVALID)
def test_an_invalid_field_is_named_in_a_400(
    daraja: RunningSimulator, fixtures_dir: Path, field: str, value: Any
) -> None:
    fixture = json.loads((fixtures_dir / "daraja" / "b2c_error_invalid_field.json").read_text())
    reply = daraja.pay(**{field: value})
    assert reply.status_code == 400, reply.text
    body = reply.json()
    assert body.keys() == fixture.keys()
    assert body["errorCode"] == "400.002.02"
    assert body["errorMessage"] == f"Bad Request - Invalid {field}"
    assert daraja.sim.bank.transactions == ()
    assert daraja.sim.payments == ()


@pytest.mark.parametrize(
    "overrides",
    [
        {"Amount": "1500", "PartyA": "600999", "PartyB": "254110000002"},
        {"Occassion": DROP},
        {"Remarks": ""},
        {"CommandID": "SalaryPayment", "Amount": 1500.0},
        {"CommandID": "PromotionPayment", "ResultURL": "http://127.0.0.1:1/unused"},
    ],
)
def test_valid_variants_are_accepted(daraja: RunningSimulator, overrides: dict[str, Any]) -> None:
    reply = daraja.pay(**overrides)
    assert reply.status_code == 200, reply.text
    assert reply.json()["ResponseCode"] == "0"
    daraja.sim.wait_idle()


def test_a_body_that_is_not_json_is_refused(daraja: RunningSimulator) -> None:
    for content in [b"{not json", b"[1, 2]", b"\xff\xfe"]:
        reply = daraja.http.post(
            "/mpesa/b2c/v3/paymentrequest",
            content=content,
            headers={"Authorization": f"Bearer {daraja.token()}"},
        )
        assert reply.status_code == 400
        assert reply.json()["errorCode"] == "400.002.02"
