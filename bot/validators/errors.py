"""The one error type every validator raises, carrying a machine code (never a user-facing text)."""

from __future__ import annotations

__all__ = ["CODES", "Invalid"]

# Every code a validator in this package can raise; the conversation needs a translation for each.
CODES: frozenset[str] = frozenset(
    {
        "date_format",
        "date_impossible",
        "date_future",
        "date_too_old",
        "nik_length",
        "nik_province",
        "nik_date",
        "nik_serial",
        "nik_mismatch",
        "passport_format",
        "phone_format",
        "phone_length",
        "province_unknown",
    }
)


class Invalid(ValueError):
    """The input could not be accepted; ``code`` says why (one of ``CODES``)."""

    code: str

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
