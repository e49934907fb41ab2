"""Result/timeout callbacks, their typed helpers, the acks, and B2CResponse."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.daraja import (
    B2CResponse,
    B2CResult,
    B2CResultCallback,
    B2CResultCallbackResponse,
    B2CTimeoutCallback,
    B2CTimeoutCallbackResponse,
    DarajaValidationError,
    ReferenceItem,
    ResultParameter,
)

# --- the fixtures and the helpers -----------------------------------------------------------


def test_success_fixture_helpers(load: Callable[[str], Any]) -> None:
    callback = B2CResultCallback.model_validate(load("b2c_result_success"))
    result = callback.Result
    assert callback.is_successful() and result.is_successful()
    assert result.OriginatorConversationID == "ocid-2024-07-06-0001"
    assert result.ConversationID == "AG_20240706_2010a1b2c3d4e5f6a7b8"
    assert result.ResultCode == 0 and result.result_code == "0"
    assert result.transaction_amount == 1500 and type(result.transaction_amount) is int
    assert result.transaction_receipt == "SG60000AB1"
    assert result.receiver_party_public_name == "254700000001 - JANE DOE"
    assert result.receiver_msisdn == "254700000001"
    assert result.transaction_completed_datetime_raw == "06.07.2024 22:48:52"
    completed = result.transaction_completed_datetime
    assert completed == datetime(2024, 7, 6, 19, 48, 52, tzinfo=UTC)
    assert completed is not None and completed.utcoffset() == timedelta(hours=3)
    assert result.recipient_is_registered is True
    # Floats from a plain json.loads still come out exact to the cent.
    assert str(result.utility_account_available_funds) == "8959269.60"
    assert result.utility_account_available_funds == Decimal("8959269.60")
    assert str(result.working_account_available_funds) == "1199371.00"
    assert str(result.charges_paid_account_available_funds) == "0.00"
    assert result.ReferenceData == (
        ReferenceItem(
            Key="QueueTimeoutURL",
            Value="https://internalsandbox.safaricom.co.ke/mpesa/b2cresults/v1/submit",
        ),
    )


def test_parameters_are_cached_in_a_dict(load: Callable[[str], Any]) -> None:
    result = B2CResultCallback.model_validate(load("b2c_result_success")).Result
    assert result.parameters["TransactionReceipt"] == "SG60000AB1"
    assert len(result.parameters) == 8
    assert result.parameters is result.parameters  # built once, at construction
    with pytest.raises(TypeError):
        result.parameters["x"] = 1  # type: ignore[index]


def test_from_json_keeps_every_cent_as_sent(raw: Callable[[str], bytes]) -> None:
    result = B2CResultCallback.from_json(raw("b2c_result_success")).Result
    assert result.parameters["B2CUtilityAccountAvailableFunds"] == Decimal("8959269.60")
    assert str(result.parameters["B2CUtilityAccountAvailableFunds"]) == "8959269.60"
    assert str(result.utility_account_available_funds) == "8959269.60"
    assert not any(isinstance(v, float) for v in result.parameters.values())


def test_from_json_rejects_garbage() -> None:
    with pytest.raises(DarajaValidationError) as info:
        B2CResultCallback.from_json(b"<html>")
    assert "JSON" in info.value.rule


def test_flat_list_fixture(load: Callable[[str], Any]) -> None:
    result = B2CResultCallback.model_validate(load("b2c_result_success_flat_list")).Result
    assert result.ResultCode == "0" and result.is_successful()
    assert result.transaction_amount == 250
    assert result.transaction_receipt == "SG60000AB2"
    assert result.recipient_is_registered is False
    assert result.receiver_msisdn == "254110000002"
    assert result.utility_account_available_funds is None
    assert result.ReferenceData == ()


def test_failure_fixture_has_no_parameters(load: Callable[[str], Any]) -> None:
    callback = B2CResultCallback.model_validate(load("b2c_result_failure_initiator"))
    result = callback.Result
    assert not callback.is_successful()
    assert result.ResultCode == 2001 and result.result_code == "2001"
    assert result.ResultParameters == () and dict(result.parameters) == {}
    assert result.transaction_amount is None
    assert result.transaction_receipt is None
    assert result.transaction_completed_datetime is None
    assert result.recipient_is_registered is None
    assert result.receiver_msisdn is None
    assert len(result.ReferenceData) == 1


def _with_parameters(load: Callable[[str], Any], parameters: object) -> B2CResult:
    payload = copy.deepcopy(load("b2c_result_success"))
    if parameters is ...:
        del payload["Result"]["ResultParameters"]
    else:
        payload["Result"]["ResultParameters"] = parameters
    return B2CResultCallback.model_validate(payload).Result


@pytest.mark.parametrize(
    "shape",
    [
        {"ResultParameter": [{"Key": "TransactionReceipt", "Value": "R1"}]},
        {"ResultParameter": {"Key": "TransactionReceipt", "Value": "R1"}},
        [{"Key": "TransactionReceipt", "Value": "R1"}],
        {"Key": "TransactionReceipt", "Value": "R1"},
        [{"Key": "TransactionReceipt", "Value": "R1"}, "junk", {"NoKey": 1}, {"Key": 5}],
    ],
)
def test_every_parameter_shape_is_accepted(load: Callable[[str], Any], shape: object) -> None:
    assert _with_parameters(load, shape).transaction_receipt == "R1"


@pytest.mark.parametrize("shape", [..., None, [], {}, {"ResultParameter": None}, "junk", 5])
def test_no_or_odd_parameters_never_fail(load: Callable[[str], Any], shape: object) -> None:
    assert dict(_with_parameters(load, shape).parameters) == {}


def test_reference_data_shapes(load: Callable[[str], Any]) -> None:
    payload = copy.deepcopy(load("b2c_result_success"))
    payload["Result"]["ReferenceData"] = {
        "ReferenceItem": [{"Key": "A", "Value": "1"}, {"Key": "B"}]
    }
    result = B2CResultCallback.model_validate(payload).Result
    assert result.ReferenceData == (ReferenceItem(Key="A", Value="1"), ReferenceItem(Key="B"))
    payload["Result"]["ReferenceData"] = [{"Key": "A", "Value": "1"}]
    assert B2CResultCallback.model_validate(payload).Result.ReferenceData == (
        ReferenceItem(Key="A", Value="1"),
    )


def test_items_without_value_and_malformed_values_give_none(load: Callable[[str], Any]) -> None:
    result = _with_parameters(
        load,
        [
            {"Key": "TransactionAmount"},
            {"Key": "TransactionCompletedDateTime", "Value": "2024-07-06 22:48:52"},
            {"Key": "B2CUtilityAccountAvailableFunds", "Value": "lots"},
            {"Key": "B2CWorkingAccountAvailableFunds", "Value": True},
            {"Key": "B2CRecipientIsRegisteredCustomer", "Value": "yes"},
            {"Key": "ReceiverPartyPublicName", "Value": "JANE DOE"},
        ],
    )
    assert result.transaction_amount is None
    assert result.transaction_completed_datetime is None
    assert result.transaction_completed_datetime_raw == "2024-07-06 22:48:52"
    assert result.utility_account_available_funds is None
    assert result.working_account_available_funds is None
    assert result.recipient_is_registered is None
    assert result.receiver_party_public_name == "JANE DOE"
    assert result.receiver_msisdn is None


def test_balances_negative_and_string_values(load: Callable[[str], Any]) -> None:
    result = _with_parameters(
        load,
        [
            {"Key": "B2CUtilityAccountAvailableFunds", "Value": -12.5},
            {"Key": "B2CWorkingAccountAvailableFunds", "Value": "1199371.00"},
            {"Key": "B2CChargesPaidAccountAvailableFunds", "Value": 0.1},
            {"Key": "TransactionAmount", "Value": "1500.50"},
        ],
    )
    assert str(result.utility_account_available_funds) == "-12.50"
    assert str(result.working_account_available_funds) == "1199371.00"
    assert str(result.charges_paid_account_available_funds) == "0.10"
    assert result.transaction_amount == Decimal("1500.50")
    assert isinstance(result.transaction_amount, Decimal)


@pytest.mark.parametrize(
    ("value", "expected"), [("Y", True), ("N", False), ("y", None), ("", None), (1, None)]
)
def test_recipient_is_registered(
    load: Callable[[str], Any], value: object, expected: object
) -> None:
    params = [{"Key": "B2CRecipientIsRegisteredCustomer", "Value": value}]
    assert _with_parameters(load, params).recipient_is_registered is expected


@pytest.mark.parametrize(
    ("code", "normalised", "ok"),
    [
        (0, "0", True),
        ("0", "0", True),
        ("00000000", "00000000", True),
        (1, "1", False),
        ("2001", "2001", False),
        ("SFC_IC0003", "SFC_IC0003", False),
        ("", "", False),
    ],
)
def test_result_codes(load: Callable[[str], Any], code: object, normalised: str, ok: bool) -> None:
    payload = copy.deepcopy(load("b2c_result_success"))
    payload["Result"]["ResultCode"] = code
    callback = B2CResultCallback.model_validate(payload)
    assert callback.Result.ResultCode == code  # as received
    assert callback.Result.result_code == normalised
    assert callback.is_successful() is ok and callback.Result.is_successful() is ok


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda p: p["Result"].pop("OriginatorConversationID"), "Result.OriginatorConversationID"),
        (lambda p: p["Result"].pop("ResultCode"), "Result.ResultCode"),
        (lambda p: p.__setitem__("Result", [1, 2]), "Result"),
        (lambda p: p.pop("Result"), "Result"),
        (lambda p: p["Result"].__setitem__("ResultCode", {"a": 1}), "Result.ResultCode"),
        (lambda p: p["Result"].__setitem__("ResultCode", True), "Result.ResultCode"),
        (lambda p: p["Result"].__setitem__("ResultCode", 1.5), "Result.ResultCode"),
        (
            lambda p: p["Result"].__setitem__("OriginatorConversationID", 7),
            "Result.OriginatorConversationID",
        ),
        (lambda p: p["Result"].__setitem__("ConversationID", {"x": 1}), "Result.ConversationID"),
    ],
)
def test_invalid_callbacks_name_the_bad_field(
    load: Callable[[str], Any], mutate: Callable[[dict[str, Any]], object], path: str
) -> None:
    payload = copy.deepcopy(load("b2c_result_success"))
    mutate(payload)
    with pytest.raises(DarajaValidationError) as info:
        B2CResultCallback.model_validate(payload)
    assert info.value.field == path
    assert path in str(info.value)


@pytest.mark.parametrize("payload", [None, [], "x", 5])
def test_non_object_payloads_rejected(payload: object) -> None:
    with pytest.raises(DarajaValidationError):
        B2CResultCallback.model_validate(payload)
    with pytest.raises(DarajaValidationError):
        B2CTimeoutCallback.model_validate(payload)


def test_unknown_keys_ignored(load: Callable[[str], Any]) -> None:
    payload = copy.deepcopy(load("b2c_result_success"))
    payload["Extra"] = 1
    payload["Result"]["SomethingNew"] = {"a": [1]}
    assert B2CResultCallback.model_validate(payload) == B2CResultCallback.model_validate(
        load("b2c_result_success")
    )


# --- timeouts ---------------------------------------------------------------------------------


def test_timeout_fixture(load: Callable[[str], Any], raw: Callable[[str], bytes]) -> None:
    callback = B2CTimeoutCallback.model_validate(load("b2c_timeout"))
    assert callback.Result.OriginatorConversationID == "ocid-2024-07-06-0004"
    assert callback.Result.ConversationID == "AG_20240706_2010aaaabbbbccccdddd"
    assert callback.Result.ResultCode == 1 and callback.Result.result_code == "1"
    assert B2CTimeoutCallback.from_json(raw("b2c_timeout")) == callback


def test_timeout_is_lenient() -> None:
    minimal = B2CTimeoutCallback.model_validate(
        {"Result": {"OriginatorConversationID": "o-9", "Whatever": [1]}, "more": True}
    )
    assert minimal.Result.OriginatorConversationID == "o-9"
    assert minimal.Result.ConversationID is None and minimal.Result.ResultCode is None
    bare = B2CTimeoutCallback.model_validate({"OriginatorConversationID": "o-9"})
    assert bare.Result.OriginatorConversationID == "o-9"
    with pytest.raises(DarajaValidationError) as info:
        B2CTimeoutCallback.model_validate({"Result": {"ConversationID": "c"}})
    assert info.value.field == "Result.OriginatorConversationID"


# --- acknowledgements ---------------------------------------------------------------------


@pytest.mark.parametrize("ack_type", [B2CResultCallbackResponse, B2CTimeoutCallbackResponse])
def test_acks(ack_type: type[B2CResultCallbackResponse]) -> None:
    ok = ack_type()
    assert ok.model_dump() == {"ResultCode": 0, "ResultDesc": "Accepted"}
    assert ok.model_dump(mode="json") == {"ResultCode": 0, "ResultDesc": "Accepted"}
    rejected = ack_type(ResultCode=1, ResultDesc="Invalid JSON payload.")
    assert rejected.model_dump() == {"ResultCode": 1, "ResultDesc": "Invalid JSON payload."}
    assert json.loads(json.dumps(rejected.model_dump(mode="json"))) == rejected.model_dump()
    with pytest.raises(DarajaValidationError):
        ack_type(ResultCode={"x": 1})  # type: ignore[arg-type]
    with pytest.raises(DarajaValidationError):
        ack_type(ResultDesc=None)  # type: ignore[arg-type]
    with pytest.raises(DarajaValidationError):
        ok.model_dump(mode="yaml")  # type: ignore[arg-type]


# --- B2CResponse --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        (0, True),
        ("0", True),
        ("00000000", True),
        (" 0 ", True),
        ("", False),
        ("1", False),
        (1, False),
        ("SFC_IC0003", False),
        ("0.0", False),
    ],
)
def test_b2c_response_is_successful(load: Callable[[str], Any], code: object, ok: bool) -> None:
    body = dict(load("b2c_ack_ok"), ResponseCode=code)
    response = B2CResponse.model_validate(body)
    assert response.is_successful() is ok
    assert response.ResponseCode == code


def test_b2c_response_fields(load: Callable[[str], Any]) -> None:
    response = B2CResponse.model_validate(load("b2c_ack_ok"))
    assert response.ConversationID == "AG_20240706_2010a1b2c3d4e5f6a7b8"
    assert response.OriginatorConversationID == "ocid-2024-07-06-0001"
    assert response.ResponseDescription == "Accept the service request successfully."
    with pytest.raises(DarajaValidationError) as info:
        B2CResponse.model_validate({"ResponseDescription": "x"})
    assert info.value.field == "ResponseCode"


# --- round trips (hypothesis) ------------------------------------------------------------------

codes = st.one_of(
    st.integers(min_value=0, max_value=10_000), st.sampled_from(["0", "00000000", "SFC_IC0003"])
)
text = st.text(min_size=1, max_size=20)
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9
    ),
    text,
)
parameters = st.lists(st.builds(ResultParameter, Key=text, Value=values), max_size=6).map(tuple)
references = st.lists(st.builds(ReferenceItem, Key=text, Value=values), max_size=3).map(tuple)
results = st.builds(
    B2CResult,
    OriginatorConversationID=text,
    ResultCode=codes,
    ResultDesc=st.none() | text,
    ResultType=st.none() | st.integers(0, 1),
    ConversationID=st.none() | text,
    TransactionID=st.none() | text,
    ResultParameters=parameters,
    ReferenceData=references,
)


@given(result=results)
def test_result_callback_round_trip(result: B2CResult) -> None:
    callback = B2CResultCallback(Result=result)
    wire = callback.model_dump()
    again = B2CResultCallback.model_validate(wire)
    assert again == callback
    assert again.Result.parameters.keys() == callback.Result.parameters.keys()


@given(result=results)
def test_result_callback_round_trip_through_json_bytes(result: B2CResult) -> None:
    callback = B2CResultCallback(Result=result)
    body = json.dumps(callback.model_dump(), default=_exact_decimal)
    # Decimals were written as JSON numbers with their exact digits; from_json reads them back.
    assert B2CResultCallback.from_json(body.replace('"__D', "").replace('D__"', "")) == callback


def _exact_decimal(value: object) -> str:
    assert isinstance(value, Decimal)
    return f"__D{value}D__"


@given(
    ocid=text,
    code=st.none() | codes,
    conversation=st.none() | text,
)
def test_timeout_callback_round_trip(
    ocid: str, code: int | str | None, conversation: str | None
) -> None:
    callback = B2CTimeoutCallback.model_validate(
        {
            "Result": {
                "OriginatorConversationID": ocid,
                "ResultCode": code,
                "ConversationID": conversation,
            }
        }
    )
    assert B2CTimeoutCallback.model_validate(callback.model_dump()) == callback
