"""Hypothesis strategies: statement lines, and CSV text an export could have written for them."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from typing import Literal

import attrs
from hypothesis import strategies as st

from adapters.statements import KENYA_TIME, StatementHeader, StatementLine

TITLES = {
    "receipt": "Receipt No.",
    "completed_at": "Completion Time",
    "initiated_at": "Initiation Time",
    "details": "Details",
    "status": "Transaction Status",
    "paid_in": "Paid In",
    "withdrawn": "Withdrawn",
    "balance": "Balance",
    "balance_confirmed": "Balance Confirmed",
    "reason_type": "Reason Type",
    "other_party_info": "Other Party Info",
    "linked_transaction_id": "Linked Transaction ID",
    "account": "A/C No.",
}
TEXT_FIELDS = (
    "details",
    "status",
    "reason_type",
    "other_party_info",
    "linked_transaction_id",
    "account",
)
OPTIONAL = (
    "initiated_at",
    "details",
    "status",
    "balance",
    "balance_confirmed",
    "reason_type",
    "other_party_info",
    "linked_transaction_id",
    "account",
)

receipts = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=10)
texts = st.text(
    st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from([",", '"', "\n", " "]),
    max_size=24,
).map(str.strip)
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda moment: moment.replace(microsecond=0, tzinfo=KENYA_TIME)
)
magnitudes = st.decimals(
    min_value=Decimal("0.01"),
    max_value=Decimal("99999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
balances = st.decimals(
    min_value=Decimal("-99999999.99"),
    max_value=Decimal("99999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@st.composite
def column_sets(draw: st.DrawFn) -> list[str]:
    """Which columns the export has, in which order (required ones always present)."""
    columns = ["receipt", "completed_at"]
    columns += [name for name in OPTIONAL if draw(st.booleans())]
    money = draw(st.sampled_from([["paid_in"], ["withdrawn"], ["paid_in", "withdrawn"]]))
    columns += money
    if "details" not in columns and "reason_type" not in columns:
        columns.append(draw(st.sampled_from(["details", "reason_type"])))
    return draw(st.permutations(columns))


@st.composite
def statement_lines(draw: st.DrawFn, columns: list[str] | None = None) -> StatementLine:
    """A line holding only what `columns` can carry (absent columns at their defaults)."""
    present = set(TITLES) if columns is None else set(columns)
    directions = [name for name in ("paid_in", "withdrawn") if name in present]
    direction = draw(st.sampled_from(directions))
    fields: dict[str, object] = {
        "line_number": 1,
        "receipt": draw(receipts),
        "completed_at": draw(times),
        direction: draw(magnitudes),
    }
    if "initiated_at" in present:
        fields["initiated_at"] = draw(st.none() | times)
    if "balance" in present:
        fields["balance"] = draw(st.none() | balances)
    if "balance_confirmed" in present:
        fields["balance_confirmed"] = draw(st.none() | st.booleans())
    for name in TEXT_FIELDS:
        if name in present:
            fields[name] = draw(texts)
    return StatementLine(**fields)  # type: ignore[arg-type]


def format_time(draw: st.DrawFn, moment: datetime) -> str:
    style = draw(st.sampled_from(["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]))
    clock = "%H:%M" if moment.second == 0 and draw(st.booleans()) else "%H:%M:%S"
    return moment.strftime(f"{style} {clock}")


def format_money(draw: st.DrawFn, value: Decimal, *, signed: bool = False) -> str:
    text = f"{value:,.2f}" if draw(st.booleans()) else f"{value:.2f}"
    if signed and value and draw(st.booleans()):
        text = "-" + text
    return text


def cells_of(draw: st.DrawFn, line: StatementLine, columns: list[str]) -> list[str]:
    """One way an export could have written `line` in `columns`."""
    cells = []
    for name in columns:
        value = getattr(line, name)
        if name in ("completed_at", "initiated_at"):
            cells.append("" if value is None else format_time(draw, value))
        elif name == "paid_in":
            empty_ok = value == 0 and ("withdrawn" in columns and line.withdrawn != 0)
            cells.append("" if empty_ok and draw(st.booleans()) else format_money(draw, value))
        elif name == "withdrawn":
            empty_ok = value == 0 and ("paid_in" in columns and line.paid_in != 0)
            cells.append(
                "" if empty_ok and draw(st.booleans()) else format_money(draw, value, signed=True)
            )
        elif name == "balance":
            cells.append("" if value is None else format_money(draw, value))
        elif name == "balance_confirmed":
            cells.append(
                ""
                if value is None
                else draw(
                    st.sampled_from(
                        ["true", "True", "TRUE"] if value else ["false", "False", "FALSE"]
                    )
                )
            )
        else:
            cells.append(value)
    return cells


@attrs.frozen
class Written:
    """A statement written as CSV text, with what a parser should give back for it."""

    text: str
    header: StatementHeader | None
    lines: list[StatementLine]
    columns: list[str]


class _Writer:
    """Writes rows one at a time, knowing the physical line each one starts on."""

    def __init__(self, quoting: Literal[0, 1, 2, 3], terminator: str) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, quoting=quoting, lineterminator=terminator)

    def row(self, cells: list[str]) -> int:
        line_number = self.buffer.getvalue().count("\n") + 1
        self.writer.writerow(cells)
        return line_number


@st.composite
def written_statements(draw: st.DrawFn, max_lines: int = 8) -> Written:
    """Random lines in random columns, with or without a preamble, blank rows, BOM and CRLF."""
    columns = draw(column_sets())
    quoting: Literal[0, 1, 2, 3] = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    out = _Writer(quoting, draw(st.sampled_from(["\r\n", "\n"])))
    header = None
    if draw(st.booleans()):
        start, end = sorted([draw(times), draw(times)])
        header = StatementHeader(
            organisation_name=draw(texts),
            shortcode=draw(st.text("0123456789", min_size=5, max_size=7)),
            period_start=start,
            period_end=end,
        )
        out.row(["Organization Name", header.organisation_name or ""])
        out.row(["Organization Short Code", header.shortcode or ""])
        out.row(["Time Period", f"{format_time(draw, start)} - {format_time(draw, end)}"])
        out.row(["", ""])
    out.row([TITLES[name] for name in columns])
    lines = []
    for line in draw(st.lists(statement_lines(columns), max_size=max_lines)):
        if draw(st.integers(0, 5)) == 0:
            out.row([""] * draw(st.integers(0, len(columns))))
        number = out.row(cells_of(draw, line, columns))
        lines.append(attrs.evolve(line, line_number=number))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return Written(bom + out.buffer.getvalue(), header, lines, columns)
