"""The truth of what the simulated M-Pesa paid: transactions, receipts and account movements.

The ledger under test never sees this directly; it learns about it through callbacks (which may
be lost or lie by omission) and through the statement export, which is built from here.
"""

from __future__ import annotations

import enum
import random
import string
import threading
from datetime import date, datetime
from decimal import Decimal

import attrs

from ._config import KENYA_TZ, SimulatorConfig
from ._errors import InsufficientFunds
from ._names import recipient_name

__all__ = ["Bank", "BankTransaction", "EntryKind", "StatementEntry", "command_texts"]

_CENTS = Decimal("0.01")
_RECEIPT_ALPHABET = string.ascii_uppercase + string.digits


class EntryKind(enum.Enum):
    """What moved money on the utility account."""

    PAYOUT = "payout"
    CHARGE = "charge"
    FUNDS_TRANSFER = "funds_transfer"


@attrs.frozen
class _CommandTexts:
    verb: str  # "Business Payment"
    reason_type: str  # "Business Payment to Customer via API"
    charge: str  # "Business Payment Charge"


_COMMAND_TEXTS = {
    "BusinessPayment": _CommandTexts(
        "Business Payment", "Business Payment to Customer via API", "Business Payment Charge"
    ),
    "SalaryPayment": _CommandTexts(
        "Salary Payment", "Salary Payment via API", "Salary Payment Charge"
    ),
    "PromotionPayment": _CommandTexts(
        "Promotion Payment", "Promotion Payment via API", "Promotion Payment Charge"
    ),
}


def command_texts(command_id: str) -> tuple[str, str, str]:
    """The statement's wording for a CommandID: (details verb, reason type, charge reason type)."""
    texts = _COMMAND_TEXTS[command_id]
    return texts.verb, texts.reason_type, texts.charge


@attrs.frozen
class StatementEntry:
    """One movement on the utility account, as the organisation portal shows it.

    `withdrawn` and `paid_in` are magnitudes (zero when the column is empty); `balance` is the
    utility balance right after this movement.
    """

    receipt: str
    kind: EntryKind
    completed_at: datetime
    initiated_at: datetime
    details: str
    reason_type: str
    paid_in: Decimal
    withdrawn: Decimal
    balance: Decimal
    other_party_info: str


@attrs.frozen
class BankTransaction:
    """A payout the simulated M-Pesa made: money left the utility account for `party_b`.

    `utility_balance` is the balance after the payout and before its charge, the figure Daraja
    reports as B2CUtilityAccountAvailableFunds; `originator_conversation_id` is None for a payout
    injected behind the ledger's back.
    """

    receipt: str
    originator_conversation_id: str | None
    conversation_id: str | None
    command_id: str
    party_b: str
    recipient_name: str
    amount: Decimal
    charge: Decimal
    initiated_at: datetime
    completed_at: datetime
    utility_balance: Decimal
    balance_after_charge: Decimal
    working_balance: Decimal
    charges_paid_balance: Decimal

    @property
    def public_name(self) -> str:
        """The ReceiverPartyPublicName, e.g. ``254700000001 - JANE DOE``."""
        return f"{self.party_b} - {self.recipient_name}"


