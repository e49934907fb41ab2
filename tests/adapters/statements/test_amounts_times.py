"""The amount and time rules on their own (many inputs, one rule each)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from adapters.statements._amounts import format_amount, parse_amount
from adapters.statements._times import KENYA_TIME, parse_kenyan_time


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", "0.00"),
        ("1500", "1500.00"),
        ("-1500.00", "-1500.00"),
        ("+1.5", "1.50"),
        ("1,500.00", "1500.00"),
        ("12,345,678.90", "12345678.90"),
        ("-0.00", "0.00"),
        ("1.500", "1.50"),
    ],
)
def test_amounts(text: str, value: str) -> None:
    parsed = parse_amount(text)
    assert parsed == Decimal(value) and format_amount(parsed) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "1,5x0.00",
        "1,50.00",
        "15,00.00",
        ",100",
        "1.",
        ".5",
        "1e3",
        "NaN",
        "Infinity",
        "1_000",
        "--1",
        "\u0661\u0665\u0660\u0660",
        "KES 100",
        "(100.00)",
        "1.2.3",
        "1234567890123456",
    ],
)
def test_not_amounts(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize(
    "text",
    [
        "06-07-2024 22:48:52",
        "2024-07-06 22:48:52",
        "06/07/2024 22:48:52",
        "2024-07-06T22:48:52",
        "06-07-2024 22:48:52 ",
    ],
)
def test_times(text: str) -> None:
    assert parse_kenyan_time(text) == datetime(2024, 7, 6, 22, 48, 52, tzinfo=KENYA_TIME)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "06-07-2024",
        "6-7-2024 22:48:52",
        "06-07-24 22:48:52",
        "06.07.2024 22:48:52",
        "06-07/2024 22:48:52",
        "31-02-2024 10:00:00",
        "06-07-2024 24:00:00",
        "06-07-2024 22:48:5",
        "\u0660\u0666-07-2024 22:48:52",
        "2024-07-06 22:48:52+03:00",
    ],
)
def test_not_times(text: str) -> None:
    with pytest.raises(ValueError):
        parse_kenyan_time(text)
