"""StatementLine: invariants, derived fields (kind, command id, MSISDN, key) and dict form."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from adapters.statements import KENYA_TIME, StatementLine

AT = datetime(2024, 7, 6, 22, 48, 52, tzinfo=KENYA_TIME)


def line(**changes: object) -> StatementLine:
    fields: dict[str, object] = {
        "line_number": 6,
        "receipt": "SG60000AB1",
        "completed_at": AT,
        "withdrawn": Decimal("1500.00"),
        "reason_type": "Business Payment to Customer via API",
        "details": "Business Payment to 254700000001 - JANE DOE",
        "other_party_info": "254700000001 - JANE DOE",
    }
    fields.update(changes)
    return StatementLine(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("reason_type", "details", "kind", "command_id"),
    [
        ("Business Payment to Customer via API", "", "payout", "BusinessPayment"),
        ("Salary Payment via API", "", "payout", "SalaryPayment"),
        ("Promotion Payment via API", "", "payout", "PromotionPayment"),
        ("Business Payment Charge", "", "charge", "BusinessPayment"),
        ("Salary Payment Charge", "", "charge", "SalaryPayment"),
        ("Organization Funds Transfer", "", "other", None),
        ("Business Payment Reversal", "", "other", None),
        ("Pay Bill Online", "", "other", None),
        ("", "Salary Payment to 254110000002 - JOHN ROE", "payout", "SalaryPayment"),
        ("", "Business Payment Charge", "charge", "BusinessPayment"),
        ("", "Funds Transfer from Working Account", "other", None),
        # Reason Type wins over Details: a payee called CHARGE is still a payout.
        (
            "Business Payment to Customer via API",
            "Business Payment to 2547 - CHARGE",
            "payout",
            "BusinessPayment",
        ),
    ],
)
def test_classification(reason_type: str, details: str, kind: str, command_id: str | None) -> None:
    subject = line(reason_type=reason_type, details=details)
    assert (subject.kind, subject.command_id) == (kind, command_id)


@pytest.mark.parametrize(
    ("other_party_info", "details", "msisdn"),
    [
        ("254700000001 - JANE DOE", "", "254700000001"),
        ("254700000001-JANE DOE", "", "254700000001"),
        ("2547000000012 - TOO LONG", "", None),
        ("2547******01 - JANE DOE", "", None),
        ("", "Business Payment to 254722000009 - MARY POE", "254722000009"),
        ("", "Business Payment to JANE", None),
    ],
)
def test_msisdn(other_party_info: str, details: str, msisdn: str | None) -> None:
    assert line(other_party_info=other_party_info, details=details).other_party_msisdn == msisdn


def test_no_msisdn_for_charges_or_other() -> None:
    assert line(reason_type="Business Payment Charge").other_party_msisdn is None
    assert line(reason_type="Organization Funds Transfer").other_party_msisdn is None


def test_key_is_canonical() -> None:
    assert line(withdrawn=Decimal("1500")).key == line(withdrawn=Decimal("1500.00")).key
    assert line().key == "SG60000AB1|Business Payment to Customer via API|-1500.00"
    money_in = line(withdrawn=Decimal(0), paid_in=Decimal("50000"), reason_type="Funds")
    assert money_in.key == "SG60000AB1|Funds|50000.00"


def test_times_are_kept_in_kenyan_time() -> None:
    utc = datetime(2024, 7, 6, 19, 48, 52, tzinfo=UTC)
    subject = line(completed_at=utc, initiated_at=utc)
    assert subject.completed_at.isoformat() == "2024-07-06T22:48:52+03:00"
    assert subject.initiated_at is not None and subject.initiated_at.utcoffset() == AT.utcoffset()


@pytest.mark.parametrize(
    "changes",
    [
        {"paid_in": Decimal("-1.00")},
        {"withdrawn": Decimal("-1.00")},
        {"withdrawn": Decimal("1.005")},
        {"withdrawn": Decimal("NaN")},
        {"withdrawn": 1.5},
        {"balance": Decimal("1.001")},
        {"receipt": ""},
        {"line_number": 0},
        {"completed_at": datetime(2024, 7, 6, 22, 48, 52)},
    ],
)
def test_invariants(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        line(**changes)


def test_dict_form() -> None:
    subject = line(initiated_at=AT, balance=Decimal("8959269.6"), balance_confirmed=True)
    data = subject.to_dict()
    assert data["completed_at"] == "2024-07-06T22:48:52+03:00"
    assert data["withdrawn"] == "1500.00" and data["paid_in"] == "0.00"
    assert data["balance"] == "8959269.60"
    assert StatementLine.from_dict(json.loads(json.dumps(data))) == subject


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "payout"}, "unknown"),
        ({"paid_in": 0}, "paid_in must be a decimal string"),
        ({"paid_in": "abc"}, "not a decimal"),
        ({"completed_at": "2024-07-06T22:48:52"}, "no UTC offset"),
        ({"line_number": "6"}, "line_number must be an int"),
        ({"balance_confirmed": "true"}, "balance_confirmed must be a bool"),
        ({"receipt": None}, "receipt must be a str"),
    ],
)
def test_from_dict_refuses_odd_input(change: dict[str, object], message: str) -> None:
    data: dict[str, object] = {**line().to_dict(), **change}
    with pytest.raises(ValueError, match=message):
        StatementLine.from_dict(data)


def test_from_dict_refuses_missing_field() -> None:
    data = line().to_dict()
    del data["account"]
    with pytest.raises(ValueError, match="missing"):
        StatementLine.from_dict(data)
