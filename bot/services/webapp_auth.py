"""Who opened the console inside Telegram: a Mini App's init data, checked the way Telegram documents
it ("Validating data received via the Mini App").

Telegram hands the Mini App a query string (`tgWebAppData` in the page's fragment) that it signed:
`hash` is HMAC-SHA256 of the data-check-string (every other field as `key=value`, sorted by key,
joined by newlines) under a secret key, itself HMAC-SHA256 of the bot's token under the key
"WebAppData". Only Telegram and this bot know the token, so a valid hash means Telegram says who the
user is. The data can be replayed by whoever holds it, so it counts only for a few minutes after
`auth_date`. Nothing here logs or keeps the data itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import parse_qsl

WEBAPP_MINUTES = 5  # how long after Telegram signed it the data opens a session
SKEW = timedelta(seconds=30)  # Telegram's clock a little ahead of ours is no forgery
MAX_LENGTH = 8192  # Telegram's init data is a few hundred characters; far more is not Telegram's
MAX_FIELDS = 32
_HASH = re.compile(r"[0-9a-f]{64}")


class Refusal(StrEnum):
    MALFORMED = "malformed"  # not a query string, a key twice, no hash, no auth_date
    FORGED = "forged"  # the hash does not match: not signed with this bot's token, or changed since
    STALE = "stale"  # signed longer ago than WEBAPP_MINUTES
    FUTURE = "future"  # signed "later" than now: not a clock Telegram keeps
    NO_USER = "no_user"  # no user, or one without a numeric id
    NOT_ALLOWED = "not_allowed"  # a real user, but not staff, a supervisor or an officer
    OFF = "off"  # this hotline has no bot token to check with


class InitDataRefused(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class WebAppUser:
    """The Telegram user the init data names, once its signature is checked."""

    user_id: int
    name: str
    language_code: str | None


def webapp_key(bot_token: str) -> bytes:
    """The secret key init data is signed with: the token itself need not be kept around."""
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _fields(init_data: str) -> dict[str, str]:
    if not init_data or len(init_data) > MAX_LENGTH:
        raise InitDataRefused(Refusal.MALFORMED)
    try:
        pairs = parse_qsl(
            init_data, keep_blank_values=True, strict_parsing=True, errors="strict", max_num_fields=MAX_FIELDS
        )
    except ValueError:  # also UnicodeDecodeError: bytes that are not UTF-8
        raise InitDataRefused(Refusal.MALFORMED) from None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a key twice: which one did Telegram sign?
        raise InitDataRefused(Refusal.MALFORMED)
    return fields


def check_init_data(
    init_data: str, key: bytes, now: datetime, max_age: timedelta = timedelta(minutes=WEBAPP_MINUTES)
) -> WebAppUser:
    """The user Telegram signed this init data for; InitDataRefused when it is not Telegram's,
    not for this bot, changed, too old, from the future, or names no user."""
    fields = _fields(init_data)
    received = fields.pop("hash", "")
    if not _HASH.fullmatch(received):
        raise InitDataRefused(Refusal.MALFORMED)
    check = "\n".join(f"{name}={fields[name]}" for name in sorted(fields))
    expected = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, received):
        raise InitDataRefused(Refusal.FORGED)
    # signed by Telegram from here on: what follows is about its age and its contents
    signed = fields.get("auth_date", "")
    if not signed.isdigit() or len(signed) > 12:
        raise InitDataRefused(Refusal.MALFORMED)
    at = datetime.fromtimestamp(int(signed), UTC)
    if at - now > SKEW:
        raise InitDataRefused(Refusal.FUTURE)
    if now - at > max_age:
        raise InitDataRefused(Refusal.STALE)
    return _user(fields.get("user"))


def _user(value: str | None) -> WebAppUser:
    try:
        user = json.loads(value) if value else None
    except ValueError:
        user = None
    if not isinstance(user, dict):
        raise InitDataRefused(Refusal.NO_USER)
    user_id = user.get("id")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise InitDataRefused(Refusal.NO_USER)
    parts = [user.get("first_name"), user.get("last_name")]
    name = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    code = user.get("language_code")
    return WebAppUser(user_id, name[:128], code if isinstance(code, str) else None)


def console_language(language_code: str | None) -> str:
    """The console's language for a Telegram user: English for English speakers, else Indonesian."""
    return "en" if language_code and language_code.lower().startswith("en") else "id"


def claimed_language(init_data: str) -> str:
    """The language the (unchecked) init data names: only to word a refusal the person can read."""
    try:
        user = json.loads(dict(parse_qsl(init_data[:MAX_LENGTH])).get("user", ""))
    except ValueError:
        return "id"
    code = user.get("language_code") if isinstance(user, dict) else None
    return console_language(code if isinstance(code, str) else None)
