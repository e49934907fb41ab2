"""Every X-Forwarded-For header line counts: an attacker's own line cannot pose as the caller.

Regression: the receiver read only the first X-Forwarded-For line. A trusted proxy that adds its
own line (rather than appending to the client's) put the attacker's forged line first, so a
caller anywhere could claim a Safaricom address, pass the allowlist and have its callback applied.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.receiver import ReceiverConfig, create_receiver_app
from adapters.serving import RunningServer, serve_in_thread
from ledger import EventStore, PayoutService, PayoutStatus
from tests.regressions.helpers import (
    deliveries_since,
    event_types,
    instruction,
    post,
    result_body,
)

SAFARICOM = "196.201.214.200"
ATTACKER = "203.0.113.66"
PROXY = "127.0.0.1"  # the receiver's peer in these tests: our own reverse proxy


@pytest.fixture
def behind_proxy(store: EventStore) -> Iterator[RunningServer]:
    config = ReceiverConfig(allowed_ips=(SAFARICOM,), trusted_proxies=(PROXY,))
    with serve_in_thread(create_receiver_app(store, config), name="receiver") as server:
        yield server


def test_forged_first_line_is_refused(
    service: PayoutService, store: EventStore, behind_proxy: RunningServer
) -> None:
    service.send_payout(instruction("p1"))
    before = store.last_position()
    r = post(
        behind_proxy,
        result_body("p1", 0, receipt="FORGED"),
        headers=[
            ("x-forwarded-for", SAFARICOM),  # written by the attacker
            ("x-forwarded-for", ATTACKER),  # added by the proxy: the real caller
        ],
    )
    assert r.status_code == 403
    p = service.require("p1")
    assert p.status is PayoutStatus.SUBMITTED and p.receipt is None
    assert "result_received" not in event_types(store, "p1")
    (kept,) = deliveries_since(store, before)  # refused, and kept for the audit trail
    assert kept.verdict == "forbidden" and kept.source_ip == ATTACKER


def test_proxy_line_naming_safaricom_is_believed(
    service: PayoutService, behind_proxy: RunningServer
) -> None:
    """The other way round: the proxy's own line (last) names the real, allowed caller."""
    service.send_payout(instruction("p2"))
    r = post(
        behind_proxy,
        result_body("p2", 0, receipt="SGREAL"),
        headers=[("x-forwarded-for", ATTACKER), ("x-forwarded-for", SAFARICOM)],
    )
    assert r.status_code == 200
    assert service.require("p2").receipt == "SGREAL"
