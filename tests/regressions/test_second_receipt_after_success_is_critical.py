"""A second success with another receipt is a possible second payment: critical, and kept.

Regression: two success results with different receipts (Daraja saying it paid twice) got only
the non-critical ``result_after_success`` flag, and the second receipt was not kept on the payout.
"""

from __future__ import annotations

from adapters.serving import RunningServer
from ledger import Flag, PayoutService, PayoutStatus
from tests.regressions.helpers import instruction, post, result_body


def test_second_receipt_is_flagged_and_kept(
    service: PayoutService, receiver: RunningServer
) -> None:
    service.send_payout(instruction("p1"))
    assert post(receiver, result_body("p1", 0, receipt="SGA")).status_code == 200
    assert post(receiver, result_body("p1", 0, receipt="SGB")).status_code == 200
    p = service.require("p1")
    assert p.status is PayoutStatus.SUCCEEDED and p.receipt == "SGA"
    assert p.other_receipts == ("SGB",)
    assert Flag.SECOND_RECEIPT in p.flags and p.critical


def test_third_receipt_is_kept_too_and_repeats_are_not(
    service: PayoutService, receiver: RunningServer
) -> None:
    service.send_payout(instruction("p1"))
    for receipt in ("SGA", "SGB", "SGB", "SGC", "SGA"):
        assert post(receiver, result_body("p1", 0, receipt=receipt)).status_code == 200
    p = service.require("p1")
    assert p.receipt == "SGA" and p.other_receipts == ("SGB", "SGC")
    assert Flag.SECOND_RECEIPT in p.flags


def test_repeat_of_the_same_success_is_not_a_second_receipt(
    service: PayoutService, receiver: RunningServer
) -> None:
    """The same receipt again (a redelivery) is a duplicate, not a possible second payment."""
    service.send_payout(instruction("p1"))
    body = result_body("p1", 0, receipt="SGA")
    assert post(receiver, body).status_code == 200
    assert post(receiver, body).status_code == 200
    p = service.require("p1")
    assert p.other_receipts == () and Flag.SECOND_RECEIPT not in p.flags and not p.critical
