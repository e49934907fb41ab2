"""The payout state machine, folded from events (pure: no store)."""

from __future__ import annotations

from datetime import UTC, datetime

import hypothesis.strategies as st
from hypothesis import given

from ledger import (
    CallbackDelivered,
    Flag,
    Payout,
    PayoutAccepted,
    PayoutOutcomeUnknown,
    PayoutRejected,
    PayoutRequested,
    PayoutResolved,
    PayoutStatus,
)
from ledger.payout import evolve
from tests.ledger.fakes import failure, success, timeout

AT = datetime(2024, 7, 6, 19, 0, tzinfo=UTC)
OCID = "ocid-1"


def requested() -> PayoutRequested:
    return PayoutRequested(
        OCID,
        "BusinessPayment",
        1500,
        "600999",
        "254700000001",
        "Salary payout",
        None,
        "api_initiator",
        "https://x/webhooks/b2c/result",
        "https://x/webhooks/b2c/timeout",
        AT,
    )


def run(*events: object) -> Payout:
    state = None
    for i, e in enumerate(events, start=1):
        state = evolve(state, e, AT, i)
    assert state is not None
    return state


ACCEPTED = PayoutAccepted(f"AG_{OCID}", "0", "ok", AT)


def test_happy_path() -> None:
    p = run(requested(), ACCEPTED, success(OCID))
    assert (
        p.status is PayoutStatus.SUCCEEDED and p.receipt == "SG60000AB1" and p.paid_amount == 1500
    )
    assert p.conversation_id == f"AG_{OCID}" and not p.flags


def test_result_before_the_synchronous_reply_is_recorded() -> None:
    p = run(requested(), success(OCID), ACCEPTED)
    assert p.status is PayoutStatus.SUCCEEDED


def test_timeout_is_not_a_failure_and_a_late_result_settles_it() -> None:
    p = run(requested(), ACCEPTED, timeout(OCID))
    assert p.status is PayoutStatus.TIMED_OUT and p.is_open
    p = run(requested(), ACCEPTED, timeout(OCID), success(OCID))
    assert p.status is PayoutStatus.SUCCEEDED and Flag.LATE_RESULT in p.flags


def test_success_is_final() -> None:
    p = run(requested(), ACCEPTED, success(OCID), timeout(OCID), failure(OCID))
    assert p.status is PayoutStatus.SUCCEEDED and p.receipt == "SG60000AB1"
    assert Flag.LATE_TIMEOUT_AFTER_SUCCESS in p.flags and Flag.RESULT_AFTER_SUCCESS in p.flags


def test_failure_is_overturned_only_by_evidence() -> None:
    p = run(requested(), ACCEPTED, failure(OCID), success(OCID))
    assert p.status is PayoutStatus.FAILED and Flag.SUCCESS_AFTER_FAILURE in p.flags and p.critical
    resolved = PayoutResolved("succeeded", "statement", AT, receipt="SG6X", amount=1500)
    p = run(requested(), ACCEPTED, failure(OCID), resolved)
    assert p.status is PayoutStatus.SUCCEEDED and Flag.FAILURE_OVERTURNED in p.flags and p.critical


def test_rejected_and_unknown() -> None:
    rejected = PayoutRejected(400, "400.002.02", "Bad Request - Invalid PartyB", "r-1", AT)
    p = run(requested(), rejected)
    assert p.status is PayoutStatus.REJECTED and p.error_code == "400.002.02"
    p = run(requested(), PayoutOutcomeUnknown("read_timeout", "no reply in 30 s", AT))
    assert p.status is PayoutStatus.UNKNOWN and p.is_open
    p = run(requested(), PayoutOutcomeUnknown("read_timeout", "", AT), success(OCID))
    assert p.status is PayoutStatus.SUCCEEDED


def _delivered(verdict: str) -> CallbackDelivered:
    return CallbackDelivered("d", "result", b"{}", 2, "h", False, None, None, {}, AT, verdict)


callbacks = st.lists(
    st.sampled_from(
        [
            success(OCID),
            success(OCID, receipt="SG6OTHER", amount=99),
            failure(OCID),
            failure(OCID, code="1"),
            timeout(OCID),
            ACCEPTED,
            PayoutOutcomeUnknown("read_timeout", "", AT),
            _delivered("accepted"),
            _delivered("duplicate"),
            PayoutResolved("failed", "status_query", AT),
        ]
    ),
    max_size=12,
)


@given(before=callbacks, after=callbacks)
def test_nothing_after_a_success_moves_it(before: list[object], after: list[object]) -> None:
    p = run(requested(), *before, success(OCID))
    if p.status is not PayoutStatus.SUCCEEDED:
        return  # an earlier failure is final too; covered elsewhere
    settled = (p.status, p.receipt, p.paid_amount, p.completed_at)
    q = run(requested(), *before, success(OCID), *after)
    assert (q.status, q.receipt, q.paid_amount, q.completed_at) == settled


@given(events=callbacks)
def test_fold_is_deterministic_and_total(events: list[object]) -> None:
    a = run(requested(), *events)
    b = run(requested(), *events)
    assert a == b
    assert a.status in set(PayoutStatus)
    assert a.deliveries == sum(isinstance(e, CallbackDelivered) for e in events)
