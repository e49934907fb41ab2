"""A success callback without a readable whole-shilling amount or a receipt is critical.

Regression: TransactionAmount 1500.5, "1,500", garbage or absent left ``paid_amount`` None and,
since the amount check ran only on a readable amount, no flag: the payout read as a clean
success, hiding what was actually paid. A bare success (no receipt, no TransactionID, no amount)
was also a clean ``succeeded``. Now both get the critical flag ``result_incomplete``.
"""

from __future__ import annotations

import json

import pytest

from adapters.serving import RunningServer
from ledger import Flag, PayoutService, PayoutStatus
from tests.regressions.helpers import instruction, post, result_body


@pytest.mark.parametrize(
    "amount",
    [1500.5, "1,500", "KES 1500", True, None],
    ids=["fraction", "thousands_comma", "garbage", "boolean", "absent"],
)
def test_unreadable_amount_is_flagged(
    service: PayoutService, receiver: RunningServer, amount: object
) -> None:
    service.send_payout(instruction("p1"))
    assert post(receiver, result_body("p1", 0, amount=amount)).status_code == 200
    p = service.require("p1")
    assert p.status is PayoutStatus.SUCCEEDED and p.paid_amount is None
    assert Flag.RESULT_INCOMPLETE in p.flags and p.critical


def test_success_without_receipt_or_transaction_id_is_flagged(
    service: PayoutService, receiver: RunningServer
) -> None:
    service.send_payout(instruction("p1"))
    body = result_body("p1", 0, receipt=None, transaction_id=None)
    assert post(receiver, body).status_code == 200
    p = service.require("p1")
    assert p.status is PayoutStatus.SUCCEEDED and p.paid_amount == 1500 and p.receipt is None
    assert Flag.RESULT_INCOMPLETE in p.flags and p.critical


def test_bare_success_is_flagged(service: PayoutService, receiver: RunningServer) -> None:
    service.send_payout(instruction("p1"))
    body = json.dumps({"Result": {"ResultCode": 0, "OriginatorConversationID": "p1"}}).encode()
    assert post(receiver, body).status_code == 200
    p = service.require("p1")
    assert p.status is PayoutStatus.SUCCEEDED and p.receipt is None
    assert Flag.RESULT_INCOMPLETE in p.flags and p.critical


@pytest.mark.parametrize("amount", [1500, "1500", 1500.0], ids=["int", "string", "whole_float"])
def test_complete_success_is_not_flagged(
    service: PayoutService, receiver: RunningServer, amount: object
) -> None:
    """A whole-shilling amount and a receipt: a clean success (the flag means something)."""
    service.send_payout(instruction("p1"))
    assert post(receiver, result_body("p1", 0, amount=amount)).status_code == 200
    p = service.require("p1")
    assert p.status is PayoutStatus.SUCCEEDED and p.paid_amount == 1500
    assert p.receipt == "SG60000AB1" and not p.flags and not p.critical
