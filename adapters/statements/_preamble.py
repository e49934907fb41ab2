"""The rows above the header: organisation name, shortcode and statement period."""

from __future__ import annotations

from collections.abc import Sequence

from ._columns import normalise
from ._errors import StatementFormatError
from ._model import StatementHeader
from ._times import parse_kenyan_time

_NAME = frozenset({"organization name", "organisation name", "account holder", "organization"})
_SHORTCODE = frozenset(
    {
        "organization short code",
        "organisation short code",
        "organization shortcode",
        "organisation shortcode",
        "short code",
        "shortcode",
    }
)
_PERIOD = frozenset({"time period", "period", "statement period"})


def parse_preamble(rows: Sequence[tuple[int, Sequence[str]]]) -> StatementHeader | None:
    """Read (line number, cells) preamble rows as `label,value`; None when there are none.

    A stated shortcode or period that cannot be read is a StatementFormatError: the ledger files
    lines under the shortcode and day, so a wrong guess would misfile them.
    """
    if not rows:
        return None
    name: str | None = None
    shortcode: str | None = None
    start = end = None
    other: list[tuple[str, str]] = []
    for line_number, cells in rows:
        label = cells[0].strip()
        value = ", ".join(cell.strip() for cell in cells[1:] if cell.strip())
        key = normalise(label)
        if key in _NAME:
            name = value
        elif key in _SHORTCODE:
            if not (value.isascii() and value.isdigit()):
                raise StatementFormatError(
                    f'line {line_number}: {label}: "{value}" is not a shortcode (digits only)'
                )
            shortcode = value
        elif key in _PERIOD:
            start_text, sep, end_text = value.partition(" - ")
            if not sep:
                start_text, sep, end_text = value.partition(" to ")
            try:
                start, end = parse_kenyan_time(start_text), parse_kenyan_time(end_text)
            except ValueError:
                raise StatementFormatError(
                    f'line {line_number}: {label}: "{value}" is not a period '
                    '(expected "<start> - <end>", e.g. 06-07-2024 00:00:00 - 06-07-2024 23:59:59)'
                ) from None
        else:
            other.append((label, value))
    return StatementHeader(
        organisation_name=name,
        shortcode=shortcode,
        period_start=start,
        period_end=end,
        other=tuple(other),
    )
