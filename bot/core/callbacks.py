"""Reading the numbers that callback data carries (a case, a broadcast): forged data must not reach
the database as a number it cannot hold, or as a digit of another script ("²", "٣")."""

from __future__ import annotations

import re

_ID = re.compile(r"[0-9]{1,18}")  # below 2**63: a BIGINT on every database, an INTEGER on SQLite


def record_id(text: str) -> int | None:
    """A database id written in callback data, or None when the text is not one."""
    return int(text) if _ID.fullmatch(text) else None
