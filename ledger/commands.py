"""Payout commands: send one, send a batch, retry a final failure.

Every command writes PayoutRequested before anything goes on the network, under the payout's
OriginatorConversationID, which is its idempotency key: sending again with the same id and the
same details returns the stored payout, never a second payment.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

import attrs

from ledger.callback_urls import CallbackUrlBuilder
from ledger.errors import ConcurrencyError, EventIdConflictError, LedgerError
from ledger.events import NewEvent
from ledger.payout import MONEY_MAY_HAVE_MOVED, RETRYABLE, Payout, PayoutStatus, fold
from ledger.payout_events import (
    PayoutAccepted,
    PayoutNotSent,
    PayoutOutcomeUnknown,
    PayoutRejected,
    PayoutRequested,
    PayoutSubmissionStarted,
    RetryRequested,
    payout_stream,
)
from ledger.ports import (
    Accepted,
    NotSent,
    OutcomeUnknown,
    PayoutGateway,
    PayoutInstruction,
    PayoutValidationError,
    Rejected,
    SubmitOutcome,
    ValidPayout,
)
from ledger.store import NO_STREAM, EventStore

_IDS = uuid.UUID("6f1d2c3e-8a4b-4c5d-9e6f-7a8b9c0d1e2f")  # namespace of derived event ids

Clock = Callable[[], datetime]


class PayoutConflictError(LedgerError):
    """The OriginatorConversationID is taken by a payout with other details."""

    def __init__(self, ocid: str, differences: dict[str, tuple[object, object]]) -> None:
        self.ocid = ocid
        self.differences = differences
        said = "; ".join(f"{k}: stored {a!r}, asked {b!r}" for k, (a, b) in differences.items())
        super().__init__(
            f"OriginatorConversationID {ocid!r} is already used by a payout with other details "
            f"({said}); use a new id for a new payout"
        )


class PayoutNotFoundError(LedgerError):
    def __init__(self, ocid: str) -> None:
        self.ocid = ocid
        super().__init__(f"no payout with OriginatorConversationID {ocid!r}")


class RetryRefusedError(LedgerError):
    """A retry was asked for a payout whose first attempt may still pay."""


_COMPARED = ("command_id", "amount", "party_a", "party_b", "remarks", "occasion")


def _differences(stored: Payout, asked: ValidPayout) -> dict[str, tuple[object, object]]:
    return {
        name: (getattr(stored, name), getattr(asked, name))
        for name in _COMPARED
        if getattr(stored, name) != getattr(asked, name)
    }


def derived_event_id(ocid: str, what: str) -> uuid.UUID:
    """A stable event id, so that re-running a command after a crash appends nothing twice."""
    return uuid.uuid5(_IDS, f"{ocid}/{what}")


def batch_row_ocid(batch_id: str, row_key: str, occurrence: int) -> str:
    """The id of a batch row without one of its own, from the batch's name and the row's content.

    Not from the whole file's bytes: fixing a refused row, or re-saving the file with other line
    endings, must not give every other row a new id (and so pay everyone again). Identical rows
    in one batch are told apart by ``occurrence`` (0 for the first, 1 for the next, ...).
    """
    digest = hashlib.sha256(f"{batch_id}\x1f{row_key}\x1f{occurrence}".encode()).hexdigest()
    return f"b-{digest[:24]}"


def _instruction(payout: Payout, *, ocid: str | None = None) -> PayoutInstruction:
    """The instruction that asks for this payout again (under ``ocid``, or its own id)."""
    return PayoutInstruction(
        originator_conversation_id=ocid or payout.originator_conversation_id,
        command_id=payout.command_id,
        amount=payout.amount,
        party_b=payout.party_b,
        remarks=payout.remarks,
        occasion=payout.occasion,
        party_a=payout.party_a,
    )


@attrs.frozen
class SendResult:
    """A payout's state after a send, and whether that send put its request on the network."""

    payout: Payout
    sent: bool


@attrs.frozen
class BatchRow:
    """One row of a batch: its line in the file and what it asks for."""

    line: int
    instruction: PayoutInstruction


@attrs.frozen
class BatchRowError:
    line: int
    field: str
    message: str


@attrs.frozen
class BatchResult:
    batch_id: str
    sent: tuple[Payout, ...]
    already_known: tuple[Payout, ...]
    errors: tuple[BatchRowError, ...]


