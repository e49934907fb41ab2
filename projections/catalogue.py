"""Every projection of the product, in one list: what `payouts replay` rebuilds and what each
command catches up before it reads."""

from __future__ import annotations

from ledger import EventStore
from projections.runner import Projection, catch_up_together, rebuild


def all_projections() -> list[Projection]:
    """The payout state, the reconciliation's read models and the callbacks to look at."""
    # Imported here: the reconciliation package itself catches up through this module.
    from projections.callback_exceptions import CallbackExceptionsProjection
    from projections.payouts import PayoutStateProjection
    from projections.reconciliation._tables import (
        PayoutReceiptsProjection,
        StatementLinesProjection,
    )

    return [
        PayoutStateProjection(),
        StatementLinesProjection(),
        PayoutReceiptsProjection(),
        CallbackExceptionsProjection(),
    ]


def catch_up_all(store: EventStore) -> int:
    """Bring every projection up to date (a command's effect is visible to the next at once)."""
    return catch_up_together(store, all_projections())


def rebuild_all(store: EventStore) -> int:
    """Drop every projection's rows and build them again from position 0."""
    return sum(rebuild(store, p) for p in all_projections())
