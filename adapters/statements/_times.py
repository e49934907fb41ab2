"""Statement times: Kenyan wall-clock text (no zone given) to timezone-aware datetimes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

KENYA_TIME = timezone(timedelta(hours=3), "EAT")
"""East Africa Time, UTC+03:00 all year (Kenya has no daylight saving)."""

TIME_FORMATS = "DD-MM-YYYY HH:MM:SS, DD/MM/YYYY HH:MM:SS or YYYY-MM-DD HH:MM:SS"


def parse_kenyan_time(text: str) -> datetime:
    """Parse a statement time (day-first or ISO date, seconds optional) as Kenyan time.

    Raises ValueError with a message naming the rule. Day and month must have two digits, so a
    US-style `7/6/2024` re-saved by a spreadsheet is refused rather than silently swapped.
    """
    s = text.strip()
    date, sep, clock = s.partition(" ")
    if not sep:
        date, sep, clock = s.partition("T")
    clock = clock.strip()
    if len(date) != 10:
        raise ValueError(f'"{s}" is not a date and time (expected {TIME_FORMATS})')
    mark = date[2]
    if mark in "-/" and date[5] == mark:
        day, month, year = date[0:2], date[3:5], date[6:10]
    elif date[4] in "-/" and date[7] == date[4]:
        year, month, day = date[0:4], date[5:7], date[8:10]
    else:
        raise ValueError(f'"{s}" is not a date and time (expected {TIME_FORMATS})')
    if len(clock) == 8 and clock[2] == ":" and clock[5] == ":":
        hour, minute, second = clock[0:2], clock[3:5], clock[6:8]
    elif len(clock) == 5 and clock[2] == ":":
        hour, minute, second = clock[0:2], clock[3:5], "00"
    else:
        raise ValueError(f'"{s}" is not a date and time (expected {TIME_FORMATS})')
    digits = year + month + day + hour + minute + second
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f'"{s}" is not a date and time (expected {TIME_FORMATS})')
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=KENYA_TIME,
        )
    except ValueError as exc:
        raise ValueError(f'"{s}" is not a valid date and time ({exc})') from None


def to_kenyan_time(value: datetime) -> datetime:
    """Return an aware datetime expressed in Kenyan time; refuse naive datetimes."""
    if value.tzinfo is KENYA_TIME:
        return value
    if value.utcoffset() is None:
        raise ValueError(f"{value.isoformat()} is a naive datetime; statement times need a zone")
    return value.astimezone(KENYA_TIME)
