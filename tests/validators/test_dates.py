"""parse_birth_date: the forms people type, the error codes, and round-trip properties."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.validators import Invalid, parse_birth_date

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

TODAY = datetime.date(2025, 6, 1)
AUG_17_1995 = datetime.date(1995, 8, 17)

INDONESIAN_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni",
                     "Juli", "Agustus", "September", "Oktober", "November", "Desember")  # fmt: skip
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June",
                  "July", "August", "September", "October", "November", "December")  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "17-08-1995",
        "17/8/95",
        "17.08.1995",
        "17 8 1995",
        "1995-08-17",
        "17 Agustus 1995",
        "17 agt 1995",
        "17 Ags 1995",
        "17 August 1995",
        "17 Aug 1995",
        "August 17, 1995",
        "17-Agu-1995",
        "17 agustus 1995",
        "17 AGUSTUS 1995",
        "  17   Agustus    1995  ",
        "17 - 08 - 1995",
        "17/08/1995",
        "17-8-95",
        "17 Aug. 1995",
        "17agustus1995",
        "Agustus 17 1995",
        "17th August 1995",
        "August 17th, 1995",
        "17081995",
        "1995/08/17",
    ],
)
def test_accepted_forms(text: str) -> None:
    assert parse_birth_date(text, TODAY) == AUG_17_1995


@pytest.mark.parametrize(
    ("name", "month"),
    [
        ("Januari", 1), ("Jan", 1), ("Februari", 2), ("Feb", 2), ("Peb", 2), ("Pebruari", 2),
        ("Maret", 3), ("Mar", 3), ("April", 4), ("Apr", 4), ("Mei", 5), ("Juni", 6), ("Jun", 6),
        ("Juli", 7), ("Jul", 7), ("Agustus", 8), ("Agu", 8), ("Agt", 8), ("Ags", 8),
        ("September", 9), ("Sep", 9), ("Sept", 9), ("Oktober", 10), ("Okt", 10),
        ("November", 11), ("Nov", 11), ("Nop", 11), ("Nopember", 11), ("Desember", 12), ("Des", 12),
        ("January", 1), ("February", 2), ("March", 3), ("May", 5), ("June", 6), ("July", 7),
        ("August", 8), ("Aug", 8), ("October", 10), ("Oct", 10), ("December", 12), ("Dec", 12),
    ],
)  # fmt: skip
def test_month_names_and_abbreviations(name: str, month: int) -> None:
    assert parse_birth_date(f"5 {name} 1990", TODAY) == datetime.date(1990, month, 5)
    assert parse_birth_date(f"5 {name.upper()} 1990", TODAY) == datetime.date(1990, month, 5)


def test_numbers_are_always_day_first() -> None:
    assert parse_birth_date("03/04/1990", TODAY) == datetime.date(1990, 4, 3)
    with pytest.raises(Invalid) as caught:
        parse_birth_date("08/17/1995", TODAY)  # US order: month 17 does not exist
    assert caught.value.code == "date_impossible"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01-01-25", datetime.date(2025, 1, 1)),  # 25 <= 25: this century
        ("01-01-00", datetime.date(2000, 1, 1)),
        ("01-01-26", datetime.date(1926, 1, 1)),  # 26 > 25: last century
        ("01-01-99", datetime.date(1999, 1, 1)),
        ("1 Jan 05", datetime.date(2005, 1, 1)),
    ],
)
def test_two_digit_years_pivot_on_today(text: str, expected: datetime.date) -> None:
    assert parse_birth_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "kemarin",
        "17 Agustusan 1995",
        "17 Augustt 1995",
        "17-08",
        "1995",
        "17-08-995",
        "17-08-19955",
        "123-08-1995",
        "17-008-1995",
        "17 08 1995 10",
        "17_08_1995",
        "17-08-1995!",
        "１７-08-1995",
        "1708995",
        "Agustus 1995",
        "17 Agustus",
        "17 Agustus Juli 1995",
        "1" * 100,
    ],
)
def test_date_format(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_birth_date(text, TODAY)
    assert caught.value.code == "date_format"


@pytest.mark.parametrize(
    "text",
    ["31-02-1995", "29-02-1995", "17-13-1995", "00-08-1995", "17-00-1995", "32 Jan 1995", "31 April 1990",
     "1995-02-30", "0 Mei 1990", "31-06-95"],
)  # fmt: skip
def test_date_impossible(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_birth_date(text, TODAY)
    assert caught.value.code == "date_impossible"


def test_leap_day_is_possible_in_leap_years() -> None:
    assert parse_birth_date("29-02-1996", TODAY) == datetime.date(1996, 2, 29)
    assert parse_birth_date("29-02-00", TODAY) == datetime.date(2000, 2, 29)


@pytest.mark.parametrize("text", ["02-06-2025", "01-01-2030", "17 Agustus 2099"])
def test_date_future(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_birth_date(text, TODAY)
    assert caught.value.code == "date_future"


def test_today_is_not_future() -> None:
    assert parse_birth_date("01-06-2025", TODAY) == TODAY


@pytest.mark.parametrize("text", ["31-05-1905", "01-01-1900", "1 Jan 1800"])
def test_date_too_old(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_birth_date(text, TODAY)
    assert caught.value.code == "date_too_old"


def test_exactly_120_years_is_accepted() -> None:
    assert parse_birth_date("01-06-1905", TODAY) == datetime.date(1905, 6, 1)


def test_too_old_when_today_is_a_leap_day_and_120_years_ago_was_not() -> None:
    leap_today = datetime.date(2020, 2, 29)  # 1900 was not a leap year: the limit is 28 Feb 1900
    assert parse_birth_date("28-02-1900", leap_today) == datetime.date(1900, 2, 28)
    with pytest.raises(Invalid) as caught:
        parse_birth_date("27-02-1900", leap_today)
    assert caught.value.code == "date_too_old"


BIRTH_DATES = st.dates(min_value=datetime.date(1905, 6, 1), max_value=TODAY)


@given(BIRTH_DATES)
def test_dd_mm_yyyy_round_trips(date: datetime.date) -> None:
    assert parse_birth_date(date.strftime("%d-%m-%Y"), TODAY) == date


@given(BIRTH_DATES, st.sampled_from(["/", ".", " ", "-", " / "]))
def test_unpadded_numeric_forms_round_trip(date: datetime.date, sep: str) -> None:
    text = f"{date.day}{sep}{date.month}{sep}{date.year}"
    assert parse_birth_date(text, TODAY) == date


@given(BIRTH_DATES)
def test_iso_round_trips(date: datetime.date) -> None:
    assert parse_birth_date(date.isoformat(), TODAY) == date


@given(BIRTH_DATES)
def test_indonesian_month_names_round_trip(date: datetime.date) -> None:
    text = f"{date.day} {INDONESIAN_MONTHS[date.month - 1]} {date.year}"
    assert parse_birth_date(text, TODAY) == date


@given(BIRTH_DATES)
def test_english_month_first_round_trips(date: datetime.date) -> None:
    text = f"{ENGLISH_MONTHS[date.month - 1]} {date.day}, {date.year}"
    assert parse_birth_date(text, TODAY) == date


@given(st.dates(min_value=datetime.date(1926, 1, 1), max_value=TODAY))
def test_two_digit_year_round_trips_within_the_last_century(date: datetime.date) -> None:
    assert parse_birth_date(date.strftime("%d/%m/%y"), TODAY) == date


@given(st.text(max_size=80))
def test_arbitrary_text_raises_only_invalid(text: str) -> None:
    try:
        result = parse_birth_date(text, TODAY)
    except Invalid as error:
        assert error.code in {"date_format", "date_impossible", "date_future", "date_too_old"}
    else:
        assert datetime.date(1905, 6, 1) <= result <= TODAY


@given(st.text(alphabet="0123456789 -/.,agustusmeijanAGT", max_size=30))
def test_date_like_text_raises_only_invalid(text: str) -> None:
    try:
        result = parse_birth_date(text, TODAY)
    except Invalid as error:
        assert error.code in {"date_format", "date_impossible", "date_future", "date_too_old"}
    else:
        assert datetime.date(1905, 6, 1) <= result <= TODAY
