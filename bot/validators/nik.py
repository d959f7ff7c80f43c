"""Indonesian NIK (Nomor Induk Kependudukan): 16 digits PPKKDD DDMMYY SSSS.

Digits 1-2 province, 3-4 regency/city, 5-6 district, 7-12 birth date DDMMYY (DD + 40 for women),
13-16 serial. There is no check digit, so only the structure can be validated.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from bot.validators.errors import Invalid
from bot.validators.provinces import province_by_code

__all__ = ["NikInfo", "parse_nik"]

_SEPARATORS = re.compile(r"[\s.\-]+")
_SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")
_FEMALE_OFFSET = 40


@dataclass(frozen=True, slots=True)
class NikInfo:
    nik: str  # 16 digits, separators removed
    province_code: str  # two digits, a code of bot.validators.provinces
    birth_date_day: int  # 1-31, the 40 added for women already subtracted
    birth_month: int  # 1-12
    birth_yy: int  # 0-99; the century is not encoded
    female: bool


def _day_exists(day: int, month: int, yy: int) -> bool:
    if not 1 <= month <= 12:
        return False
    # Both 19yy and 20yy are leap years when yy % 4 == 0 (2000 was leap; 1900 is too old to matter).
    return 1 <= day <= calendar.monthrange(2000 + yy, month)[1]


def parse_nik(text: str, birth_date: datetime.date | None) -> NikInfo:
    """Validate and decode a NIK; spaces, dots and dashes between digits are ignored.

    Raises ``Invalid`` with ``nik_length``, ``nik_province``, ``nik_date``, ``nik_serial`` or
    ``nik_mismatch`` (only when ``birth_date`` is given and differs from the encoded date).
    """
    nik = _SEPARATORS.sub("", text)
    if not _SIXTEEN_DIGITS.fullmatch(nik):
        raise Invalid("nik_length")
    province_code = nik[:2]
    if province_by_code(province_code) is None:
        raise Invalid("nik_province")
    dd, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = dd > _FEMALE_OFFSET
    day = dd - _FEMALE_OFFSET if female else dd
    if not _day_exists(day, month, yy):
        raise Invalid("nik_date")
    if nik[12:] == "0000":
        raise Invalid("nik_serial")
    encoded = (day, month, yy)
    if birth_date is not None and encoded != (birth_date.day, birth_date.month, birth_date.year % 100):
        raise Invalid("nik_mismatch")
    return NikInfo(
        nik=nik,
        province_code=province_code,
        birth_date_day=day,
        birth_month=month,
        birth_yy=yy,
        female=female,
    )
