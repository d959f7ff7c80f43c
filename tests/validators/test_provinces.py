"""Province table, lookups by code, and matching of typed names, aliases and typos."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.validators import (
    COMMON_ORIGIN_CODES,
    PROVINCES,
    Invalid,
    Province,
    match_province,
    province_by_code,
)

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

EXPECTED = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung", "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau", "31": "DKI Jakarta", "32": "Jawa Barat", "33": "Jawa Tengah",
    "34": "DI Yogyakarta", "35": "Jawa Timur", "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur", "61": "Kalimantan Barat", "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan", "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara", "75": "Gorontalo",
    "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara", "91": "Papua", "92": "Papua Barat",
    "93": "Papua Selatan", "94": "Papua Tengah", "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}  # fmt: skip


def _code(text: str) -> str:
    return match_province(text).code


def test_the_38_provinces_with_their_codes() -> None:
    assert len(PROVINCES) == 38
    assert {p.code: p.name for p in PROVINCES} == EXPECTED


def test_codes_are_unique_and_sorted() -> None:
    codes = [p.code for p in PROVINCES]
    assert codes == sorted(set(codes))


def test_province_by_code() -> None:
    assert province_by_code("32") == Province("32", "Jawa Barat")
    assert province_by_code("96") == Province("96", "Papua Barat Daya")
    assert province_by_code("20") is None
    assert province_by_code("3") is None
    assert province_by_code("") is None


def test_common_origin_codes() -> None:
    names = [p.name for code in COMMON_ORIGIN_CODES if (p := province_by_code(code)) is not None]
    assert names == [
        "Jawa Barat",
        "Jawa Tengah",
        "Jawa Timur",
        "Nusa Tenggara Barat",
        "Nusa Tenggara Timur",
        "Sumatera Utara",
        "Lampung",
        "DKI Jakarta",
    ]


@pytest.mark.parametrize("province", PROVINCES, ids=lambda p: p.name)
def test_every_official_name_matches_itself(province: Province) -> None:
    assert match_province(province.name) == province
    assert match_province(province.name.upper()) == province
    assert match_province(f"  {province.name.lower()}  ") == province


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Jabar", "32"), ("Jateng", "33"), ("Jatim", "35"), ("Jakarta", "31"), ("DKI", "31"),
        ("Jogja", "34"), ("Yogya", "34"), ("Yogyakarta", "34"), ("DIY", "34"), ("D.I. Yogyakarta", "34"),
        ("NTB", "52"), ("NTT", "53"), ("Sumut", "12"), ("Sumbar", "13"), ("Sumsel", "16"),
        ("Kalbar", "61"), ("Kalteng", "62"), ("Kalsel", "63"), ("Kaltim", "64"), ("Kaltara", "65"),
        ("Sulut", "71"), ("Sulteng", "72"), ("Sulsel", "73"), ("Sultra", "74"), ("Sulbar", "76"),
        ("Babel", "19"), ("Kepri", "21"), ("Malut", "82"),
        ("West Java", "32"), ("Central Java", "33"), ("East Java", "35"), ("North Sumatra", "12"),
        ("West Nusa Tenggara", "52"), ("East Nusa Tenggara", "53"), ("South Sulawesi", "73"),
        ("West Papua", "92"), ("Southwest Papua", "96"), ("Highland Papua", "95"),
        ("Riau", "14"), ("Kepulauan Riau", "21"), ("Kep. Riau", "21"), ("Bangka Belitung", "19"),
        ("Papua", "91"), ("Papua Barat", "92"), ("Maluku", "81"), ("Sumatra Utara", "12"),
    ],
)  # fmt: skip
def test_aliases(text: str, code: str) -> None:
    assert _code(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("jawa-barat", "32"),
        ("JAWA   TIMUR", "35"),
        ("jawatengah", "33"),
        ("N.T.B.", "52"),
        ("Provinsi Jawa Barat", "32"),
        ("Prov. Jawa Timur", "35"),
        ("propinsi ntt", "53"),
        ("Province of Bali", "51"),
        ("DKI Jakarta!", "31"),
    ],
)
def test_punctuation_spacing_and_prefixes(text: str, code: str) -> None:
    assert _code(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Jawa Barta", "32"),  # swapped letters
        ("Jawa Brat", "32"),  # missing letter
        ("Jawa Timurr", "35"),  # extra letter
        ("Lampong", "18"),  # wrong letter
        ("Lampng", "18"),
        ("Gorontlo", "75"),
        ("Bengkullu", "17"),
        ("Kalimantn Timur", "64"),
        ("Sumatera Utra", "12"),
        ("Yogyakrta", "34"),
        ("Jatengg", "33"),
    ],
)
def test_one_typo_in_longer_names(text: str, code: str) -> None:
    assert _code(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Jawa",  # ambiguous
        "Sumatera",
        "Kalimantan",
        "Papua Baru",  # two edits away from Papua Barat
        "Jawa Brta",  # two typos
        "Jawa Bxyat",  # two adjacent wrong letters (not a swap)
        "Jawa Rabat",  # letters swapped that are not neighbours
        "Balli",  # typo in a name shorter than 6 letters
        "Jabr",
        "Phnom Penh",
        "Sihanoukville",
        "Provinsi",
        "32",
        "x" * 200,
    ],
)
def test_province_unknown(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        match_province(text)
    assert caught.value.code == "province_unknown"


def test_exact_aliases_one_letter_apart_both_match() -> None:
    assert _code("Sumbar") == "13"
    assert _code("Sulbar") == "76"
    assert _code("Sumsel") == "16"
    assert _code("Sulsel") == "73"


@pytest.mark.parametrize("text", ["Suksel", "Subar", "Sunbar"])
def test_typo_close_to_two_provinces_is_refused(text: str) -> None:
    # 'suksel' is one edit from both 'sulsel' and 'sumsel'; 'subar' from both 'sulbar' and 'sumbar'.
    with pytest.raises(Invalid) as caught:
        match_province(text)
    assert caught.value.code == "province_unknown"


def test_typo_in_a_six_letter_name() -> None:
    assert _code("Bantn") == "36"
    assert _code("Jatng") == "33"


@given(st.sampled_from([p for p in PROVINCES if len(p.name.replace(" ", "")) >= 6]), st.data())
def test_any_single_deletion_in_a_long_name_still_matches(province: Province, data: st.DataObject) -> None:
    compact = province.name.replace(" ", "").lower()
    index = data.draw(st.integers(min_value=0, max_value=len(compact) - 1))
    typo = compact[:index] + compact[index + 1 :]
    assert match_province(typo) == province


@given(st.text(max_size=60))
def test_arbitrary_text_raises_only_invalid(text: str) -> None:
    try:
        province = match_province(text)
    except Invalid as error:
        assert error.code == "province_unknown"
    else:
        assert province in PROVINCES
