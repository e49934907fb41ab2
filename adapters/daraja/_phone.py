"""Kenyan mobile numbers (MSISDNs): the one place that decides what PartyB may be.

A wrong guess pays a stranger, so nothing is truncated or guessed: a number is accepted only in
one of the written forms below, and always comes out as 12 digits, ``2547XXXXXXXX`` or
``2541XXXXXXXX``.

Accepted (as ``str``, with optional spaces or dashes between digits and surrounding whitespace):
``07XXXXXXXX``, ``01XXXXXXXX``, ``+2547XXXXXXXX``, ``+2541XXXXXXXX``, ``2547XXXXXXXX``,
``2541XXXXXXXX``. As ``int``: ``2547XXXXXXXX``/``2541XXXXXXXX``, or the 9-digit national number
``7XXXXXXXX``/``1XXXXXXXX`` (an int cannot carry the leading 0). A 9-digit *string* without the 0
is rejected: as text it is more likely a number with a digit missing.
"""

from __future__ import annotations

import re

from ._errors import DarajaValidationError

__all__ = ["normalize_msisdn"]

# Digits with single runs of spaces or dashes between them, optionally led by "+".
_WRITTEN = re.compile(r"\+?[0-9](?:[ \-]*[0-9])*")
_NATIONAL = re.compile(r"0([17][0-9]{8})")
_INTERNATIONAL = re.compile(r"254([17][0-9]{8})")
_NATIONAL_NO_ZERO = re.compile(r"[17][0-9]{8}")

_RULE = (
    "must be a Kenyan mobile number: 07XXXXXXXX, 01XXXXXXXX, +2547XXXXXXXX, +2541XXXXXXXX, "
    "2547XXXXXXXX or 2541XXXXXXXX"
)


def normalize_msisdn(value: object, *, field: str = "PartyB") -> str:
    """Normalise a Kenyan mobile number to 12 digits (``2547XXXXXXXX``/``2541XXXXXXXX``).

    Raises ``DarajaValidationError`` for anything else: landlines, missing or extra digits,
    letters, floats, booleans.
    """
    if isinstance(value, bool):
        raise DarajaValidationError(field, _RULE + " (got a boolean)")
    if isinstance(value, int):
        if value < 0:
            raise DarajaValidationError(field, _RULE)
        digits = str(value)
        if _NATIONAL_NO_ZERO.fullmatch(digits):
            return "254" + digits
        match = _INTERNATIONAL.fullmatch(digits)
        if match:
            return digits
        raise DarajaValidationError(field, _RULE)
    if not isinstance(value, str):
        raise DarajaValidationError(field, _RULE + f" (got {type(value).__name__})")
    text = value.strip()
    if not _WRITTEN.fullmatch(text):
        raise DarajaValidationError(field, _RULE)
    has_plus = text.startswith("+")
    digits = re.sub(r"[^0-9]", "", text)
    international = _INTERNATIONAL.fullmatch(digits)
    if international:
        return digits
    if not has_plus:
        national = _NATIONAL.fullmatch(digits)
        if national:
            return "254" + national.group(1)
    raise DarajaValidationError(field, _RULE)
