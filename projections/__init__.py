"""Read models built from the ledger's events: payout state, audit history, reconciliation."""

from projections.history import HistoryEntry, payout_history
from projections.payouts import (
    PayoutStateProjection,
    get_payout,
    list_payouts,
    payout_state,
    status_counts,
)
from projections.reconciliation import Reconciliation, reconcile_day
from projections.runner import Projection, catch_up, rebuild

__all__ = [
    "HistoryEntry",
    "PayoutStateProjection",
    "Projection",
    "Reconciliation",
    "catch_up",
    "get_payout",
    "list_payouts",
    "payout_history",
    "payout_state",
    "rebuild",
    "reconcile_day",
    "status_counts",
]
