"""How typed answers are read: each reader turns text into draft fields or raises Invalid(code)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.flow.model import Context
from bot.i18n import N_
from bot.validators import (
    Invalid,
    match_province,
    normalise_phone,
    parse_birth_date,
    parse_nik,
    parse_passport_number,
)

MAX_TEXT = 1000

Reader = Callable[[str, dict[str, Any], Context], dict[str, Any]]


def _place(text: str, data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    if len(text) < 2:
        raise Invalid("place_format")
    return {"place": text}


def _name(text: str, data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    name = " ".join(text.split())
    if len(name) < 2 or len(name) > 256 or not any(ch.isalpha() for ch in name):
        raise Invalid("name_format")
    return {"full_name": name}


def _birth_date(text: str, data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {"birth_date": parse_birth_date(text, ctx.today).isoformat()}


def _nik(text: str, data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    from datetime import date

    born = data.get("birth_date")
    info = parse_nik(text, date.fromisoformat(born) if born else None)
    return {"nik": info.nik, "home_province": info.province_code}  # the NIK says where it was issued


def _number(text: str) -> int:
    digits = re.sub(r"[\s.,]", "", text)
    if not digits.isdigit():
        raise Invalid("count_format")
    value = int(digits)
    if value > 999:
        raise Invalid("count_range")
    return value


def _count(text: str, data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    value = _number(text)
    fields: dict[str, Any] = {"companions": value}
    children = data.get("children")
    if isinstance(children, int) and children > value:  # fewer people now: their children, asked again
        fields["children"] = None
    return fields


def _children(text: str, data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    value = _number(text)
    if value > (data.get("companions") or 0):
        raise Invalid("children_range")
    return {"children": value}


def _city(text: str, data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    city = " ".join(text.split())
    if len(city) < 2 or len(city) > 80 or not any(ch.isalpha() for ch in city):
        raise Invalid("city_format")
    return {"home_city": city}


def _free_text(field: str) -> Reader:
    def read(text: str, data: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {field: text}

    return read


READERS: dict[str, Reader] = {
    "place": _place,
    "name": _name,
    "birth_date": _birth_date,
    "nik": _nik,
    "count": _count,
    "children": _children,
    "city": _city,
    "passport": lambda text, data, ctx: {"passport_number": parse_passport_number(text)},
    "province": lambda text, data, ctx: {"home_province": match_province(text).code},
    "phone": lambda text, data, ctx: {"phone": normalise_phone(text)},
}


def read(reader: str, field: str | None, text: str, data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Read one typed answer; raises Invalid with a code from PROBLEMS."""
    if len(text) > MAX_TEXT:
        raise Invalid("too_long")
    if reader == "free_text":
        return _free_text(field or "notes")(text, data, ctx)
    return READERS[reader](text, data, ctx)


# What the citizen reads for each problem code (msgids).
PROBLEMS: dict[str, str] = {
    "too_long": N_("That is too long. Please keep it under 1,000 characters."),
    "place_format": N_("Please type a few words about the place."),
    "name_format": N_("Please type your name in letters."),
    "date_format": N_("I could not read that date. Please type it like 17-08-1995."),
    "date_impossible": N_("That date does not exist. Please check the day and the month."),
    "date_future": N_("That date is in the future. Please check the year."),
    "date_too_old": N_("Please check the year of birth."),
    "nik_length": N_("A NIK has 16 digits. Please check it, or skip this question."),
    "nik_province": N_("That NIK does not look right. Please check it, or skip this question."),
    "nik_date": N_("That NIK does not look right. Please check it, or skip this question."),
    "nik_serial": N_("That NIK does not look right. Please check it, or skip this question."),
    "nik_mismatch": N_(
        "That NIK does not match your date of birth. Please check both, or skip this question."
    ),
    "passport_format": N_(
        "A passport number has 8 characters, for example A1234567. Please check it, or skip this question."
    ),
    "phone_format": N_("I could not read that number. Please type it like +62 812 3456 7890."),
    "phone_length": N_("That number has too many or too few digits. Please check it."),
    "province_unknown": N_("That province is not on my list. Please choose a button or type the name again."),
    "count_format": N_("Please type a number, for example 3."),
    "count_range": N_("Please type a number from 0 to 999."),
    "children_range": N_("That is more than the Indonesians with you. Please check the number."),
    "city_format": N_("Please type the name of the city or regency, for example Malang."),
    "choose": N_("Please choose one of the buttons."),
    "choose_some": N_("Choose at least one answer, or skip this question."),
    "unsupported": N_(
        "I can only receive text, locations and taps on the buttons. Photos, stickers and voice "
        "messages cannot be received here yet."
    ),
}
