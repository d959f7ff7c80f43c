"""The core's actions as python-telegram-bot Bot calls, and PTB's errors as DeliveryError."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta

from telegram import Bot, InputFile
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBUserWarning

from bot.core.port import DeliveryError
from bot.runtime.calls import Call
from bot.runtime.framework_port import FrameworkPort

CODES: tuple[tuple[type[TelegramError], int], ...] = (
    (Forbidden, 403),
    (BadRequest, 400),  # before NetworkError: PTB makes BadRequest one of them
    (ChatMigrated, 400),
    (EndPointNotFound, 404),
    (Conflict, 409),
)  # anything else (NetworkError, TimedOut, a 5xx answer) is 0: "try again later"


def retry_seconds(exc: RetryAfter) -> float:
    """PTB 22 gives an int (with a deprecation warning) or a timedelta, depending on PTB_TIMEDELTA."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def delivery_error(exc: TelegramError) -> DeliveryError:
    if isinstance(exc, RetryAfter):
        return DeliveryError(429, exc.message, retry_after=retry_seconds(exc))
    if isinstance(exc, InvalidToken):  # PTB's name for both 401 and 404
        return DeliveryError(404 if "not found" in exc.message.lower() else 401, exc.message)
    code = next((code for kind, code in CODES if isinstance(exc, kind)), 0)
    return DeliveryError(code, exc.message)


@contextmanager
def telegram_errors() -> Iterator[None]:
    """PTB's exceptions (it wraps network errors and timeouts in its own) as DeliveryError."""
    try:
        yield
    except TelegramError as exc:
        raise delivery_error(exc) from exc


def plain(status: object) -> str:
    """A status enum member (or string) as its plain value."""
    return str(getattr(status, "value", status))


# The calls are the Bot API's own (bot.runtime.calls), made with do_api_request, which warns that
# PTB has a method of its own for each: those would rebuild the same request from objects.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.", category=PTBUserWarning)


class PtbPort(FrameworkPort):
    """The core's actions as PTB calls; Telegram's errors as DeliveryError."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    def errors(self) -> AbstractContextManager[None]:
        return telegram_errors()

    async def call(self, call: Call) -> int | None:
        params = dict(call.params)
        if call.upload is not None:
            params[call.upload.field] = InputFile(call.upload.content, filename=call.upload.filename)
        result = await self.bot.do_api_request(call.method, api_kwargs=params)
        return int(result["message_id"]) if call.sends and isinstance(result, dict) else None

    async def chat_member_status(self, chat_id: int, user_id: int) -> str:
        member = await self.bot.get_chat_member(chat_id, user_id)
        return plain(member.status)
