"""The values a statement parse produces: lines, the preamble's metadata, refused rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation

import attrs

from ._amounts import ZERO, check_cents, format_amount
from ._classify import CommandId, Kind, classify, leading_msisdn
from ._times import to_kenyan_time

JsonScalar = str | int | bool | None


def _optional_kenyan_time(value: datetime | None) -> datetime | None:
    return None if value is None else to_kenyan_time(value)


@attrs.frozen(kw_only=True)
class StatementLine:
    """One movement of the statement, as the export states it (text fields stripped, "" if absent).

    Amounts are Decimal with two places: `paid_in` and `withdrawn` are both magnitudes (>= 0),
    whatever sign the export used for Withdrawn. Times are aware, in Kenyan time (UTC+03:00).
    """

    line_number: int
    receipt: str
    completed_at: datetime = attrs.field(converter=to_kenyan_time)
    initiated_at: datetime | None = attrs.field(default=None, converter=_optional_kenyan_time)
    details: str = ""
    status: str = ""
    paid_in: Decimal = ZERO
    withdrawn: Decimal = ZERO
    balance: Decimal | None = None
    balance_confirmed: bool | None = None
    reason_type: str = ""
    other_party_info: str = ""
    linked_transaction_id: str = ""
    account: str = ""

    def __attrs_post_init__(self) -> None:
        if isinstance(self.line_number, bool) or self.line_number < 1:
            raise ValueError(f"line_number must be >= 1, not {self.line_number!r}")
        if not self.receipt:
            raise ValueError("receipt must not be empty")
        paid_in = check_cents(self.paid_in, "paid_in")
        withdrawn = check_cents(self.withdrawn, "withdrawn")
        if paid_in < 0 or withdrawn < 0:
            raise ValueError("paid_in and withdrawn are magnitudes and must be >= 0")
        # Normalise in place (frozen): Decimal("1500") and Decimal("1500.00") give one key.
        object.__setattr__(self, "paid_in", paid_in)
        object.__setattr__(self, "withdrawn", withdrawn)
        if self.balance is not None:
            object.__setattr__(self, "balance", check_cents(self.balance, "balance"))

    @property
    def signed_amount(self) -> Decimal:
        """Paid In minus Withdrawn: positive money in, negative money out."""
        return self.paid_in - self.withdrawn

    @property
    def key(self) -> str:
        """The idempotency key: receipt, reason type and signed amount, joined by `|`.

        A payout and its charge share a receipt but differ in reason type and amount. Receipts
        and amounts hold no `|`, so the key splits back unambiguously even if a reason does.
        """
        return f"{self.receipt}|{self.reason_type}|{format_amount(self.signed_amount)}"

    @property
    def kind(self) -> Kind:
        """ "payout" (a B2C payment), "charge" (its fee) or "other" (transfers and the rest)."""
        return classify(self.reason_type, self.details)[0]

    @property
    def command_id(self) -> CommandId | None:
        """The B2C CommandID of a payout, or of the payout a charge is for; None otherwise."""
        return classify(self.reason_type, self.details)[1]

    @property
    def other_party_msisdn(self) -> str | None:
        """The payee's MSISDN (`2547...`) for a payout; None for charges and other lines."""
        if self.kind != "payout":
            return None
        return leading_msisdn(self.other_party_info, self.details)

    def to_dict(self) -> dict[str, JsonScalar]:
        """A JSON-ready dict of the stated fields (not the derived ones), for storage in events.

        Decimals become strings with two places, datetimes ISO 8601 with their +03:00 offset.
        """
        return {
            "line_number": self.line_number,
            "receipt": self.receipt,
            "completed_at": self.completed_at.isoformat(),
            "initiated_at": None if self.initiated_at is None else self.initiated_at.isoformat(),
            "details": self.details,
            "status": self.status,
            "paid_in": format_amount(self.paid_in),
            "withdrawn": format_amount(self.withdrawn),
            "balance": None if self.balance is None else format_amount(self.balance),
            "balance_confirmed": self.balance_confirmed,
            "reason_type": self.reason_type,
            "other_party_info": self.other_party_info,
            "linked_transaction_id": self.linked_transaction_id,
            "account": self.account,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> StatementLine:
        """Rebuild a line from `to_dict()` output; raises ValueError on a missing or odd field."""
        unknown = set(data) - _DICT_FIELDS
        missing = _DICT_FIELDS - set(data)
        if unknown or missing:
            raise ValueError(
                f"not a statement line dict: missing {sorted(missing)}, unknown {sorted(unknown)}"
            )
        line_number = data["line_number"]
        if not isinstance(line_number, int) or isinstance(line_number, bool):
            raise ValueError(f"line_number must be an int, not {line_number!r}")
        confirmed = data["balance_confirmed"]
        if confirmed is not None and not isinstance(confirmed, bool):
            raise ValueError(f"balance_confirmed must be a bool or None, not {confirmed!r}")
        initiated = data["initiated_at"]
        balance = data["balance"]
        return cls(
            line_number=line_number,
            receipt=_text(data, "receipt"),
            completed_at=_time(data["completed_at"], "completed_at"),
            initiated_at=None if initiated is None else _time(initiated, "initiated_at"),
            details=_text(data, "details"),
            status=_text(data, "status"),
            paid_in=_decimal(data["paid_in"], "paid_in"),
            withdrawn=_decimal(data["withdrawn"], "withdrawn"),
            balance=None if balance is None else _decimal(balance, "balance"),
            balance_confirmed=confirmed,
            reason_type=_text(data, "reason_type"),
            other_party_info=_text(data, "other_party_info"),
            linked_transaction_id=_text(data, "linked_transaction_id"),
            account=_text(data, "account"),
        )


_DICT_FIELDS = frozenset(field.name for field in attrs.fields(StatementLine))


def _text(data: Mapping[str, object], name: str) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a str, not {value!r}")
    return value


def _time(value: object, name: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be an ISO 8601 string, not {value!r}")
    parsed = datetime.fromisoformat(value)
    if parsed.utcoffset() is None:
        raise ValueError(f"{name} {value!r} has no UTC offset")
    return parsed


def _decimal(value: object, name: str) -> Decimal:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a decimal string, not {value!r}")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{name} {value!r} is not a decimal") from None


@attrs.frozen(kw_only=True)
class StatementHeader:
    """The statement's preamble: organisation, shortcode and period, each None if not stated.

    `other` keeps preamble rows we do not interpret, as (label, value) pairs in file order.
    """

    organisation_name: str | None = None
    shortcode: str | None = None
    period_start: datetime | None = None
    period_end: datetime | None = None
    other: tuple[tuple[str, str], ...] = ()


@attrs.frozen
class RowError:
    """A row that could not be read: where it is, why (naming column and rule), and its text."""

    line_number: int
    reason: str
    raw: str

    @property
    def message(self) -> str:
        """The reason prefixed with the line, e.g. `line 9: Withdrawn: "1,5x0.00" is not ...`."""
        return f"line {self.line_number}: {self.reason}"

    def __str__(self) -> str:
        return self.message


@attrs.frozen(kw_only=True)
class StatementParse:
    """The result of parsing a whole statement: every row is either in `lines` or in `errors`.

    `encoding` is "utf-8" or "cp1252" for bytes and files, None for str text given as is.
    `columns` is the header row as written. Blank and separator rows are not counted as rows.
    """

    header: StatementHeader | None
    encoding: str | None
    columns: tuple[str, ...]
    lines: tuple[StatementLine, ...]
    errors: tuple[RowError, ...]
    rows_read: int
    rows_kept: int
    rows_refused: int
