"""parse_passport_number: accepted forms, normalisation and passport_format."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.validators import Invalid, parse_passport_number

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A1234567", "A1234567"),
        ("B 1234567", "B1234567"),
        ("X1234567", "X1234567"),
        ("AB123456", "AB123456"),
        ("e1234567", "E1234567"),
        ("ab-123456", "AB123456"),
        ("  C 123 4567 ", "C1234567"),
        ("c-123-45-67", "C1234567"),
    ],
)
def test_accepted(text: str, expected: str) -> None:
    assert parse_passport_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1234567",
        "12345678",  # no letter
        "A123456",  # 7 characters
        "A12345678",  # 9 characters
        "ABC12345",  # three letters
        "A12345B7",
        "A1234567X",
        "1A234567",
        "A_1234567",
        "A.1234567",
        "ı1234567",  # dotless i upper-cases to I: still refused
        "Ａ1234567",  # full-width letter
        "A１234567",  # full-width digit
        "AB",
    ],
)
def test_passport_format(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_passport_number(text)
    assert caught.value.code == "passport_format"


PASSPORTS = st.from_regex(r"[A-Za-z][0-9]{7}|[A-Za-z]{2}[0-9]{6}", fullmatch=True)


@given(PASSPORTS)
def test_valid_numbers_are_upper_cased(number: str) -> None:
    assert parse_passport_number(number) == number.upper()


@given(PASSPORTS)
def test_idempotent(number: str) -> None:
    once = parse_passport_number(number)
    assert parse_passport_number(once) == once


@given(st.text(max_size=30))
def test_arbitrary_text_raises_only_invalid(text: str) -> None:
    try:
        number = parse_passport_number(text)
    except Invalid as error:
        assert error.code == "passport_format"
    else:
        assert len(number) == 8 and number.isascii() and number == number.upper()
