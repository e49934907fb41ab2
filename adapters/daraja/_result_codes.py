"""Daraja result and response codes: numbers or strings, sometimes non-numeric (SFC_IC0003)."""

from __future__ import annotations

__all__ = ["is_success_code", "normalise_code"]


def normalise_code(value: object) -> str:
    """The code as a string, as received (``0`` -> ``"0"``; ``"SFC_IC0003"`` unchanged)."""
    if value is None:
        return ""
    return str(value).strip()


def is_success_code(value: object) -> bool:
    """True for 0, "0" or any all-zero string ("00000000"); False otherwise, including ""."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value == 0
    if isinstance(value, str):
        text = value.strip()
        return bool(text) and set(text) == {"0"}
    return False
