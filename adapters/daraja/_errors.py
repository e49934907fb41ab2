"""The SDK's error hierarchy.

Every error the SDK raises on purpose is a ``DarajaError``. Messages say what went wrong and what to
do about it, and never contain a secret (consumer secret, security credential, access token).
"""

from __future__ import annotations

__all__ = [
    "DarajaAPIError",
    "DarajaAuthError",
    "DarajaConnectError",
    "DarajaError",
    "DarajaOutcomeUnknownError",
    "DarajaValidationError",
]

# Daraja uses this code both for "Duplicate OriginatorConversationID." and for internal errors.
DUPLICATE_OR_INTERNAL_ERROR_CODE = "500.002.1001"
# "Invalid Access Token": the token expired or is unknown; refresh it and replay the request.
INVALID_TOKEN_ERROR_CODE = "404.001.03"  # noqa: S105 (an error code, not a secret)


class DarajaError(Exception):
    """Base class of every error raised by ``adapters.daraja``."""


class DarajaValidationError(DarajaError, ValueError):
    """A value (request field, callback field, configuration) breaks a rule.

    ``field`` names the offending field (a dotted path for nested callback fields, e.g.
    ``Result.OriginatorConversationID``) and ``rule`` says what it must be.
    """

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"{field}: {rule}")


class DarajaAuthError(DarajaError):
    """No usable access token could be obtained from the OAuth endpoint."""

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        self.http_status = http_status
        super().__init__(message)


class DarajaAPIError(DarajaError):
    """Daraja answered, but not with an acceptance (a 4xx/5xx error body or an unexpected reply)."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int,
        error_code: str | None = None,
        error_message: str | None = None,
        request_id: str | None = None,
        raw_body: bytes = b"",
    ) -> None:
        self.http_status = http_status
        self.error_code = error_code
        self.error_message = error_message
        self.request_id = request_id
        self.raw_body = raw_body
        super().__init__(message)

    @property
    def is_duplicate_originator_conversation_id(self) -> bool:
        """True when Daraja says the OriginatorConversationID was already used.

        ``500.002.1001`` also covers internal errors, so the message decides. Either way it does
        NOT mean the payout failed: the first submission may well be processed.
        """
        return (
            self.error_code == DUPLICATE_OR_INTERNAL_ERROR_CODE
            and "duplicate" in (self.error_message or "").lower()
        )

    @property
    def is_invalid_token(self) -> bool:
        """True when Daraja rejected the access token (HTTP 401 or errorCode ``404.001.03``)."""
        return self.http_status == 401 or self.error_code == INVALID_TOKEN_ERROR_CODE


class DarajaConnectError(DarajaError):
    """No connection could be made: nothing was sent, so the request is safe to retry."""

    retryable = True


class DarajaOutcomeUnknownError(DarajaError):
    """The request may have reached Daraja but no reply was read (read timeout, dropped connection).

    The payout may or may not happen. Do not resend it under a new OriginatorConversationID: wait
    for the result callback, or query the transaction status. The SDK never retries this itself.
    """

    retryable = False

    def __init__(self, message: str, *, originator_conversation_id: str | None = None) -> None:
        self.originator_conversation_id = originator_conversation_id
        super().__init__(message)
