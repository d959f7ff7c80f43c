"""Input validators for the hotline conversation: pure functions, no framework, no user-facing text.

Parsers return a normalised value or raise ``Invalid`` whose ``code`` (one of ``CODES``) the
conversation turns into a translated message.
"""

from bot.validators.dates import parse_birth_date
from bot.validators.errors import CODES, Invalid
from bot.validators.nik import NikInfo, parse_nik
from bot.validators.passport import parse_passport_number
from bot.validators.phone import is_indonesian_mobile, normalise_phone
from bot.validators.provinces import (
    COMMON_ORIGIN_CODES,
    PROVINCES,
    Province,
    match_province,
    province_by_code,
)

__all__ = [
    "CODES",
    "COMMON_ORIGIN_CODES",
    "PROVINCES",
    "Invalid",
    "NikInfo",
    "Province",
    "is_indonesian_mobile",
    "match_province",
    "normalise_phone",
    "parse_birth_date",
    "parse_nik",
    "parse_passport_number",
    "province_by_code",
]
