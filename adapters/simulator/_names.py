"""Deterministic fake recipient names, derived from the phone number alone."""

from __future__ import annotations

import hashlib

__all__ = ["recipient_name"]

# fmt: off
_FIRST = (
    "JANE", "JOHN", "MARY", "PETER", "GRACE", "JAMES", "FAITH", "DAVID", "MERCY", "SAMUEL",
    "ESTHER", "JOSEPH", "ANN", "DANIEL", "RUTH", "PAUL", "LUCY", "BRIAN", "JOY", "KEVIN",
)
_LAST = (
    "WANJIKU", "OTIENO", "KAMAU", "ACHIENG", "MWANGI", "ODHIAMBO", "NJERI", "KIPCHOGE",
    "WAMBUI", "MUTUA", "CHEBET", "OMONDI", "KARIUKI", "AKINYI", "NDUNGU", "KIPROTICH",
)
# fmt: on


def recipient_name(msisdn: str) -> str:
    """An upper-case "FIRST LAST" name, always the same for the same number."""
    digest = hashlib.sha256(msisdn.encode("ascii")).digest()
    return f"{_FIRST[digest[0] % len(_FIRST)]} {_LAST[digest[1] % len(_LAST)]}"
