"""What a reconciliation says: the categories, one item per payout or statement line, totals."""

from __future__ import annotations

import enum
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

import attrs


class Category(enum.StrEnum):
    """Where a payout of the ledger, or a payout line of the statement, lands (exactly one)."""

    MATCHED = "matched"
    AMOUNT_MISMATCH = "amount_mismatch"
    MISSING_FROM_STATEMENT = "missing_from_statement"
    CARRIED_OVER = "carried_over"
    UNKNOWN_TO_LEDGER = "unknown_to_ledger"
    RESOLVED_PENDING = "resolved_pending"
    PENDING = "pending"
    FAILED_NOT_PAID = "failed_not_paid"
    FAILED_BUT_PAID = "failed_but_paid"
    PAID_TWICE = "paid_twice"


#: The categories (in report order) and their rank, the sort key in SQL.
CATEGORIES: tuple[Category, ...] = tuple(Category)
RANK: dict[Category, int] = {c: i for i, c in enumerate(CATEGORIES)}

#: Exceptions a person must look at: the report's exit status is 3 when any has an item.
CRITICAL: frozenset[Category] = frozenset(
    {
        Category.FAILED_BUT_PAID,
        Category.PAID_TWICE,
        Category.UNKNOWN_TO_LEDGER,
        Category.MISSING_FROM_STATEMENT,
        Category.AMOUNT_MISMATCH,
    }
)
#: Exceptions first (critical ones, then the ones to watch), the rest after: for people.
EXCEPTION_ORDER: tuple[Category, ...] = (
    Category.FAILED_BUT_PAID,
    Category.PAID_TWICE,
    Category.UNKNOWN_TO_LEDGER,
    Category.MISSING_FROM_STATEMENT,
    Category.AMOUNT_MISMATCH,
    Category.RESOLVED_PENDING,
    Category.CARRIED_OVER,
    Category.PENDING,
    Category.FAILED_NOT_PAID,
    Category.MATCHED,
)


def money(cents: int | None) -> Decimal | None:
    """Cents as a Decimal amount with two places (None stays None)."""
    return None if cents is None else Decimal(cents).scaleb(-2)


def _time(value: datetime | None, tz: tzinfo) -> str | None:
    return None if value is None else value.astimezone(tz).isoformat()


def _amount(value: Decimal | int | None) -> str | None:
    if value is None:
        return None
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


@attrs.frozen(kw_only=True)
class Item:
    """One payout (with its statement line, if any) or one statement line, in one category.

    ``ledger_amount`` is what the ledger asked to pay (whole shillings); ``statement_amount`` what
    the statement says left the account. Times are aware; the renderers show them in the
    report's time zone.
    """

    category: Category
    ocid: str | None = None
    receipt: str | None = None
    line_key: str | None = None
    command_id: str | None = None
    recipient: str | None = None
    ledger_status: str | None = None
    ledger_amount: int | None = None
    statement_amount: Decimal | None = None
    requested_at: datetime | None = None
    completed_at: datetime | None = None
    statement_completed_at: datetime | None = None
    note: str = ""

    @property
    def value(self) -> Decimal:
        """The money this item is about: the statement's amount, else the ledger's."""
        if self.statement_amount is not None:
            return self.statement_amount
        return Decimal(self.ledger_amount or 0).quantize(Decimal("0.01"))

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.ocid or "", self.line_key or "")

    def to_dict(self, tz: tzinfo) -> dict[str, Any]:
        """JSON-ready: money as decimal strings with two places, times ISO 8601 in ``tz``."""
        return {
            "category": self.category.value,
            "ocid": self.ocid,
            "receipt": self.receipt,
            "line_key": self.line_key,
            "command_id": self.command_id,
            "recipient": self.recipient,
            "ledger_status": self.ledger_status,
            "ledger_amount": _amount(self.ledger_amount),
            "statement_amount": _amount(self.statement_amount),
            "requested_at": _time(self.requested_at, tz),
            "completed_at": _time(self.completed_at, tz),
            "statement_completed_at": _time(self.statement_completed_at, tz),
            "note": self.note,
        }


