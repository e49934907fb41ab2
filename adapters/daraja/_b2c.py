"""The B2C service: ``client.b2c.send_payment(...)`` / ``client.b2c.send(request)``.

A payment POST is sent once. The only replay is after Daraja rejected the access token (HTTP 401
or errorCode 404.001.03): the request was refused before processing, so a fresh token and one
replay cannot pay twice. A read timeout or a dropped connection is ``DarajaOutcomeUnknownError``.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any

import httpx

from ._converter import structure
from ._errors import (
    INVALID_TOKEN_ERROR_CODE,
    DarajaAPIError,
    DarajaOutcomeUnknownError,
    DarajaValidationError,
)
from ._http import AsyncMpesaHttpClient, MpesaHttpClient
from ._money import DEFAULT_AMOUNT_LIMITS, AmountLimits
from ._requests import B2C_PAYMENT_PATH, B2CCommandIDType, B2CRequest
from ._responses import B2CResponse
from ._tokens import AsyncTokenManager, TokenManager

__all__ = ["AsyncB2CService", "B2CService"]

log = logging.getLogger("adapters.daraja")


def _json_body(response: httpx.Response) -> object:
    try:
        return json.loads(response.content, parse_float=Decimal)
    except ValueError:
        return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _is_token_rejection(response: httpx.Response) -> bool:
    if response.status_code == 401:
        return True
    if response.is_success:
        return False
    body = _json_body(response)
    return isinstance(body, dict) and body.get("errorCode") == INVALID_TOKEN_ERROR_CODE


def _describe(response: httpx.Response) -> str:
    kind = response.headers.get("content-type", "no content type")
    return f"{len(response.content)} bytes of {kind}"


def interpret_reply(response: httpx.Response) -> B2CResponse:
    """A ``B2CResponse`` from a 2xx acceptance; ``DarajaAPIError`` for anything else."""
    status = response.status_code
    body = _json_body(response)
    if not response.is_success:
        if isinstance(body, dict):
            code = _text(body.get("errorCode"))
            message = _text(body.get("errorMessage"))
            request_id = _text(body.get("requestId"))
            raise DarajaAPIError(
                f"Daraja rejected the B2C request: HTTP {status}, errorCode {code}, "
                f"{message!r} (requestId {request_id})",
                http_status=status,
                error_code=code,
                error_message=message,
                request_id=request_id,
                raw_body=response.content,
            )
        raise DarajaAPIError(
            f"Daraja answered HTTP {status} with no error body ({_describe(response)})",
            http_status=status,
            raw_body=response.content,
        )
    try:
        return structure(body, B2CResponse)
    except DarajaValidationError as exc:
        raise DarajaAPIError(
            f"unexpected reply to a B2C request: HTTP {status}, {_describe(response)} "
            f"({exc}). The request may have been accepted: check before resending.",
            http_status=status,
            raw_body=response.content,
        ) from None


def _unknown(exc: DarajaOutcomeUnknownError, request: B2CRequest) -> DarajaOutcomeUnknownError:
    return DarajaOutcomeUnknownError(
        f"B2C payment {request.OriginatorConversationID!r}: {exc}",
        originator_conversation_id=request.OriginatorConversationID,
    )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class B2CService:
    """Sends B2C payment requests with a ``TokenManager``'s token through a ``MpesaHttpClient``."""

    def __init__(
        self,
        http_client: MpesaHttpClient,
        token_manager: TokenManager,
        *,
        amount_limits: AmountLimits = DEFAULT_AMOUNT_LIMITS,
    ) -> None:
        self._http = http_client
        self._tokens = token_manager
        self._limits = amount_limits

    def __repr__(self) -> str:
        return f"B2CService(base_url={self._http.base_url!r})"

    def send_payment(
        self,
        *,
        originator_conversation_id: str,
        initiator_name: str,
        security_credential: str,
        command_id: B2CCommandIDType | str,
        amount: Any,
        party_a: int | str,
        party_b: int | str,
        remarks: str,
        queue_timeout_url: str,
        result_url: str,
        occasion: str | None = None,
    ) -> B2CResponse:
        """Validate the arguments into a ``B2CRequest`` and send it."""
        request = B2CRequest.create(
            originator_conversation_id=originator_conversation_id,
            initiator_name=initiator_name,
            security_credential=security_credential,
            command_id=command_id,
            amount=amount,
            party_a=party_a,
            party_b=party_b,
            remarks=remarks,
            queue_timeout_url=queue_timeout_url,
            result_url=result_url,
            occasion=occasion,
            amount_limits=self._limits,
        )
        return self.send(request)

    def send(self, request: B2CRequest) -> B2CResponse:
        """POST the request once (plus one replay if the token was rejected)."""
        request.check_environment(self._http.environment)
        body = request.to_wire()
        token = self._tokens.get_token()
        try:
            response = self._http.post(B2C_PAYMENT_PATH, json=body, headers=_bearer(token))
            if _is_token_rejection(response):
                log.info("access token rejected; refreshing it and replaying once")
                self._tokens.invalidate(token)
                token = self._tokens.get_token()
                response = self._http.post(B2C_PAYMENT_PATH, json=body, headers=_bearer(token))
        except DarajaOutcomeUnknownError as exc:
            raise _unknown(exc, request) from None
        reply = interpret_reply(response)
        log.info(
            "B2C %s: ResponseCode %s, ConversationID %s",
            request.OriginatorConversationID,
            reply.response_code,
            reply.ConversationID,
        )
        return reply


