"""Indonesian passport numbers: one or two letters then digits, eight characters in all."""

from __future__ import annotations

import re

from bot.validators.errors import Invalid

__all__ = ["parse_passport_number"]

_SEPARATORS = re.compile(r"[\s\-]+")
_PASSPORT = re.compile(r"[A-Z][0-9]{7}|[A-Z]{2}[0-9]{6}")


def parse_passport_number(text: str) -> str:
    """Return the number in upper case without spaces or dashes, e.g. 'b 123-4567' -> 'B1234567'.

    Raises ``Invalid("passport_format")``.
    """
    compact = _SEPARATORS.sub("", text)
    # isascii first: str.upper() turns some non-ASCII letters into ASCII ones ('ı' -> 'I').
    if not compact.isascii():
        raise Invalid("passport_format")
    number = compact.upper()
    if not _PASSPORT.fullmatch(number):
        raise Invalid("passport_format")
    return number
