"""The core's actions as python-telegram-bot Bot calls, and PTB's errors as DeliveryError."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
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

from bot.core import actions as a
from bot.core.port import DeliveryError

NOT_MODIFIED = "message is not modified"
CODES: tuple[tuple[type[TelegramError], int], ...] = (
    (Forbidden, 403),
    (BadRequest, 400),  # before NetworkError: PTB makes BadRequest one of them
    (ChatMigrated, 400),
    (EndPointNotFound, 404),
    (Conflict, 409),
)  # anything else (NetworkError, TimedOut, a 5xx answer) is 0: "try again later"
Keyboard = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


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


def inline(keyboard: a.InlineKeyboard | None) -> InlineKeyboardMarkup | None:
    if keyboard is None:
        return None
    rows = [
        [
            InlineKeyboardButton(b.text, url=b.url)
            if b.url
            else InlineKeyboardButton(b.text, callback_data=b.data)
            for b in row
        ]
        for row in keyboard.rows
    ]
    return InlineKeyboardMarkup(rows)


def markup(value: a.Markup | None) -> Keyboard | None:
    if isinstance(value, a.ReplyKeyboard):
        rows = [
            [
                KeyboardButton(
                    b.text,
                    request_location=b.request_location or None,
                    request_contact=b.request_contact or None,
                )
                for b in row
            ]
            for row in value.rows
        ]
        return ReplyKeyboardMarkup(
            rows,
            one_time_keyboard=value.one_time,
            resize_keyboard=value.resize,
            input_field_placeholder=value.placeholder,
        )
    if isinstance(value, a.RemoveKeyboard):
        return ReplyKeyboardRemove()
    return inline(value)


def reply_to(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)


class PtbPort:
    """The core's actions as PTB Bot calls; Telegram's errors as DeliveryError."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def perform(self, action: a.Action) -> int | None:
        try:
            with telegram_errors():
                return await self._perform(action)
        except DeliveryError as exc:
            if exc.code == 400 and NOT_MODIFIED in exc.description.lower():
                return None  # an edit that changes nothing is no error
            raise

    async def member_status(self, chat_id: int, user_id: int) -> str:
        with telegram_errors():
            member = await self.bot.get_chat_member(chat_id, user_id)
        return plain(member.status)

    async def _perform(self, action: a.Action) -> int | None:
        bot = self.bot
        if isinstance(action, a.SendMessage):
            sent = await bot.send_message(
                action.chat_id,
                action.text,
                message_thread_id=action.thread_id,
                protect_content=action.protect_content,
                reply_parameters=reply_to(action.reply_to),
                reply_markup=markup(action.markup),
            )
            return sent.message_id
        if isinstance(action, a.EditMessage):
            await bot.edit_message_text(
                action.text,
                chat_id=action.chat_id,
                message_id=action.message_id,
                reply_markup=inline(action.markup),
            )
        elif isinstance(action, a.EditMarkup):
            await bot.edit_message_reply_markup(
                chat_id=action.chat_id, message_id=action.message_id, reply_markup=inline(action.markup)
            )
        elif isinstance(action, a.DeleteMessages):
            ids = list(action.message_ids)
            if len(ids) == 1:
                await bot.delete_message(action.chat_id, ids[0])
            else:
                for start in range(0, len(ids), 100):  # deleteMessages takes at most 100
                    await bot.delete_messages(action.chat_id, ids[start : start + 100])
        elif isinstance(action, a.AnswerCallback):
            await bot.answer_callback_query(action.callback_id, text=action.text, show_alert=action.alert)
        elif isinstance(action, a.SendLocation):
            sent = await bot.send_location(
                action.chat_id,
                action.latitude,
                action.longitude,
                message_thread_id=action.thread_id,
                reply_parameters=reply_to(action.reply_to),
            )
            return sent.message_id
        elif isinstance(action, a.SendDocument):
            sent = await bot.send_document(
                action.chat_id,
                InputFile(action.content, filename=action.filename),
                caption=action.caption,
                protect_content=action.protect_content,
                message_thread_id=action.thread_id,
            )
            return sent.message_id
        return None
