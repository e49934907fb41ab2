"""What a statement line is: a B2C payout, the charge of one, or another movement."""

from __future__ import annotations

import re
from typing import Literal

Kind = Literal["payout", "charge", "other"]
CommandId = Literal["SalaryPayment", "BusinessPayment", "PromotionPayment"]

_COMMANDS: tuple[tuple[str, CommandId], ...] = (
    ("salary payment", "SalaryPayment"),
    ("business payment", "BusinessPayment"),
    ("promotion payment", "PromotionPayment"),
)
_MSISDN_IN_TEXT = re.compile(r"(?<![0-9])254[0-9]{9}(?![0-9])")


def classify(reason_type: str, details: str) -> tuple[Kind, CommandId | None]:
    """Classify by Reason Type, or by Details when the export has no Reason Type.

    Only one of the two is read, so a payee named "CHARGE" in Details cannot turn a payout whose
    Reason Type is known into a charge. A charge keeps the command it charges for.
    """
    text = (reason_type or details).casefold()
    if "reversal" in text:
        return "other", None
    command: CommandId | None = None
    for phrase, command_id in _COMMANDS:
        if phrase in text:
            command = command_id
            break
    if "charge" in text:
        return "charge", command
    if command is None:
        return "other", None
    return "payout", command


def leading_msisdn(other_party_info: str, details: str) -> str | None:
    """The payee's 12-digit Kenyan MSISDN: leading in Other Party Info, else the first in Details.

    Masked numbers (`2547******01`, as some exports print them) give None.
    """
    head = other_party_info[:12]
    if (
        len(head) == 12
        and head.isascii()
        and head.isdigit()
        and head.startswith("254")
        and not other_party_info[12:13].isdigit()
    ):
        return head
    match = _MSISDN_IN_TEXT.search(details)
    return match.group(0) if match else None
