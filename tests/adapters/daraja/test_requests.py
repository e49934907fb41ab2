"""B2CRequest: validation at construction, the wire body, and a repr that hides the credential."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from adapters.daraja import (
    AmountLimits,
    B2CCommandIDType,
    B2CRequest,
    DarajaValidationError,
)

SECRET = "SECRET-CREDENTIAL-do-not-leak"


def fields(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "OriginatorConversationID": "ocid-2024-07-06-0001",
        "InitiatorName": "api_initiator",
        "SecurityCredential": SECRET,
        "CommandID": B2CCommandIDType.BusinessPayment,
        "Amount": 1500,
        "PartyA": "600999",
        "PartyB": "0700 000 001",
        "Remarks": "Salary payout",
        "QueueTimeOutURL": "https://payouts.example.com/webhooks/b2c/timeout",
        "ResultURL": "https://payouts.example.com/webhooks/b2c/result",
        "Occasion": "JulySalary",
    }
    base.update(overrides)
    return base


def rejects(field: str, **overrides: Any) -> DarajaValidationError:
    with pytest.raises(DarajaValidationError) as info:
        B2CRequest(**fields(**overrides))
    assert info.value.field == field
    assert field in str(info.value)
    assert SECRET not in str(info.value)
    return info.value


def test_wire_body_matches_daraja_documented_sample(load: Callable[[str], Any]) -> None:
    wire = load("b2c_request_wire")
    request = B2CRequest(**fields(SecurityCredential=wire["SecurityCredential"]))
    assert request.to_wire() == wire
    body = request.to_wire()
    assert type(body["Amount"]) is int
    assert type(body["PartyA"]) is int
    assert type(body["PartyB"]) is int
    assert "Occassion" in body and "Occasion" not in body


def test_absent_occasion_is_sent_as_empty_string() -> None:
    request = B2CRequest(**fields(Occasion=None))
    assert request.Occasion is None
    assert request.to_wire()["Occassion"] == ""
    assert B2CRequest(**{k: v for k, v in fields().items() if k != "Occasion"}).Occasion is None


def test_create_takes_snake_case() -> None:
    request = B2CRequest.create(
        originator_conversation_id="o-1",
        initiator_name="api_initiator",
        security_credential=SECRET,
        command_id="SalaryPayment",
        amount="1500",
        party_a=600999,
        party_b=712345678,
        remarks="Salary payout",
        queue_timeout_url=" https://e.example/t ",
        result_url="https://e.example/r",
    )
    assert request.CommandID is B2CCommandIDType.SalaryPayment
    assert request.Amount == 1500
    assert request.PartyA == "600999"
    assert request.PartyB == "254712345678"
    assert request.QueueTimeOutURL == "https://e.example/t"


@pytest.mark.parametrize("command", ["SalaryPayment", "BusinessPayment", "PromotionPayment"])
def test_command_ids_accepted_as_enum_or_string(command: str) -> None:
    assert B2CRequest(**fields(CommandID=command)).CommandID == B2CCommandIDType(command)
    assert (
        B2CRequest(**fields(CommandID=B2CCommandIDType(command))).to_wire()["CommandID"] == command
    )


@pytest.mark.parametrize("command", ["salarypayment", "Salary Payment", "", "TaxPayment", None, 1])
def test_invalid_command_id_rejected_at_construction(command: object) -> None:
    error = rejects("CommandID", CommandID=command)
    assert "SalaryPayment" in error.rule


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(1500, 1500), ("1500", 1500), (Decimal("1500"), 1500), (Decimal("1500.00"), 1500), (10, 10)],
)
def test_amount_accepted_forms(amount: object, expected: int) -> None:
    assert B2CRequest(**fields(Amount=amount)).Amount == expected


@pytest.mark.parametrize(
    "amount",
    [
        "1500.50",
        1500.5,
        1500.0,
        True,
        False,
        Decimal("1500.5"),
        Decimal("NaN"),
        "",
        "1,500",
        "-15",
        None,
        9,
        250_001,
        0,
        -1500,
    ],
)
def test_amount_rejected_never_rounded(amount: object) -> None:
    rejects("Amount", Amount=amount)


def test_amount_limits_inclusive_and_configurable() -> None:
    assert B2CRequest(**fields(Amount=250_000)).Amount == 250_000
    rejects("Amount", Amount=250_001)
    limits = AmountLimits(min_amount=1, max_amount=500_000)
    assert B2CRequest(**fields(Amount=1, amount_limits=limits)).Amount == 1
    assert B2CRequest(**fields(Amount=500_000, amount_limits=limits)).Amount == 500_000
    with pytest.raises(DarajaValidationError, match="KES 1 and KES 500000"):
        B2CRequest(**fields(Amount=500_001, amount_limits=limits))
    with pytest.raises(DarajaValidationError):
        AmountLimits(min_amount=100, max_amount=10)


@pytest.mark.parametrize("party_a", ["600999", 600999, " 600999 ", "12345", "1234567"])
def test_party_a_accepted(party_a: object) -> None:
    assert B2CRequest(**fields(PartyA=party_a)).PartyA == str(party_a).strip()


@pytest.mark.parametrize(
    "party_a", ["1234", "12345678", "60099a", "", True, None, -600999, 6009.99]
)
def test_party_a_rejected(party_a: object) -> None:
    rejects("PartyA", PartyA=party_a)


@pytest.mark.parametrize(
    "party_b", ["0201234567", "07123456", "071234567890", "2542012345678", "abc", 712345678.0]
)
def test_malformed_party_b_rejected_at_construction(party_b: object) -> None:
    rejects("PartyB", PartyB=party_b)


def test_remarks_and_occasion_lengths() -> None:
    assert B2CRequest(**fields(Remarks="ok")).Remarks == "ok"
    assert B2CRequest(**fields(Remarks="r" * 100)).Remarks == "r" * 100
    rejects("Remarks", Remarks="r" * 101)
    rejects("Remarks", Remarks="r")
    rejects("Remarks", Remarks="   ")
    rejects("Remarks", Remarks=None)
    assert B2CRequest(**fields(Occasion="o" * 100)).Occasion == "o" * 100
    rejects("Occasion", Occasion="o" * 101)
    rejects("Occasion", Occasion=5)


@pytest.mark.parametrize("field", ["QueueTimeOutURL", "ResultURL"])
@pytest.mark.parametrize(
    "url",
    [
        "example.com/r",
        "ftp://example.com/r",
        "https://",
        "/relative",
        "",
        None,
        "https://exa mple.com/r",
        "http://[::1",
    ],
)
def test_callback_urls_must_be_absolute_http(field: str, url: object) -> None:
    rejects(field, **{field: url})


def test_callback_urls_trimmed_and_http_allowed_outside_production() -> None:
    request = B2CRequest(**fields(ResultURL="  http://127.0.0.1:8000/r \n"))
    assert request.ResultURL == "http://127.0.0.1:8000/r"
    request.check_environment("sandbox")
    with pytest.raises(DarajaValidationError) as info:
        request.check_environment("production")
    assert info.value.field == "ResultURL"
    assert "https" in info.value.rule
    B2CRequest(**fields()).check_environment("production")
    with pytest.raises(DarajaValidationError) as env:
        request.check_environment("prod")
    assert env.value.field == "environment"


@pytest.mark.parametrize(
    "field", ["OriginatorConversationID", "InitiatorName", "SecurityCredential"]
)
@pytest.mark.parametrize("value", ["", "   ", None, 123])
def test_required_text_fields(field: str, value: object) -> None:
    rejects(field, **{field: value})


def test_repr_and_str_never_show_the_security_credential() -> None:
    request = B2CRequest(**fields())
    assert SECRET not in repr(request)
    assert SECRET not in str(request)
    assert "SecurityCredential='***'" in repr(request)
    assert request.SecurityCredential == SECRET  # still there for the wire


def test_requests_are_frozen_and_compare_by_value() -> None:
    a = B2CRequest(**fields())
    b = B2CRequest(**fields(PartyB="+254700000001"))
    assert a == b
    with pytest.raises(AttributeError):
        a.Amount = 10  # type: ignore[misc]


def test_validation_error_is_a_value_error_with_field_and_rule() -> None:
    error = rejects("Amount", Amount="1500.50")
    assert isinstance(error, ValueError)
    assert error.rule
    assert str(error).startswith("Amount: ")
