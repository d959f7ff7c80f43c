"""The 38 provinces of Indonesia with their Kemendagri (NIK) codes, and matching of typed names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.validators.errors import Invalid

__all__ = ["COMMON_ORIGIN_CODES", "PROVINCES", "Province", "match_province", "province_by_code"]


@dataclass(frozen=True, slots=True)
class Province:
    code: str  # two-digit Kemendagri code, the first two digits of a NIK issued there
    name: str  # official Indonesian name


# (code, official name, aliases: abbreviations, older spellings, English names)
_DATA: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("11", "Aceh", ("NAD", "Nanggroe Aceh Darussalam")),
    ("12", "Sumatera Utara", ("Sumut", "Sumatra Utara", "North Sumatra", "North Sumatera")),
    ("13", "Sumatera Barat", ("Sumbar", "Sumatra Barat", "West Sumatra", "West Sumatera")),
    ("14", "Riau", ()),
    ("15", "Jambi", ()),
    ("16", "Sumatera Selatan", ("Sumsel", "Sumatra Selatan", "South Sumatra", "South Sumatera")),
    ("17", "Bengkulu", ()),
    ("18", "Lampung", ()),
    (
        "19",
        "Kepulauan Bangka Belitung",
        ("Babel", "Bangka Belitung", "Kep Bangka Belitung", "Bangka Belitung Islands"),
    ),
    ("21", "Kepulauan Riau", ("Kepri", "Kep Riau", "Riau Islands")),
    ("31", "DKI Jakarta", ("Jakarta", "DKI", "Daerah Khusus Ibukota Jakarta", "Jakarta Raya")),
    ("32", "Jawa Barat", ("Jabar", "West Java")),
    ("33", "Jawa Tengah", ("Jateng", "Central Java")),
    (
        "34",
        "DI Yogyakarta",
        (
            "DIY",
            "Yogyakarta",
            "Yogya",
            "Jogja",
            "Jogjakarta",
            "Yogyakarta Special Region",
            "Daerah Istimewa Yogyakarta",
            "Special Region of Yogyakarta",
        ),
    ),
    ("35", "Jawa Timur", ("Jatim", "East Java")),
    ("36", "Banten", ()),
    ("51", "Bali", ()),
    ("52", "Nusa Tenggara Barat", ("NTB", "West Nusa Tenggara")),
    ("53", "Nusa Tenggara Timur", ("NTT", "East Nusa Tenggara")),
    ("61", "Kalimantan Barat", ("Kalbar", "West Kalimantan")),
    ("62", "Kalimantan Tengah", ("Kalteng", "Central Kalimantan")),
    ("63", "Kalimantan Selatan", ("Kalsel", "South Kalimantan")),
    ("64", "Kalimantan Timur", ("Kaltim", "East Kalimantan")),
    ("65", "Kalimantan Utara", ("Kaltara", "North Kalimantan")),
    ("71", "Sulawesi Utara", ("Sulut", "North Sulawesi")),
    ("72", "Sulawesi Tengah", ("Sulteng", "Central Sulawesi")),
    ("73", "Sulawesi Selatan", ("Sulsel", "South Sulawesi")),
    ("74", "Sulawesi Tenggara", ("Sultra", "Southeast Sulawesi")),
    ("75", "Gorontalo", ()),
    ("76", "Sulawesi Barat", ("Sulbar", "West Sulawesi")),
    ("81", "Maluku", ("Moluccas",)),
    ("82", "Maluku Utara", ("Malut", "North Maluku")),
    ("91", "Papua", ()),
    ("92", "Papua Barat", ("Papbar", "West Papua")),
    ("93", "Papua Selatan", ("South Papua",)),
    ("94", "Papua Tengah", ("Central Papua",)),
    ("95", "Papua Pegunungan", ("Highland Papua", "Papua Highlands")),
    ("96", "Papua Barat Daya", ("PBD", "Southwest Papua")),
)

PROVINCES: tuple[Province, ...] = tuple(Province(code, name) for code, name, _ in _DATA)
_BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}

# Where most Indonesian migrant workers come from, for quick-reply buttons.
COMMON_ORIGIN_CODES: tuple[str, ...] = ("32", "33", "35", "52", "53", "12", "18", "31")

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PREFIXES = ("provinsi", "propinsi", "province of", "province", "prov")
_MAX_INPUT = 100
_FUZZY_MIN = 6  # typo tolerance only for names (and aliases) of at least this many letters


def _key(text: str) -> str:
    """Lower case, letters and digits only: 'D.I. Yogyakarta' and 'di yogyakarta' give the same key."""
    words = _NON_ALNUM.sub(" ", text.lower()).split()
    spaced = " ".join(words)
    for prefix in _PREFIXES:
        if spaced.startswith(prefix + " "):
            spaced = spaced[len(prefix) + 1 :]
            break
    return spaced.replace(" ", "")


_BY_KEY: dict[str, str] = {}
for _code, _name, _aliases in _DATA:
    for _text in (_name, *_aliases):
        _BY_KEY[_key(_text)] = _code


def province_by_code(code: str) -> Province | None:
    """The province with this two-digit code, or None."""
    return _BY_CODE.get(code)


def _within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or adjacent swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        if len(diff) != 2:
            return False
        i, j = diff
        return j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def match_province(text: str) -> Province:
    """Match a typed province name, alias or abbreviation; one typo is tolerated in longer names.

    Raises ``Invalid("province_unknown")`` when nothing, or more than one province, matches.
    """
    key = _key(text) if len(text) <= _MAX_INPUT else ""
    code = _BY_KEY.get(key)
    if code is None and len(key) >= _FUZZY_MIN - 1:  # one deletion from a 6-letter name leaves 5
        codes = {c for k, c in _BY_KEY.items() if len(k) >= _FUZZY_MIN and _within_one_edit(key, k)}
        if len(codes) == 1:
            code = codes.pop()
    if code is None:
        raise Invalid("province_unknown")
    return _BY_CODE[code]
