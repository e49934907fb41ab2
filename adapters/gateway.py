"""The ledger's payout port, implemented with the Daraja SDK's request model and client.

It holds the initiator's security credential; the ledger never sees it. It maps the SDK's
answers and errors onto the port's outcomes without ever retrying a payment on its own.
"""

from __future__ import annotations

import logging

from adapters.daraja import (
    DEFAULT_AMOUNT_LIMITS,
    AmountLimits,
    B2CRequest,
    DarajaAPIError,
    DarajaAuthError,
    DarajaConnectError,
    DarajaOutcomeUnknownError,
    DarajaValidationError,
    MpesaClient,
)
from ledger import (
    Accepted,
    NotSent,
    OutcomeUnknown,
    PayoutInstruction,
    PayoutValidationError,
    Rejected,
    SubmitOutcome,
    ValidPayout,
)

log = logging.getLogger(__name__)

# Any syntactically valid placeholder: validation runs before the real credential is attached.
_PLACEHOLDER = "validation-only"
_PLACEHOLDER_URL = "https://validation.invalid/cb"


def _definitely_refused(exc: DarajaAPIError) -> bool:
    """Daraja itself refused the request (a 4xx with its error body): nothing was queued."""
    return (
        400 <= exc.http_status < 500 and exc.http_status not in (408, 499) and bool(exc.error_code)
    )


class DarajaGateway:
    """Sends validated payouts to Daraja (or the simulator) through ``MpesaClient``."""

    def __init__(
        self,
        client: MpesaClient,
        *,
        initiator_name: str,
        security_credential: str,
        shortcode: str,
        amount_limits: AmountLimits = DEFAULT_AMOUNT_LIMITS,
    ) -> None:
        self._client = client
        self._initiator = initiator_name
        self._credential = security_credential
        self._shortcode = shortcode
        self._limits = amount_limits

    def __repr__(self) -> str:
        return f"DarajaGateway(initiator={self._initiator!r}, shortcode={self._shortcode!r})"

    @property
    def initiator_name(self) -> str:
        return self._initiator

    def _request(
        self,
        payout: ValidPayout | PayoutInstruction,
        result_url: str,
        timeout_url: str,
        credential: str,
    ) -> B2CRequest:
        party_a = payout.party_a or self._shortcode
        return B2CRequest.create(
            originator_conversation_id=payout.originator_conversation_id,
            initiator_name=self._initiator,
            security_credential=credential,
            command_id=payout.command_id,
            amount=payout.amount,
            party_a=party_a,
            party_b=payout.party_b,  # type: ignore[arg-type]
            remarks=payout.remarks,
            queue_timeout_url=timeout_url,
            result_url=result_url,
            occasion=payout.occasion,
            amount_limits=self._limits,
        )

    def validate(self, instruction: PayoutInstruction) -> ValidPayout:
        """Apply the SDK's request rules (the one place they live) and normalise."""
        try:
            req = self._request(instruction, _PLACEHOLDER_URL, _PLACEHOLDER_URL, _PLACEHOLDER)
        except DarajaValidationError as exc:
            raise PayoutValidationError(exc.field, exc.rule) from None
        return ValidPayout(
            originator_conversation_id=req.OriginatorConversationID,
            command_id=str(req.CommandID),
            amount=req.Amount,
            party_a=req.PartyA,
            party_b=req.PartyB,
            remarks=req.Remarks,
            occasion=req.Occasion,
        )

    def submit(self, payout: ValidPayout, result_url: str, queue_timeout_url: str) -> SubmitOutcome:
        try:
            request = self._request(payout, result_url, queue_timeout_url, self._credential)
            request.check_environment(self._client.environment)
        except DarajaValidationError as exc:
            raise PayoutValidationError(exc.field, exc.rule) from None
        try:
            response = self._client.b2c.send(request)
        except DarajaConnectError as exc:
            return NotSent(str(exc))
        except DarajaOutcomeUnknownError as exc:
            return OutcomeUnknown("no_reply", str(exc))
        except DarajaAuthError as exc:
            # The token request failed: the payment request itself never left.
            return NotSent(f"authentication failed: {exc}")
        except DarajaAPIError as exc:
            if exc.is_duplicate_originator_conversation_id:
                # Daraja has this id already (an earlier send whose reply we lost): not a failure.
                return OutcomeUnknown(
                    "duplicate_originator_conversation_id",
                    "Daraja already has this OriginatorConversationID; its first submission "
                    "decides the outcome",
                )
            if not _definitely_refused(exc):
                # A 5xx, an unreadable 2xx, a proxy's 3xx/408/499 or a 4xx that is not Daraja's:
                # the payment may have been queued, so we cannot say it failed.
                return OutcomeUnknown(f"unclear_reply_http_{exc.http_status}", str(exc))
            return Rejected(
                exc.http_status, exc.error_code, exc.error_message or str(exc), exc.request_id
            )
        if response.is_successful():
            return Accepted(
                response.ConversationID or "",
                str(response.ResponseCode),
                response.ResponseDescription or "",
            )
        return Rejected(
            200, str(response.ResponseCode), response.ResponseDescription or "not accepted", None
        )
