"""The core's actions as aiogram Bot calls, and aiogram's errors as DeliveryError."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from aiogram import Bot, methods
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods.base import TelegramMethod
from aiogram.types import BufferedInputFile, Message

from bot.core.port import DeliveryError
from bot.runtime.calls import Call
from bot.runtime.framework_port import FrameworkPort

CODES: tuple[tuple[type[TelegramAPIError], int], ...] = (
    (TelegramForbiddenError, 403),
    (TelegramBadRequest, 400),
    (TelegramMigrateToChat, 400),
    (TelegramNotFound, 404),
    (TelegramUnauthorizedError, 401),
    (TelegramConflictError, 409),
    (TelegramEntityTooLarge, 413),
    (TelegramServerError, 500),
    (TelegramNetworkError, 0),
)


def delivery_error(exc: TelegramAPIError) -> DeliveryError:
    if isinstance(exc, TelegramRetryAfter):
        return DeliveryError(429, exc.message, retry_after=float(exc.retry_after))
    code = next((code for kind, code in CODES if isinstance(exc, kind)), 0)
    return DeliveryError(code, exc.message)


@contextmanager
def telegram_errors() -> Iterator[None]:
    """aiogram's exceptions as DeliveryError."""
    try:
        yield
    except TelegramAPIError as exc:
        raise delivery_error(exc) from exc
    except ClientDecodeError as exc:
        raise DeliveryError(0, f"unreadable answer: {exc.message}") from exc
    except TimeoutError as exc:
        raise DeliveryError(0, "timed out") from exc


def plain(status: object) -> str:
    """A status enum member (or string) as its plain value."""
    return str(getattr(status, "value", status))


# The Bot API's methods as aiogram's method classes ("sendMessage": aiogram.methods.SendMessage)
METHODS: dict[str, type[TelegramMethod[Any]]] = {}


def method_class(name: str) -> type[TelegramMethod[Any]]:
    found = METHODS.get(name)
    if found is None:
        found = METHODS[name] = getattr(methods, name[0].upper() + name[1:])
    return found


class AiogramPort(FrameworkPort):
    """The core's actions as aiogram calls; Telegram's errors as DeliveryError."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    def errors(self) -> AbstractContextManager[None]:
        return telegram_errors()

    async def call(self, call: Call) -> int | None:
        params = dict(call.params)
        if call.upload is not None:
            params[call.upload.field] = BufferedInputFile(call.upload.content, call.upload.filename)
        result = await self.bot(method_class(call.method)(**params))
        return result.message_id if call.sends and isinstance(result, Message) else None

    async def chat_member_status(self, chat_id: int, user_id: int) -> str:
        member = await self.bot.get_chat_member(chat_id, user_id)
        return plain(member.status)