class AsyncB2CService:
    """The asyncio twin of ``B2CService``."""

    def __init__(
        self,
        http_client: AsyncMpesaHttpClient,
        token_manager: AsyncTokenManager,
        *,
        amount_limits: AmountLimits = DEFAULT_AMOUNT_LIMITS,
    ) -> None:
        self._http = http_client
        self._tokens = token_manager
        self._limits = amount_limits

    def __repr__(self) -> str:
        return f"AsyncB2CService(base_url={self._http.base_url!r})"

    async def send_payment(
        self,
        *,
        originator_conversation_id: str,
        initiator_name: str,
        security_credential: str,
        command_id: B2CCommandIDType | str,
        amount: Any,
        party_a: int | str,
        party_b: int | str,
        remarks: str,
        queue_timeout_url: str,
        result_url: str,
        occasion: str | None = None,
    ) -> B2CResponse:
        """Validate the arguments into a ``B2CRequest`` and send it."""
        request = B2CRequest.create(
            originator_conversation_id=originator_conversation_id,
            initiator_name=initiator_name,
            security_credential=security_credential,
            command_id=command_id,
            amount=amount,
            party_a=party_a,
            party_b=party_b,
            remarks=remarks,
            queue_timeout_url=queue_timeout_url,
            result_url=result_url,
            occasion=occasion,
            amount_limits=self._limits,
        )
        return await self.send(request)

    async def send(self, request: B2CRequest) -> B2CResponse:
        """POST the request once (plus one replay if the token was rejected)."""
        request.check_environment(self._http.environment)
        body = request.to_wire()
        token = await self._tokens.get_token()
        try:
            response = await self._http.post(B2C_PAYMENT_PATH, json=body, headers=_bearer(token))
            if _is_token_rejection(response):
                log.info("access token rejected; refreshing it and replaying once")
                await self._tokens.invalidate(token)
                token = await self._tokens.get_token()
                response = await self._http.post(
                    B2C_PAYMENT_PATH, json=body, headers=_bearer(token)
                )
        except DarajaOutcomeUnknownError as exc:
            raise _unknown(exc, request) from None
        reply = interpret_reply(response)
        log.info(
            "B2C %s: ResponseCode %s, ConversationID %s",
            request.OriginatorConversationID,
            reply.response_code,
            reply.ConversationID,
        )
        return reply