class Bank:
    """The simulated utility account and its history; safe to use from several threads."""

    def __init__(self, config: SimulatorConfig) -> None:
        self._config = config
        # One lock for balance, receipts and history: a payout and its charge are one step.
        self._lock = threading.RLock()
        self._random = random.Random(f"receipts:{config.seed}")
        self._issued: set[str] = set()
        self._balance = config.opening_balance
        self._transactions: list[BankTransaction] = []
        self._entries: list[StatementEntry] = []

    @property
    def balance(self) -> Decimal:
        """The utility account's balance now."""
        with self._lock:
            return self._balance

    @property
    def transactions(self) -> tuple[BankTransaction, ...]:
        """Every payout made, in the order it was made."""
        with self._lock:
            return tuple(self._transactions)

    @property
    def entries(self) -> tuple[StatementEntry, ...]:
        """Every movement on the utility account, in booking order."""
        with self._lock:
            return tuple(self._entries)

    def new_receipt(self) -> str:
        """A fresh, unique receipt number: "SG6" and 7 upper-case letters or digits."""
        with self._lock:
            while True:
                receipt = "SG6" + "".join(self._random.choices(_RECEIPT_ALPHABET, k=7))
                if receipt not in self._issued:
                    self._issued.add(receipt)
                    return receipt

    def transaction_for(self, originator_conversation_id: str) -> BankTransaction | None:
        """The payout made for a request, if one was made."""
        with self._lock:
            for transaction in self._transactions:
                if transaction.originator_conversation_id == originator_conversation_id:
                    return transaction
            return None

    def pay(
        self,
        *,
        command_id: str,
        party_b: str,
        amount: Decimal,
        initiated_at: datetime,
        completed_at: datetime,
        originator_conversation_id: str | None = None,
        conversation_id: str | None = None,
    ) -> BankTransaction:
        """Pay `amount` to `party_b` and take the tariff's charge; raise if funds fall short."""
        amount = amount.quantize(_CENTS)
        charge = self._config.tariff.charge_for(amount)
        verb, reason_type, charge_reason = command_texts(command_id)
        initiated_at = initiated_at.astimezone(KENYA_TZ)
        completed_at = completed_at.astimezone(KENYA_TZ)
        with self._lock:
            if self._balance < amount + charge:
                raise InsufficientFunds(
                    f"utility balance {self._balance} cannot cover {amount} + charge {charge}"
                )
            receipt = self.new_receipt()
            name = recipient_name(party_b)
            after_payout = self._balance - amount
            after_charge = after_payout - charge
            transaction = BankTransaction(
                receipt=receipt,
                originator_conversation_id=originator_conversation_id,
                conversation_id=conversation_id,
                command_id=command_id,
                party_b=party_b,
                recipient_name=name,
                amount=amount,
                charge=charge,
                initiated_at=initiated_at,
                completed_at=completed_at,
                utility_balance=after_payout,
                balance_after_charge=after_charge,
                working_balance=self._config.working_account_balance,
                charges_paid_balance=self._config.charges_paid_account_balance,
            )
            self._transactions.append(transaction)
            self._entries.append(
                StatementEntry(
                    receipt=receipt,
                    kind=EntryKind.PAYOUT,
                    completed_at=completed_at,
                    initiated_at=initiated_at,
                    details=f"{verb} to {transaction.public_name}",
                    reason_type=reason_type,
                    paid_in=Decimal("0.00"),
                    withdrawn=amount,
                    balance=after_payout,
                    other_party_info=transaction.public_name,
                )
            )
            if charge:
                self._entries.append(
                    StatementEntry(
                        receipt=receipt,
                        kind=EntryKind.CHARGE,
                        completed_at=completed_at,
                        initiated_at=initiated_at,
                        details=charge_reason,
                        reason_type=charge_reason,
                        paid_in=Decimal("0.00"),
                        withdrawn=charge,
                        balance=after_charge,
                        other_party_info="",
                    )
                )
            self._balance = after_charge
            return transaction

    def top_up(self, amount: Decimal, at: datetime) -> StatementEntry:
        """Move `amount` into the utility account (an organisation funds transfer)."""
        amount = amount.quantize(_CENTS)
        if amount <= 0:
            raise ValueError(f"a top-up must be positive, got {amount}")
        at = at.astimezone(KENYA_TZ)
        with self._lock:
            self._balance += amount
            entry = StatementEntry(
                receipt=self.new_receipt(),
                kind=EntryKind.FUNDS_TRANSFER,
                completed_at=at,
                initiated_at=at,
                details="Funds Transfer from Working Account",
                reason_type="Organization Funds Transfer",
                paid_in=amount,
                withdrawn=Decimal("0.00"),
                balance=self._balance,
                other_party_info=f"{self._config.shortcode} - {self._config.organisation_name}",
            )
            self._entries.append(entry)
            return entry

    def entries_on(self, day: date) -> tuple[StatementEntry, ...]:
        """The movements completed on a Kenyan business day, in booking order."""
        with self._lock:
            return tuple(e for e in self._entries if e.completed_at.date() == day)
