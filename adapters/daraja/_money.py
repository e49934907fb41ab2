"""Money: whole shillings for requests, exact Decimals for what Daraja reports. Never float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import attrs

from ._errors import DarajaValidationError

__all__ = ["DEFAULT_AMOUNT_LIMITS", "AmountLimits", "parse_whole_shillings", "to_decimal"]

_DIGITS = re.compile(r"[0-9]{1,15}")
_CENT = Decimal("0.01")


@attrs.frozen
class AmountLimits:
    """Inclusive bounds of a B2C amount in whole shillings (Daraja documents KES 10 to 250,000).

    Safaricom has changed these over time, so they are configurable: pass an ``AmountLimits`` to
    ``B2CRequest(amount_limits=...)``, ``B2CRequest.create(amount_limits=...)`` or
    ``MpesaClient(amount_limits=...)``.
    """

    min_amount: int = 10
    max_amount: int = 250_000

    def __attrs_post_init__(self) -> None:
        if not 0 < self.min_amount <= self.max_amount:
            raise DarajaValidationError("amount_limits", "need 0 < min_amount <= max_amount")


DEFAULT_AMOUNT_LIMITS = AmountLimits()


def parse_whole_shillings(value: object, *, field: str = "Amount") -> int:
    """Whole shillings from an int, an integral Decimal or a string of digits; never rounded."""
    rule = "must be a whole number of shillings (no cents, no separators)"
    if isinstance(value, bool):
        raise DarajaValidationError(field, rule + " (got a boolean)")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        raise DarajaValidationError(field, rule + f" (got {value}; fractions are not rounded)")
    if isinstance(value, str):
        text = value.strip()
        if _DIGITS.fullmatch(text):
            return int(text)
        raise DarajaValidationError(field, rule + f" (got {value!r})")
    raise DarajaValidationError(field, rule + f" (got {type(value).__name__})")


def to_decimal(value: object) -> Decimal | None:
    """An exact Decimal from a reported number (int, Decimal, float via its repr, numeric str).

    Anything else (booleans, garbage strings, NaN, infinities) gives None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            return None
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return None


def to_cents(value: object) -> Decimal | None:
    """A balance as a Decimal with at least two decimal places (8959269.6 -> 8959269.60).

    Adding trailing zeros is exact; a value with more precision than cents is kept as it is,
    never rounded.
    """
    amount = to_decimal(value)
    if amount is None:
        return None
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        return amount.quantize(_CENT)
    return amount