class PayoutService:
    """Sends payouts through the gateway and records every step as an event."""

    def __init__(
        self,
        store: EventStore,
        gateway: PayoutGateway,
        callback_urls: CallbackUrlBuilder,
        *,
        clock: Clock | None = None,
        submission_lease: timedelta = timedelta(minutes=5),
    ) -> None:
        self.store = store
        self.gateway = gateway
        self.callback_urls = callback_urls
        self._now: Clock = clock or (lambda: datetime.now(UTC))
        # Longer than any HTTP exchange with Daraja: while it runs, nobody else sends this id.
        self.submission_lease = submission_lease

    # -- queries ------------------------------------------------------------------------------

    def get(self, ocid: str) -> Payout | None:
        """The payout's current state, folded from its stream."""
        return fold(self.store.iter_stream(payout_stream(ocid)))

    def require(self, ocid: str) -> Payout:
        payout = self.get(ocid)
        if payout is None:
            raise PayoutNotFoundError(ocid)
        return payout

    # -- sending ------------------------------------------------------------------------------

    def send_payout(
        self,
        instruction: PayoutInstruction,
        *,
        batch_id: str | None = None,
        batch_line: int | None = None,
        retry_of: str | None = None,
    ) -> Payout:
        """Validate, record, send once, record what happened; return the payout's state.

        A payout whose id is stored already is returned as it is, unless it was never sent (a
        connect failure, or a crash between writing the request and sending it): then it is sent
        again under the same id, which Daraja refuses as a duplicate if it did receive it.
        """
        return self.send(
            instruction, batch_id=batch_id, batch_line=batch_line, retry_of=retry_of
        ).payout

    def send(
        self,
        instruction: PayoutInstruction,
        *,
        batch_id: str | None = None,
        batch_line: int | None = None,
        retry_of: str | None = None,
    ) -> SendResult:
        """``send_payout``, also saying whether this call put the request on the network."""
        valid = self.gateway.validate(instruction)
        ocid = valid.originator_conversation_id
        stream = payout_stream(ocid)
        existing = self.get(ocid)
        if existing is not None:
            differences = _differences(existing, valid)
            if differences:
                raise PayoutConflictError(ocid, differences)
            if not self._needs_sending(existing):
                return SendResult(existing, sent=False)
            try:
                # Take the lease first: a second sender running at the same time backs off.
                self.store.append(stream, [self._lease()], expected_version=existing.version)
            except ConcurrencyError:
                return SendResult(self.require(ocid), sent=False)
        else:
            event = self._requested(
                valid, batch_id=batch_id, batch_line=batch_line, retry_of=retry_of
            )
            try:
                self.store.append(stream, [event, self._lease()], NO_STREAM)
            except (ConcurrencyError, EventIdConflictError):
                # Another process recorded this id first: theirs is the payout (and the lease).
                return self.send(
                    instruction, batch_id=batch_id, batch_line=batch_line, retry_of=retry_of
                )
        return SendResult(self._submit(valid), sent=True)

    def _requested(
        self,
        valid: ValidPayout,
        *,
        batch_id: str | None = None,
        batch_line: int | None = None,
        retry_of: str | None = None,
    ) -> NewEvent:
        """PayoutRequested for a validated payout: everything needed to audit and resubmit it,
        its callback URLs redacted, under an id derived from its OCID."""
        ocid = valid.originator_conversation_id
        urls = self.callback_urls.for_payout(ocid)
        result_url, timeout_url = urls.redacted()
        requested = PayoutRequested(
            originator_conversation_id=ocid,
            command_id=valid.command_id,
            amount=valid.amount,
            party_a=valid.party_a,
            party_b=valid.party_b,
            remarks=valid.remarks,
            occasion=valid.occasion,
            initiator_name=self.gateway.initiator_name,
            result_url=result_url,
            queue_timeout_url=timeout_url,
            requested_at=self._now(),
            callback_token_sha256=urls.token_sha256,
            batch_id=batch_id,
            batch_line=batch_line,
            retry_of=retry_of,
        )
        return NewEvent(
            requested,
            event_id=derived_event_id(ocid, "requested"),
            correlation_id=retry_of or batch_id or ocid,
        )

    def _lease(self) -> NewEvent:
        seconds = int(self.submission_lease.total_seconds())
        return NewEvent(PayoutSubmissionStarted(self._now(), seconds))

    def _needs_sending(self, payout: Payout) -> bool:
        """Recorded but not (known to be) sent, and nobody holds a live lease on sending it.

        After a crash the lease runs out and a re-run sends the same id again: Daraja refuses
        a second request with an id it has (recorded as outcome unknown), so nothing pays twice.
        """
        if payout.status is not PayoutStatus.REQUESTED:
            return False
        started = payout.submission_started_at
        if started is None:
            return True
        return self._now() >= started + timedelta(seconds=payout.submission_lease_seconds)

    def _submit(self, valid: ValidPayout) -> Payout:
        ocid = valid.originator_conversation_id
        urls = self.callback_urls.for_payout(ocid)
        outcome = self.gateway.submit(valid, urls.result_url, urls.queue_timeout_url)
        self.store.append(
            payout_stream(ocid),
            [NewEvent(self._outcome_event(outcome), correlation_id=ocid)],
        )
        return self.require(ocid)

    def _outcome_event(self, outcome: SubmitOutcome) -> object:
        now = self._now()
        if isinstance(outcome, Accepted):
            return PayoutAccepted(
                outcome.conversation_id, outcome.response_code, outcome.response_description, now
            )
        if isinstance(outcome, Rejected):
            return PayoutRejected(
                outcome.http_status,
                outcome.error_code,
                outcome.error_message,
                outcome.request_id,
                now,
            )
        if isinstance(outcome, OutcomeUnknown):
            return PayoutOutcomeUnknown(outcome.reason, outcome.detail, now)
        if isinstance(outcome, NotSent):
            return PayoutNotSent(outcome.reason, now)
        raise TypeError(f"unexpected submit outcome {outcome!r}")

    def send_batch(
        self,
        rows: Iterable[BatchRow],
        batch_id: str,
        *,
        on_row: Callable[[int, Payout | BatchRowError], None] | None = None,
    ) -> BatchResult:
        """Send every valid row; a row that breaks a rule is reported by line, never dropped.

        Re-running the same batch after a crash sends only what was never sent.
        """
        sent: list[Payout] = []
        known: list[Payout] = []
        errors: list[BatchRowError] = []
        for row in rows:
            result: Payout | BatchRowError
            try:
                outcome = self.send(row.instruction, batch_id=batch_id, batch_line=row.line)
                (sent if outcome.sent else known).append(outcome.payout)
                result = outcome.payout
            except PayoutValidationError as exc:
                result = BatchRowError(row.line, exc.field, f"line {row.line}: {exc}")
                errors.append(result)
            except PayoutConflictError as exc:
                result = BatchRowError(
                    row.line, "originator_conversation_id", f"line {row.line}: {exc}"
                )
                errors.append(result)
            if on_row is not None:
                on_row(row.line, result)
        return BatchResult(batch_id, tuple(sent), tuple(known), tuple(errors))

    def retry(self, ocid: str) -> Payout:
        """Send a payout whose failure is final again, as ``<ocid>-rN`` linked to the original.

        Running the same retry twice sends once: while the latest attempt is in flight or paid,
        it is returned as it is.
        """
        original = self.require(ocid)
        if original.retry_of is not None:
            raise RetryRefusedError(
                f"{ocid} is itself a retry of {original.retry_of}: retry the original, "
                f"`payouts retry {original.retry_of}`"
            )
        attempts = [original]
        for attempt in original.retries:
            found = self.get(attempt)
            if found is not None:
                attempts.append(found)
        latest = attempts[-1]
        moved = [a for a in attempts if any(f in MONEY_MAY_HAVE_MOVED for f in a.flags)]
        if moved:
            raise RetryRefusedError(
                f"{moved[0].originator_conversation_id} has evidence that money may have moved "
                f"({', '.join(f for f in moved[0].flags if f in MONEY_MAY_HAVE_MOVED)}): "
                "reconcile it against the statement before paying again"
            )
        if latest is not original and self._needs_sending(latest):
            # The retry was recorded but never sent (a connect failure, a crash): send it now.
            return self.send_payout(_instruction(latest), retry_of=ocid)
        if latest.status not in RETRYABLE:
            if latest is original:
                raise RetryRefusedError(
                    f"{ocid} is {original.status.value}: only a failed or rejected payout can be "
                    "retried"
                    + (
                        "; its outcome is not known yet, and the first attempt may still pay"
                        if original.is_open
                        else ""
                    )
                )
            return latest  # the retry is already under way or paid: do not send it again
        retry_ocid = f"{ocid}-r{len(original.retries) + 1}"
        valid = self.gateway.validate(_instruction(original, ocid=retry_ocid))
        requested = self._requested(valid, batch_id=original.batch_id, retry_of=ocid)
        now = self._now()
        # The link and the new payout commit together: a crash leaves both or neither.
        with self.store.transaction() as tx:
            tx.append(
                payout_stream(ocid),
                [
                    NewEvent(
                        RetryRequested(retry_ocid, now),
                        event_id=derived_event_id(retry_ocid, "retry-link"),
                        correlation_id=ocid,
                    )
                ],
                expected_version=original.version,
            )
            tx.append(
                payout_stream(retry_ocid),
                [requested, self._lease()],
                NO_STREAM,
            )
        return self._submit(valid)
