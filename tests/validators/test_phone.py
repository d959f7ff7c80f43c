"""normalise_phone and is_indonesian_mobile: Indonesian, Cambodian and other numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.validators import Invalid, is_indonesian_mobile, normalise_phone

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)


def _code(text: str) -> str:
    with pytest.raises(Invalid) as caught:
        normalise_phone(text)
    return caught.value.code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Indonesia
        ("+6281234567890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("+62 (0)812 3456 7890", "+6281234567890"),
        ("006281234567890", "+6281234567890"),
        ("0062 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("62 812.3456.7890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("0812-3456-7890", "+6281234567890"),
        ("(0812) 3456 7890", "+6281234567890"),
        ("0812345678", "+62812345678"),  # 10 digits, the shortest 08 form
        ("0812345678901", "+62812345678901"),  # 13 digits, the longest 08 form
        ("+62 21 1234 5678", "+622112345678"),  # Jakarta landline
        ("+62 2112 3456", "+6221123456"),  # 8-digit national number
        # Cambodia
        ("+855 12 345 678", "+85512345678"),
        ("+855 (0)12 345 678", "+85512345678"),
        ("00855 12 345 678", "+85512345678"),
        ("855 12 345 678", "+85512345678"),
        ("+855 97 123 4567", "+855971234567"),
        ("012 345 678", "+85512345678"),  # local, 0 + 8 digits
        ("097 123 4567", "+855971234567"),  # local, 0 + 9 digits
        ("023-123-456", "+85523123456"),  # Phnom Penh landline
        # Elsewhere
        ("+66 81 234 5678", "+66812345678"),  # Thailand
        ("+1 (202) 555-0100", "+12025550100"),
        ("0066 81 234 5678", "+66812345678"),
        ("+60 12-345 6789", "+60123456789"),  # Malaysia
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_accepted(text: str, expected: str) -> None:
    assert normalise_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "tidak ada",
        "0812 3456 789O",  # letter O
        "+62 812 3456 7890 ext 5",
        "++6281234567890",
        "+",
        "812345678",  # no prefix at all
        "12345678",
        "+0812345678",
        "+62 00812 3456 789",  # two trunk zeros
        "+855 00 12 345 678",
        "0812/3456/7890",
        "+62 812 3456 7890 #",
        "１２３４５６７８９",  # full-width digits
        "0" * 70,
    ],
)
def test_phone_format(text: str) -> None:
    assert _code(text) == "phone_format"


@pytest.mark.parametrize(
    "text",
    [
        "+62 1234567",  # national number of 7 digits
        "+62 8123 4567 89012",  # 13 digits
        "62 1234567",
        "621234567890123",
        "0062 1234567",
        "081234567",  # 9 digits
        "08123456789012",  # 14 digits
        "+855 1234567",  # 7 digits
        "+855 1234567890",  # 10 digits
        "855 1234567",
        "01234567",  # 0 + 7 digits
        "01234567890",  # 0 + 10 digits
        "+1234567",  # 7 digits
        "+1234567890123456",  # 16 digits
    ],
)
def test_phone_length(text: str) -> None:
    assert _code(text) == "phone_length"


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+6281234567890", True),
        ("+62812345678", True),  # 9-digit national number
        ("+62812345678901", True),  # 12-digit national number
        ("+6281234567", False),  # 8 digits: too short for a mobile
        ("+622112345678", False),  # landline
        ("+85512345678", False),
        ("081234567890", False),  # not E.164
        ("+62 812 3456 7890", False),
        ("", False),
    ],
)
def test_is_indonesian_mobile(e164: str, expected: bool) -> None:
    assert is_indonesian_mobile(e164) is expected


def test_every_08_number_is_an_indonesian_mobile() -> None:
    for length in range(10, 14):
        text = "08" + "1" * (length - 2)
        assert is_indonesian_mobile(normalise_phone(text)), text


PHONE_LIKE = st.text(alphabet="0123456789+ -.()", max_size=24)


@given(PHONE_LIKE)
def test_idempotent_on_its_output(text: str) -> None:
    try:
        once = normalise_phone(text)
    except Invalid:
        return
    assert normalise_phone(once) == once


@given(PHONE_LIKE)
def test_output_is_e164(text: str) -> None:
    try:
        number = normalise_phone(text)
    except Invalid as error:
        assert error.code in {"phone_format", "phone_length"}
        return
    assert number.startswith("+") and number[1:].isdigit()
    assert number[1] != "0"
    assert 8 <= len(number) - 1 <= 15


@given(st.from_regex(r"08[0-9]{8,11}", fullmatch=True))
def test_local_indonesian_numbers_keep_their_digits(text: str) -> None:
    assert normalise_phone(text) == "+62" + text[1:]


@given(st.from_regex(r"0[1-79][0-9]{7,8}", fullmatch=True))
def test_local_cambodian_numbers_keep_their_digits(text: str) -> None:
    assert normalise_phone(text) == "+855" + text[1:]


@given(st.text(max_size=40))
def test_arbitrary_text_raises_only_invalid(text: str) -> None:
    try:
        normalise_phone(text)
    except Invalid as error:
        assert error.code in {"phone_format", "phone_length"}
