"""The PartyB normaliser: every written form of a mobile number agrees; nothing else passes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.daraja import DarajaValidationError, normalize_msisdn

DIGITS = "0123456789"

national = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("71"),
    st.text(DIGITS, min_size=8, max_size=8),
)
landline_national = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("2345689"),
    st.text(DIGITS, min_size=8, max_size=8),
)
separator = st.sampled_from(["", "", "", " ", "-", "  ", " - "])
padding = st.sampled_from(["", " ", "\t", "\n ", "  "])


@st.composite
def spaced(draw: st.DrawFn, digits: str) -> str:
    """``digits`` with random spaces/dashes between them and whitespace around."""
    out = digits[0]
    for ch in digits[1:]:
        out += draw(separator) + ch
    return draw(padding) + out + draw(padding)


@st.composite
def written_forms(draw: st.DrawFn, number: str) -> str | int:
    """One accepted written form of the 9-digit national ``number``."""
    kind = draw(st.sampled_from(["0", "+254", "254", "int", "int254"]))
    if kind == "int":
        return int(number)
    if kind == "int254":
        return int("254" + number)
    body = draw(spaced(("254" if kind == "+254" else kind) + number))
    if kind == "+254":
        stripped = body.lstrip()
        return body[: len(body) - len(stripped)] + "+" + stripped
    return body


@given(number=national, data=st.data())
def test_every_accepted_form_normalises_to_the_same_12_digits(
    number: str, data: st.DataObject
) -> None:
    form = data.draw(written_forms(number))
    assert normalize_msisdn(form) == "254" + number


@given(number=national, data=st.data())
def test_two_forms_of_one_number_agree(number: str, data: st.DataObject) -> None:
    a = data.draw(written_forms(number))
    b = data.draw(written_forms(number))
    assert normalize_msisdn(a) == normalize_msisdn(b)


def _reject(value: object) -> None:
    with pytest.raises(DarajaValidationError) as info:
        normalize_msisdn(value)
    assert info.value.field == "PartyB"


@given(number=national, prefix=st.sampled_from(["0", "254", "+254"]), data=st.data())
def test_an_extra_digit_is_rejected(number: str, prefix: str, data: st.DataObject) -> None:
    text = prefix + number
    at = data.draw(st.integers(min_value=len(prefix), max_value=len(text)))
    extra = data.draw(st.sampled_from(DIGITS))
    longer = text[:at] + extra + text[at:]
    _reject(longer)
    if not longer.startswith(("+", "0")):  # an int has no leading zeros to lose
        _reject(int(longer))


@given(number=national, prefix=st.sampled_from(["0", "254", "+254"]), data=st.data())
def test_a_missing_digit_is_rejected(number: str, prefix: str, data: st.DataObject) -> None:
    text = prefix + number
    start = 1 if prefix == "+254" else 0
    at = data.draw(st.integers(min_value=start, max_value=len(text) - 1))
    shorter = text[:at] + text[at + 1 :]
    _reject(shorter)
    if not shorter.startswith("+") and len(shorter) == 11:
        _reject(int(shorter))


@given(number=landline_national, data=st.data())
def test_landlines_and_other_non_mobile_numbers_are_rejected(
    number: str, data: st.DataObject
) -> None:
    form = data.draw(written_forms(number))
    _reject(form)


@given(number=national, data=st.data())
def test_letters_are_rejected(number: str, data: st.DataObject) -> None:
    text = "0" + number
    at = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    letter = data.draw(st.sampled_from("aOlIxZ"))
    _reject(text[:at] + letter + text[at + 1 :])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0712345678", "254712345678"),
        ("0112345678", "254112345678"),
        ("+254 712 345 678", "254712345678"),
        ("+254-112-345-678", "254112345678"),
        ("  254712345678\n", "254712345678"),
        (712345678, "254712345678"),
        (112345678, "254112345678"),
        (254712345678, "254712345678"),
    ],
)
def test_examples_accepted(value: object, expected: str) -> None:
    assert normalize_msisdn(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "712345678",  # as text, a missing 0 is more likely a missing digit: never guessed
        "0201234567",  # Nairobi landline
        "254201234567",
        "+254201234567",
        "2542012345678",
        "+0712345678",
        "00254712345678",
        "0712 345 67",
        "07123456789",
        "0712_345_678",
        "07l2345678",
        "+ 254712345678",
        "254712345678-",
        "٠٧١٢٣٤٥٦٧٨",  # Arabic-Indic digits
        201234567,
        -712345678,
        7123456789,
        True,
        712345678.0,
        None,
        ["0712345678"],
    ],
)
def test_examples_rejected(value: object) -> None:
    _reject(value)


def test_error_names_field_and_rule() -> None:
    with pytest.raises(ValueError, match="PartyB: must be a Kenyan mobile number"):
        normalize_msisdn("0201234567")
