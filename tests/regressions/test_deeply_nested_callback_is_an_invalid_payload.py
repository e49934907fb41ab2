"""A callback body nested too deeply to parse is refused with 400 and kept.

Regression: a body nested deeper than Python's recursion limit raised RecursionError in the JSON
parser, which was not caught as a parse failure: the receiver answered 503 and stored nothing --
contrary to "every delivery is stored" -- a poison message Daraja (or anyone) could repeat forever.
"""

from __future__ import annotations

import pytest

from adapters.serving import RunningServer
from ledger import EventStore, PayoutService, PayoutStatus
from tests.regressions.helpers import (
    deliveries_since,
    event_types,
    instruction,
    post,
    result_body,
)

DEPTH = 20_000


@pytest.mark.parametrize("route", ["result", "timeout"])
def test_deeply_nested_body_is_refused_with_400_and_kept(
    service: PayoutService, store: EventStore, receiver: RunningServer, route: str
) -> None:
    service.send_payout(instruction("p1"))
    body = result_body("p1", 0, extra={"X": "@@"}).replace(b'"@@"', b"[" * DEPTH + b"]" * DEPTH)
    assert len(body) < 64 * 1024  # under the receiver's size limit: it is read, not cut
    before = store.last_position()

    r = post(receiver, body, route=route)

    assert r.status_code == 400 and r.json()["ResultCode"] == 1
    (kept,) = deliveries_since(store, before)
    assert kept.verdict in ("invalid_json", "invalid_payload")
    assert kept.route == route and kept.body == body
    assert service.require("p1").status is PayoutStatus.SUBMITTED
    assert event_types(store, "p1") == ["requested", "submission_started", "accepted"]
