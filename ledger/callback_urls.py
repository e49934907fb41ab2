"""Callback URLs for a payout, optionally carrying a per-payout secret token in the path.

The token is an HMAC of the OriginatorConversationID under a secret that only the receiver and
the sender share, so a forged callback for a real payout is refused even from an allowed address.
Events keep the URL with the token redacted and the token's SHA-256, never the token itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import attrs

RESULT_PATH = "/webhooks/b2c/result"
TIMEOUT_PATH = "/webhooks/b2c/timeout"
REDACTED = "<redacted>"


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@attrs.frozen
class PayoutCallbackUrls:
    result_url: str
    queue_timeout_url: str
    token: str | None = attrs.field(default=None, repr=False)

    @property
    def token_sha256(self) -> str | None:
        return token_sha256(self.token) if self.token else None

    def redacted(self) -> tuple[str, str]:
        """The URLs as they may be stored: the token replaced by a marker."""
        if not self.token:
            return self.result_url, self.queue_timeout_url
        return (
            self.result_url.replace(self.token, REDACTED),
            self.queue_timeout_url.replace(self.token, REDACTED),
        )


@attrs.frozen
class CallbackUrlBuilder:
    """Builds each payout's callback URLs from the receiver's public base URL."""

    base_url: str
    secret: bytes | None = attrs.field(default=None, repr=False)

    def for_payout(self, ocid: str) -> PayoutCallbackUrls:
        base = self.base_url.rstrip("/")
        if self.secret is None:
            return PayoutCallbackUrls(f"{base}{RESULT_PATH}", f"{base}{TIMEOUT_PATH}")
        token = self.token_for(ocid)
        return PayoutCallbackUrls(
            f"{base}{RESULT_PATH}/{token}", f"{base}{TIMEOUT_PATH}/{token}", token
        )

    def token_for(self, ocid: str) -> str:
        assert self.secret is not None
        digest = hmac.new(self.secret, ocid.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def token_matches(token: str | None, expected_sha256: str | None) -> bool:
    """Constant-time check of a callback's token against the hash its payout recorded."""
    if expected_sha256 is None:
        return True  # the payout was sent without a token
    if not token:
        return False
    return hmac.compare_digest(token_sha256(token), expected_sha256)
