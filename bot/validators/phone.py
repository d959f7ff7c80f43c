"""Phone numbers typed by Indonesians abroad, normalised to E.164 (+62 Indonesia, +855 Cambodia, others)."""

from __future__ import annotations

import re

from bot.validators.errors import Invalid

__all__ = ["is_indonesian_mobile", "normalise_phone"]

_SEPARATORS = re.compile(r"[\s\-.()]+")
_DIGITS = re.compile(r"[0-9]+")
_ID_MOBILE = re.compile(r"\+628[0-9]{8,11}")
_MAX_INPUT = 64


def _drop_trunk_zero(nsn: str) -> str:
    """'+62 (0)812…' is written with the national trunk prefix; drop it once, refuse a second one."""
    if nsn.startswith("0"):
        nsn = nsn[1:]
        if nsn.startswith("0"):
            raise Invalid("phone_format")
    return nsn


def _indonesia(nsn: str) -> str:
    nsn = _drop_trunk_zero(nsn)
    if not 8 <= len(nsn) <= 12:
        raise Invalid("phone_length")
    return "+62" + nsn


def _cambodia(nsn: str) -> str:
    nsn = _drop_trunk_zero(nsn)
    if not 8 <= len(nsn) <= 9:
        raise Invalid("phone_length")
    return "+855" + nsn


def _international(digits: str) -> str:
    """digits: country code and number, after '+' or '00'."""
    if digits.startswith("62"):
        return _indonesia(digits[2:])
    if digits.startswith("855"):
        return _cambodia(digits[3:])
    if digits.startswith("0"):
        raise Invalid("phone_format")
    if not 8 <= len(digits) <= 15:
        raise Invalid("phone_length")
    return "+" + digits


def normalise_phone(text: str) -> str:
    """Return the number in E.164 form, e.g. '0812-3456-7890' -> '+6281234567890'.

    Without a '+' or '00', '62…' and '08…' are Indonesian, '855…' and other '0…' are Cambodian.
    Raises ``Invalid`` with ``phone_format`` (not readable as a number) or ``phone_length``
    (the prefix is recognised but the number of digits is wrong).
    """
    if len(text) > _MAX_INPUT:
        raise Invalid("phone_format")
    s = _SEPARATORS.sub("", text)
    plus = s.startswith("+")
    digits = s[1:] if plus else s
    if not _DIGITS.fullmatch(digits):
        raise Invalid("phone_format")
    if plus:
        return _international(digits)
    if digits.startswith("00"):
        return _international(digits[2:])
    if digits.startswith("62"):
        return _indonesia(digits[2:])
    if digits.startswith("855"):
        return _cambodia(digits[3:])
    if digits.startswith("08"):
        if not 10 <= len(digits) <= 13:
            raise Invalid("phone_length")
        return "+62" + digits[1:]
    if digits.startswith("0"):
        if not 9 <= len(digits) <= 10:
            raise Invalid("phone_length")
        return "+855" + digits[1:]
    raise Invalid("phone_format")


def is_indonesian_mobile(e164: str) -> bool:
    """True for an Indonesian mobile number in E.164 form: '+628' and 9-12 digits after '+62'."""
    return _ID_MOBILE.fullmatch(e164) is not None
