"""The public surface: everything the product description and the issue name is exported."""

from __future__ import annotations

import logging

import adapters.daraja as sdk

NAMES = [
    "MpesaClient",
    "AsyncMpesaClient",
    "MpesaHttpClient",
    "AsyncMpesaHttpClient",
    "TokenManager",
    "AsyncTokenManager",
    "B2CCommandIDType",
    "B2CRequest",
    "B2CResponse",
    "B2CResultCallback",
    "B2CTimeoutCallback",
    "B2CResultCallbackResponse",
    "B2CTimeoutCallbackResponse",
    "is_mpesa_ip_allowed",
    "SAFARICOM_CALLBACK_IPS",
    "generate_security_credential",
    "normalize_msisdn",
    "AmountLimits",
    "DarajaError",
    "DarajaValidationError",
    "DarajaAuthError",
    "DarajaAPIError",
    "DarajaConnectError",
    "DarajaOutcomeUnknownError",
]


def test_all_is_complete_and_importable() -> None:
    for name in NAMES:
        assert name in sdk.__all__, name
    for name in sdk.__all__:
        assert hasattr(sdk, name), name
    assert issubclass(sdk.DarajaValidationError, ValueError)
    for error in (
        sdk.DarajaValidationError,
        sdk.DarajaAuthError,
        sdk.DarajaAPIError,
        sdk.DarajaConnectError,
        sdk.DarajaOutcomeUnknownError,
    ):
        assert issubclass(error, sdk.DarajaError)


def test_product_quick_setup_constructs_without_network() -> None:
    client = sdk.MpesaClient(consumer_key="...", consumer_secret="...", environment="sandbox")
    assert client.base_url == "https://sandbox.safaricom.co.ke"
    assert repr(client) == (
        "MpesaClient(environment='sandbox', base_url='https://sandbox.safaricom.co.ke')"
    )
    assert sdk.MpesaHttpClient(environment="sandbox").environment == "sandbox"
    client.close()


def test_logger_name() -> None:
    assert logging.getLogger("adapters.daraja").name == "adapters.daraja"