#: The fields of an item, in column order (CSV, tables).
ITEM_FIELDS: tuple[str, ...] = (
    "category",
    "ocid",
    "receipt",
    "line_key",
    "command_id",
    "recipient",
    "ledger_status",
    "ledger_amount",
    "statement_amount",
    "requested_at",
    "completed_at",
    "statement_completed_at",
    "note",
)


@attrs.frozen
class CategoryTotal:
    count: int
    value: Decimal


@attrs.frozen(kw_only=True)
class BalanceBreak:
    """A statement row whose Balance is not the previous row's plus its own movement."""

    line_key: str
    completed_at: datetime
    expected: Decimal
    stated: Decimal

    def to_dict(self, tz: tzinfo) -> dict[str, Any]:
        return {
            "line_key": self.line_key,
            "completed_at": _time(self.completed_at, tz),
            "expected_balance": _amount(self.expected),
            "stated_balance": _amount(self.stated),
        }


@attrs.frozen(kw_only=True)
class UtilityFundsMismatch:
    """A payout row whose Balance differs from the callback's B2CUtilityAccountAvailableFunds."""

    receipt: str
    ocid: str
    line_key: str
    statement_balance: Decimal
    callback_utility_funds: Decimal

    def to_dict(self, tz: tzinfo) -> dict[str, Any]:
        return {
            "receipt": self.receipt,
            "ocid": self.ocid,
            "line_key": self.line_key,
            "statement_balance": _amount(self.statement_balance),
            "callback_utility_funds": _amount(self.callback_utility_funds),
        }


@attrs.frozen(kw_only=True)
class BalanceRollForward:
    """opening + paid in - withdrawn = closing, from the statement rows of the day."""

    rows: int
    rows_without_balance: int
    opening: Decimal | None
    paid_in: Decimal
    withdrawn: Decimal
    closing_computed: Decimal | None
    closing_stated: Decimal | None
    breaks: int

    @property
    def consistent(self) -> bool:
        return self.breaks == 0 and self.closing_computed == self.closing_stated

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "rows_without_balance": self.rows_without_balance,
            "opening": _amount(self.opening),
            "paid_in": _amount(self.paid_in),
            "withdrawn": _amount(self.withdrawn),
            "closing_computed": _amount(self.closing_computed),
            "closing_stated": _amount(self.closing_stated),
            "row_breaks": self.breaks,
            "consistent": self.consistent,
        }


@attrs.frozen(kw_only=True)
class MoneyCount:
    count: int
    amount: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "amount": _amount(self.amount)}


@attrs.frozen(kw_only=True)
class Totals:
    """The day's sums: statement lines by kind and CommandID, the ledger's payouts, categories."""

    statement_payouts: MoneyCount
    statement_by_command: tuple[tuple[str, MoneyCount], ...]
    charges: MoneyCount
    other_in: MoneyCount
    other_out: MoneyCount
    ledger_payouts: MoneyCount
    ledger_by_command: tuple[tuple[str, MoneyCount], ...]
    ledger_by_status: tuple[tuple[str, MoneyCount], ...]
    categories: tuple[tuple[Category, CategoryTotal], ...]
    balance: BalanceRollForward
    utility_funds_mismatches: int
    resolutions_appended: int

    def category(self, category: Category) -> CategoryTotal:
        return dict(self.categories)[category]

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": {
                "payouts": self.statement_payouts.to_dict(),
                "payouts_by_command_id": {k: v.to_dict() for k, v in self.statement_by_command},
                "charges_paid": self.charges.to_dict(),
                "other_movements": {
                    "paid_in": self.other_in.to_dict(),
                    "withdrawn": self.other_out.to_dict(),
                },
            },
            "ledger": {
                "payouts": self.ledger_payouts.to_dict(),
                "payouts_by_command_id": {k: v.to_dict() for k, v in self.ledger_by_command},
                "payouts_by_status": {k: v.to_dict() for k, v in self.ledger_by_status},
            },
            "categories": {
                c.value: {"count": t.count, "value": _amount(t.value)} for c, t in self.categories
            },
            "critical": sum(t.count for c, t in self.categories if c in CRITICAL),
            "balance": self.balance.to_dict(),
            "utility_funds_mismatches": self.utility_funds_mismatches,
        }
