"""The demo's batch: which payout meets which fate, and what the ledger must end up saying.

Each scripted payout has its own recipient number, so the simulator can be told its fate by
number; the rest succeed. The expectations are written down here, next to the scripts, so the
demo can check every payout and every reconciliation category against them.
"""

from __future__ import annotations

import attrs

from ledger import PayoutStatus


@attrs.frozen
class Fate:
    """A scripted outcome, the state it must lead to and its reconciliation category."""

    name: str
    outcome: str
    status: PayoutStatus
    category: str
    result_code: int | str | None = None
    command_id: str = "BusinessPayment"
    amount: int = 1500
    extra: dict[str, object] = attrs.field(factory=dict)
    flags: tuple[str, ...] = ()


FATES: tuple[Fate, ...] = (
    Fate("insufficient balance", "fail", PayoutStatus.FAILED, "failed_not_paid", result_code=1),
    Fate("initiator invalid", "fail", PayoutStatus.FAILED, "failed_not_paid", result_code=2001),
    Fate(
        "unregistered recipient", "fail", PayoutStatus.FAILED, "failed_not_paid", result_code=2040
    ),
    Fate(
        "timeout, then a late result",
        "timeout_then_result",
        PayoutStatus.SUCCEEDED,
        "matched",
        flags=("late_result",),
    ),
    Fate(
        "result delivered three times",
        "duplicate_delivery",
        PayoutStatus.SUCCEEDED,
        "matched",
        extra={"deliveries": 3},
        flags=("duplicate_delivery",),
    ),
    Fate("synchronous reply lost", "reply_lost", PayoutStatus.SUCCEEDED, "matched"),
    Fate("access token expired", "expired_token", PayoutStatus.SUCCEEDED, "matched"),
    Fate(
        "timed out, but paid",
        "timeout_only_paid",
        PayoutStatus.TIMED_OUT,
        "resolved_pending",
        command_id="SalaryPayment",
        amount=4800,
    ),
    Fate(
        "Daraja says duplicate OriginatorConversationID",
        "duplicate_ocid",
        PayoutStatus.UNKNOWN,
        "pending",
    ),
    Fate(
        "paid a different amount",
        "amount_changed",
        PayoutStatus.SUCCEEDED,
        "amount_mismatch",
        amount=2500,
        extra={"paid_amount": 2550},
        flags=("amount_differs",),
    ),
)

SUCCESS = Fate("paid", "success", PayoutStatus.SUCCEEDED, "matched")

#: Rows of the batch file that must be refused, with the rule each breaks.
BAD_ROWS: tuple[tuple[str, str], ...] = (
    ("07123456789,1500,SalaryPayment,July salary,JulySalary", "PartyB"),
    ("0712345678,1500.50,SalaryPayment,July salary,JulySalary", "Amount"),
    ("0712345678,1500,salarypayment,July salary,JulySalary", "CommandID"),
)

#: Recipient and amount of a payout that leaves the account behind the ledger's back.
UNKNOWN_PAYOUT = ("254799000999", 700)


def recipient(index: int) -> str:
    """A distinct, valid Kenyan mobile number for the batch's row ``index``."""
    return f"2547{10_000_000 + index * 7919:08d}"[:12]


def plan(count: int) -> list[Fate]:
    """The fate of each of ``count`` payouts: the scripted ones first, then successes."""
    if count < len(FATES) + 40:
        raise ValueError(f"the demo needs at least {len(FATES) + 40} payouts")
    return [*FATES, *([SUCCESS] * (count - len(FATES)))]
