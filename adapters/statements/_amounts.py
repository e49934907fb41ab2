"""Statement amounts: text such as `-1500.00` or `"1,500.00"` to exact Decimal shillings."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Thousands separators must be well placed: "1,500.00" is an amount, "1,50.00" is a typo.
_AMOUNT = re.compile(r"([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")
_MAX_WHOLE_DIGITS = 15


def parse_amount(text: str) -> Decimal:
    """Parse an amount with an optional sign and thousands separators, to two decimal places.

    Raises ValueError naming the rule (not an amount, fractions of a cent, too large).
    """
    match = _AMOUNT.fullmatch(text)
    if match is None:
        raise ValueError(f'"{text}" is not an amount')
    sign, whole, fraction = match.groups()
    whole = whole.replace(",", "")
    if len(whole) > _MAX_WHOLE_DIGITS:
        raise ValueError(f'"{text}" is too large to be an amount')
    try:
        value = Decimal(f"{sign}{whole}.{fraction or '0'}")
        cents = value.quantize(CENT)
    except InvalidOperation:
        raise ValueError(f'"{text}" is not an amount') from None
    if cents != value:
        raise ValueError(f'"{text}" has fractions of a cent')
    return cents if cents else ZERO  # no negative zero


def check_cents(value: Decimal, name: str) -> Decimal:
    """Return `value` with exactly two decimal places, or raise if it is not a whole cent."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{name} must be a finite Decimal, not {value!r}")
    cents = value.quantize(CENT)
    if cents != value:
        raise ValueError(f"{name} {value} has fractions of a cent")
    return cents if cents else ZERO


def format_amount(value: Decimal) -> str:
    """Format an amount as a plain decimal string with two places, e.g. `-1500.00`."""
    return format(value.quantize(CENT), "f")
