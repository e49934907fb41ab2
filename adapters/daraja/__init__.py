"""M-Pesa Daraja B2C SDK: typed requests, callbacks, tokens and sync/async clients.

Everything public is importable from here; the ``_``-prefixed modules are implementation.
"""

from ._allowlist import SAFARICOM_CALLBACK_IPS, is_mpesa_ip_allowed
from ._b2c import AsyncB2CService, B2CService
from ._callbacks import (
    KENYA_TZ,
    B2CResult,
    B2CResultCallback,
    B2CResultCallbackResponse,
    B2CTimeoutCallback,
    B2CTimeoutCallbackResponse,
    B2CTimeoutResult,
    ReferenceItem,
    ResultParameter,
)
from ._client import AsyncMpesaClient, MpesaClient
from ._environment import BASE_URLS, Environment
from ._errors import (
    DarajaAPIError,
    DarajaAuthError,
    DarajaConnectError,
    DarajaError,
    DarajaOutcomeUnknownError,
    DarajaValidationError,
)
from ._http import AsyncMpesaHttpClient, MpesaHttpClient
from ._money import DEFAULT_AMOUNT_LIMITS, AmountLimits
from ._phone import normalize_msisdn
from ._requests import B2C_PAYMENT_PATH, B2CCommandIDType, B2CRequest
from ._responses import B2CResponse
from ._result_codes import is_success_code
from ._security import generate_security_credential
from ._tokens import TOKEN_PATH, AsyncTokenManager, TokenManager

__all__ = [
    "B2C_PAYMENT_PATH",
    "BASE_URLS",
    "DEFAULT_AMOUNT_LIMITS",
    "KENYA_TZ",
    "SAFARICOM_CALLBACK_IPS",
    "TOKEN_PATH",
    "AmountLimits",
    "AsyncB2CService",
    "AsyncMpesaClient",
    "AsyncMpesaHttpClient",
    "AsyncTokenManager",
    "B2CCommandIDType",
    "B2CRequest",
    "B2CResponse",
    "B2CResult",
    "B2CResultCallback",
    "B2CResultCallbackResponse",
    "B2CService",
    "B2CTimeoutCallback",
    "B2CTimeoutCallbackResponse",
    "B2CTimeoutResult",
    "DarajaAPIError",
    "DarajaAuthError",
    "DarajaConnectError",
    "DarajaError",
    "DarajaOutcomeUnknownError",
    "DarajaValidationError",
    "Environment",
    "MpesaClient",
    "MpesaHttpClient",
    "ReferenceItem",
    "ResultParameter",
    "TokenManager",
    "generate_security_credential",
    "is_mpesa_ip_allowed",
    "is_success_code",
    "normalize_msisdn",
]
