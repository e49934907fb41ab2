"""The OAuth token endpoint and bearer-token checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .conftest import FakeClock, RunningSimulator


def test_token_has_the_fixture_shape(daraja: RunningSimulator, fixtures_dir: Path) -> None:
    fixture = json.loads((fixtures_dir / "daraja" / "token_ok.json").read_text())
    reply = daraja.http.get(
        "/oauth/v1/generate",
        params={"grant_type": "client_credentials"},
        auth=("sim-consumer-key", "sim-consumer-secret"),
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body.keys() == fixture.keys()
    assert body["expires_in"] == "3599"
    assert isinstance(body["access_token"], str) and body["access_token"]


def test_wrong_credentials_are_refused(daraja: RunningSimulator) -> None:
    for auth in [("sim-consumer-key", "wrong"), ("nobody", "sim-consumer-secret")]:
        reply = daraja.http.get(
            "/oauth/v1/generate", params={"grant_type": "client_credentials"}, auth=auth
        )
        assert reply.status_code == 400
        body = reply.json()
        assert body["errorCode"] == "400.008.01"
        assert body["errorMessage"] == "Invalid Authentication passed"
        assert body["requestId"]
    no_auth = daraja.http.get("/oauth/v1/generate", params={"grant_type": "client_credentials"})
    assert no_auth.status_code == 400
    assert no_auth.json()["errorCode"] == "400.008.01"


def test_grant_type_is_required(daraja: RunningSimulator) -> None:
    for params in [{}, {"grant_type": "password"}]:
        reply = daraja.http.get(
            "/oauth/v1/generate", params=params, auth=("sim-consumer-key", "sim-consumer-secret")
        )
        assert reply.status_code == 400
        assert reply.json()["errorCode"] == "400.008.02"


def test_unknown_or_missing_token_is_404(daraja: RunningSimulator, fixtures_dir: Path) -> None:
    fixture = json.loads((fixtures_dir / "daraja" / "b2c_error_invalid_token.json").read_text())
    for headers in [{"Authorization": "Bearer not-a-token"}, {}]:
        reply = daraja.http.post(
            "/mpesa/b2c/v3/paymentrequest", json=daraja.body(), headers=headers
        )
        assert reply.status_code == 404
        body = reply.json()
        assert body.keys() == fixture.keys()
        assert (body["errorCode"], body["errorMessage"]) == ("404.001.03", "Invalid Access Token")
    assert daraja.sim.bank.transactions == ()


def test_token_expires_with_the_clock(
    make_simulator: Callable[..., RunningSimulator], clock: FakeClock
) -> None:
    daraja = make_simulator(token_lifetime=60)
    token = daraja.token()
    clock.advance(59)
    assert daraja.pay("ocid-a", token=token).status_code == 200
    clock.advance(1)
    expired = daraja.pay("ocid-b", token=token)
    assert expired.status_code == 404
    assert expired.json()["errorCode"] == "404.001.03"
    assert daraja.pay("ocid-b").status_code == 200
    daraja.sim.wait_idle()
