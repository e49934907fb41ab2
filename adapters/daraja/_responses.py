"""The synchronous reply to a B2C payment request (Daraja accepted it into its queue)."""

from __future__ import annotations

import attrs

from ._model import Model
from ._result_codes import is_success_code, normalise_code

__all__ = ["B2CResponse"]


@attrs.frozen(kw_only=True)
class B2CResponse(Model):
    """Daraja's acceptance: the final outcome comes later, in the result callback."""

    ResponseCode: int | str
    ResponseDescription: str = ""
    ConversationID: str | None = None
    OriginatorConversationID: str | None = None

    def is_successful(self) -> bool:
        """True when Daraja accepted the request (ResponseCode 0, "0" or an all-zero string)."""
        return is_success_code(self.ResponseCode)

    @property
    def response_code(self) -> str:
        """ResponseCode as a string."""
        return normalise_code(self.ResponseCode)
