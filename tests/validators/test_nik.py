"""parse_nik: structure of the 16-digit NIK, each error code, and generated valid NIKs."""

import dataclasses
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.validators import PROVINCES, Invalid, NikInfo, parse_nik

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

# Woman born 7 Aug 1995 in Jawa Barat (32), Kab. Bogor (01), district 01: day 07 + 40 = 47.
WOMAN_JABAR = "3201014708950001"
# Man born 17 Aug 1995 in DKI Jakarta (31), Jakarta Selatan (71), district 01.
MAN_JAKARTA = "3171011708950002"


def _code(text: str, birth_date: datetime.date | None = None) -> str:
    with pytest.raises(Invalid) as caught:
        parse_nik(text, birth_date)
    return caught.value.code


def test_woman_from_jawa_barat() -> None:
    info = parse_nik(WOMAN_JABAR, None)
    assert info == NikInfo(
        nik=WOMAN_JABAR, province_code="32", birth_date_day=7, birth_month=8, birth_yy=95, female=True
    )


def test_man_from_jakarta() -> None:
    info = parse_nik(MAN_JAKARTA, None)
    assert (info.province_code, info.birth_date_day, info.birth_month, info.birth_yy) == ("31", 17, 8, 95)
    assert info.female is False


def test_woman_born_on_the_31st_has_day_71() -> None:
    info = parse_nik("5301017112010003", None)  # NTT, 31 Dec 2001
    assert (info.birth_date_day, info.birth_month, info.birth_yy, info.female) == (31, 12, 1, True)


def test_newest_province_code() -> None:
    assert parse_nik("9601010101000001", None).province_code == "96"  # Papua Barat Daya


@pytest.mark.parametrize(
    "text",
    [
        "3201 0147 0895 0001",
        "32.01.01.470895.0001",
        "3201-0147-0895-0001",
        "  3201014708950001  ",
        "32 01 01 47 08 95 0001",
        "3201.01-470895 0001",
    ],
)
def test_separators_are_ignored(text: str) -> None:
    assert parse_nik(text, None).nik == WOMAN_JABAR


def test_matching_birth_date_is_accepted() -> None:
    assert parse_nik(WOMAN_JABAR, datetime.date(1995, 8, 7)).female is True
    assert parse_nik(MAN_JAKARTA, datetime.date(1995, 8, 17)).female is False


def test_leap_days() -> None:
    assert parse_nik("3501016902960001", None).birth_date_day == 29  # woman, 29 Feb 1996
    assert parse_nik("3501012902000001", None).birth_yy == 0  # man, 29 Feb 2000
    assert _code("3501016902950001") == "nik_date"  # 29 Feb 1995 / 2095 never existed


def test_result_is_frozen() -> None:
    info = parse_nik(WOMAN_JABAR, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.female = False  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "320101470895000",  # 15 digits
        "32010147089500011",  # 17 digits
        "32010147O8950001",  # letter O instead of zero
        "3201/0147/0895/0001",  # slash is not an accepted separator
        "NIK 3201014708950001",
        "３２０１０１４７０８９５０００１",  # full-width digits
        "+3201014708950001",
    ],
)
def test_nik_length(text: str) -> None:
    assert _code(text) == "nik_length"


@pytest.mark.parametrize(
    "text",
    ["0001014708950001", "1001014708950001", "2001014708950001", "5401014708950001", "9701014708950001"],
)
def test_nik_province(text: str) -> None:
    assert _code(text) == "nik_province"


@pytest.mark.parametrize(
    "text",
    [
        "3201010008950001",  # day 00
        "3201013208950001",  # day 32
        "3201014008950001",  # day 40 -> woman's day 0
        "3201017208950001",  # day 72 -> woman's day 32
        "3201019908950001",
        "3201011700950001",  # month 00
        "3201011713950001",  # month 13
        "3201013104950001",  # 31 April
        "3201017104950001",  # woman, 31 April
        "3201013002950001",  # 30 February
    ],
)
def test_nik_date(text: str) -> None:
    assert _code(text) == "nik_date"


def test_nik_serial() -> None:
    assert _code("3201014708950000") == "nik_serial"


@pytest.mark.parametrize(
    "birth_date",
    [
        datetime.date(1995, 8, 8),  # other day
        datetime.date(1995, 7, 7),  # other month
        datetime.date(1985, 8, 7),  # other year
        datetime.date(1996, 8, 7),  # year one off
    ],
)
def test_nik_mismatch(birth_date: datetime.date) -> None:
    assert _code(WOMAN_JABAR, birth_date) == "nik_mismatch"


def test_checks_run_in_documented_order() -> None:
    assert _code("00010100089500", datetime.date(2000, 1, 1)) == "nik_length"
    assert _code("0001010013950000", datetime.date(2000, 1, 1)) == "nik_province"
    assert _code("3201010013950000", datetime.date(2000, 1, 1)) == "nik_date"
    assert _code("3201014708950000", datetime.date(2000, 1, 1)) == "nik_serial"


def test_province_codes_come_from_the_province_table() -> None:
    known = {p.code for p in PROVINCES}
    for number in range(100):
        code = f"{number:02d}"
        nik = code + "01014708950001"
        if code in known:
            assert parse_nik(nik, None).province_code == code
        else:
            assert _code(nik) == "nik_province"


@st.composite
def valid_niks(draw: st.DrawFn) -> tuple[str, datetime.date, bool, str]:
    province = draw(st.sampled_from(PROVINCES)).code
    area = draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    birth = draw(st.dates(min_value=datetime.date(1905, 1, 1), max_value=datetime.date(2025, 12, 31)))
    female = draw(st.booleans())
    serial = draw(st.integers(min_value=1, max_value=9999))
    day = birth.day + 40 if female else birth.day
    nik = f"{province}{area}{day:02d}{birth:%m%y}{serial:04d}"
    return nik, birth, female, province


@given(valid_niks())
def test_generated_niks_decode(case: tuple[str, datetime.date, bool, str]) -> None:
    nik, birth, female, province = case
    info = parse_nik(nik, birth)
    assert info.nik == nik
    assert info.province_code == province
    assert (info.birth_date_day, info.birth_month) == (birth.day, birth.month)
    assert info.birth_yy == birth.year % 100
    assert info.female is female


@given(valid_niks())
def test_generated_niks_with_separators_decode_the_same(case: tuple[str, datetime.date, bool, str]) -> None:
    nik = case[0]
    spaced = f"{nik[:4]} {nik[4:8]}-{nik[8:12]}.{nik[12:]}"
    assert parse_nik(spaced, None) == parse_nik(nik, None)


@given(valid_niks())
def test_generated_niks_reject_the_next_day(case: tuple[str, datetime.date, bool, str]) -> None:
    nik, birth, _, _ = case
    assert _code(nik, birth + datetime.timedelta(days=1)) == "nik_mismatch"


@given(st.text(max_size=40))
def test_arbitrary_text_raises_only_invalid(text: str) -> None:
    try:
        info = parse_nik(text, None)
    except Invalid as error:
        assert error.code in {"nik_length", "nik_province", "nik_date", "nik_serial"}
    else:
        assert len(info.nik) == 16 and info.nik.isdigit()


@given(st.from_regex(r"[0-9]{16}", fullmatch=True), st.dates())
def test_any_sixteen_digits_raise_only_invalid(text: str, birth_date: datetime.date) -> None:
    try:
        info = parse_nik(text, birth_date)
    except Invalid as error:
        assert error.code in {"nik_province", "nik_date", "nik_serial", "nik_mismatch"}
    else:
        assert info.nik == text
