"""Birth dates as people type them: day first for numbers, Indonesian or English month names."""

from __future__ import annotations

import datetime
import re

from bot.validators.errors import Invalid

__all__ = ["parse_birth_date"]

MAX_AGE_YEARS = 120
_MAX_INPUT = 64

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "januari january jan",
        "februari pebruari february feb peb",
        "maret march mar",
        "april apr",
        "mei may",
        "juni june jun",
        "juli july jul",
        "agustus august agu agt ags agus aug",
        "september sep sept",
        "oktober october okt oct",
        "november nopember nov nop",
        "desember december des dec",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_ALLOWED = re.compile(r"[0-9a-z\s\-/.,]*")
_TOKEN = re.compile(r"[0-9]+|[a-z]+")
_ORDINAL = re.compile(r"(?<=[0-9])(?:st|nd|rd|th)\b")


def _year(token: str, today: datetime.date) -> int:
    if len(token) == 4:
        return int(token)
    if len(token) == 2:
        yy = int(token)
        return 2000 + yy if yy <= today.year % 100 else 1900 + yy
    raise Invalid("date_format")


def _day_or_month(token: str) -> int:
    if not token.isdigit() or len(token) > 2:
        raise Invalid("date_format")
    return int(token)


def _month_name(token: str) -> int:
    month = _MONTHS.get(token)
    if month is None:
        raise Invalid("date_format")
    return month


def _split(text: str, today: datetime.date) -> tuple[int, int, int]:
    """Return (year, month, day) as typed, not yet checked for being a real date."""
    if len(text) > _MAX_INPUT:
        raise Invalid("date_format")
    s = text.strip().lower()
    if not _ALLOWED.fullmatch(s):
        raise Invalid("date_format")
    s = _ORDINAL.sub("", s)
    tokens = _TOKEN.findall(s)
    shape = "".join("n" if t.isdigit() else "w" for t in tokens)
    if shape == "n" and len(tokens[0]) == 8:  # 17081995, always DDMMYYYY
        t = tokens[0]
        return int(t[4:]), int(t[2:4]), int(t[:2])
    if shape == "nnn":
        if len(tokens[0]) == 4:  # ISO 1995-08-17
            return int(tokens[0]), _day_or_month(tokens[1]), _day_or_month(tokens[2])
        return _year(tokens[2], today), _day_or_month(tokens[1]), _day_or_month(tokens[0])
    if shape == "nwn":  # 17 Agustus 1995
        return _year(tokens[2], today), _month_name(tokens[1]), _day_or_month(tokens[0])
    if shape == "wnn":  # August 17, 1995
        return _year(tokens[2], today), _month_name(tokens[0]), _day_or_month(tokens[1])
    raise Invalid("date_format")


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def parse_birth_date(text: str, today: datetime.date) -> datetime.date:
    """Parse a typed birth date.

    Raises ``Invalid`` with ``date_format``, ``date_impossible``, ``date_future`` or ``date_too_old``.
    """
    year, month, day = _split(text, today)
    try:
        result = datetime.date(year, month, day)
    except ValueError:
        raise Invalid("date_impossible") from None
    if result > today:
        raise Invalid("date_future")
    if result < _years_before(today, MAX_AGE_YEARS):
        raise Invalid("date_too_old")
    return result
