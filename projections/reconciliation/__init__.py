"""The daily reconciliation of the ledger's payouts against the organisation's statement."""

from projections.catalogue import catch_up_all
from projections.reconciliation._items import (
    CATEGORIES,
    CRITICAL,
    EXCEPTION_ORDER,
    ITEM_FIELDS,
    BalanceBreak,
    BalanceRollForward,
    Category,
    CategoryTotal,
    Item,
    MoneyCount,
    Totals,
    UtilityFundsMismatch,
)
from projections.reconciliation._reconcile import (
    DEFAULT_CARRY_OVER,
    DEFAULT_MATCH_WINDOW,
    EXIT_CRITICAL,
    NAIROBI,
    Reconciliation,
    ReconciliationError,
    day_bounds,
    reconcile_day,
    shortcodes_of_day,
)
from projections.reconciliation._tables import (
    PayoutReceiptsProjection,
    StatementLinesProjection,
    payout_receipts,
    statement_lines,
)

__all__ = [
    "CATEGORIES",
    "CRITICAL",
    "DEFAULT_CARRY_OVER",
    "DEFAULT_MATCH_WINDOW",
    "EXCEPTION_ORDER",
    "EXIT_CRITICAL",
    "ITEM_FIELDS",
    "NAIROBI",
    "BalanceBreak",
    "BalanceRollForward",
    "Category",
    "CategoryTotal",
    "Item",
    "MoneyCount",
    "PayoutReceiptsProjection",
    "Reconciliation",
    "ReconciliationError",
    "StatementLinesProjection",
    "Totals",
    "UtilityFundsMismatch",
    "catch_up_all",
    "day_bounds",
    "payout_receipts",
    "reconcile_day",
    "shortcodes_of_day",
    "statement_lines",
]
