"""Small event classes for the store's tests (registered under test.* names)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

from ledger import event_type


@event_type("test.deposited")
@attrs.frozen
class Deposited:
    account: str
    amount: int


@event_type("test.noted")
@attrs.frozen
class Noted:
    text: str
    balance: Decimal
    at: datetime
    raw: bytes = b""


@attrs.frozen
class Unregistered:
    x: int


@event_type("test.floaty")
@attrs.frozen
class Floaty:
    value: float
