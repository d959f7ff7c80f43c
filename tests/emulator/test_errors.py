"""Error answers in Telegram's form and wording, and how both frameworks surface them."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import pytest
import telegram
import telegram.error
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from telegram.request import HTTPXRequest

from emulator import Emulator, Limits
from emulator.errors import NOT_MODIFIED

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

USER_ID = 1001


async def _started(emu: Emulator) -> None:
    await emu.send_text(emu.user(USER_ID, first_name="Siti"), "halo")


async def test_bad_requests_use_telegrams_wording(emu: Emulator, raw: Any) -> None:
    await _started(emu)
    card = await raw.ok("sendMessage", chat_id=USER_ID, text="Pilih")
    keyed = await raw.ok(
        "sendMessage",
        chat_id=USER_ID,
        text="K",
        reply_markup={"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
    )
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("sendMessage", {"chat_id": USER_ID}, "message text is empty"),
        ("sendMessage", {"chat_id": USER_ID, "text": "   "}, "message text is empty"),
        ("sendMessage", {"text": "hi"}, "chat_id is empty"),
        ("sendMessage", {"chat_id": 999, "text": "hi"}, "chat not found"),
        ("sendMessage", {"chat_id": USER_ID, "text": "x" * 4097}, "message is too long"),
        (
            "sendMessage",
            {"chat_id": USER_ID, "text": "<b>x</i>", "parse_mode": "HTML"},
            "can't parse entities",
        ),
        (
            "sendMessage",
            {
                "chat_id": USER_ID,
                "text": "k",
                "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "x" * 65}]]},
            },
            "BUTTON_DATA_INVALID",
        ),
        (
            "sendMessage",
            {"chat_id": USER_ID, "text": "r", "reply_to_message_id": 999},
            "message to be replied not found",
        ),
        ("sendLocation", {"chat_id": USER_ID, "latitude": 1.0}, 'parameter "longitude" is required'),
        ("sendDocument", {"chat_id": USER_ID}, "there is no document in the request"),
        (
            "sendDocument",
            {"chat_id": USER_ID, "document": "nope"},
            "wrong file identifier/HTTP URL specified",
        ),
        (
            "editMessageText",
            {"chat_id": USER_ID, "message_id": 999, "text": "x"},
            "message to edit not found",
        ),
        (
            "editMessageText",
            {"chat_id": USER_ID, "message_id": card["message_id"], "text": "Pilih"},
            NOT_MODIFIED,
        ),
        ("editMessageReplyMarkup", {"chat_id": USER_ID, "message_id": card["message_id"]}, NOT_MODIFIED),
        ("editMessageText", {"chat_id": USER_ID, "message_id": 1, "text": "x"}, "message can't be edited"),
        ("deleteMessage", {"chat_id": USER_ID, "message_id": 999}, "message to delete not found"),
        (
            "answerCallbackQuery",
            {"callback_query_id": "12345"},
            "query is too old and response timeout expired or query ID is invalid",
        ),
        ("sendChatAction", {"chat_id": USER_ID, "action": "dancing"}, "wrong parameter action in request"),
    ]
    for method, params, wording in cases:
        status, body = await raw.call(method, **params)
        assert status == 400 and body["ok"] is False and body["error_code"] == 400, (method, params, body)
        assert body["description"].startswith("Bad Request: " + wording), (method, params, body)
    # editing text the same while changing the keyboard is a modification
    assert await raw.ok("editMessageText", chat_id=USER_ID, message_id=keyed["message_id"], text="K")
    assert emu.errors_sent[400] == len(cases)


async def test_deleting_needs_a_young_message_and_answers_once(emu: Emulator, raw: Any) -> None:
    siti = emu.user(USER_ID, first_name="Siti")
    await emu.send_text(siti, "halo")
    old = await raw.ok(
        "sendMessage",
        chat_id=USER_ID,
        text="old",
        reply_markup={"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
    )
    query = await emu.press(siti, USER_ID, old["message_id"], "a")
    assert await raw.ok("answerCallbackQuery", callback_query_id=query["id"]) is True
    status, body = await raw.call("answerCallbackQuery", callback_query_id=query["id"])
    assert status == 400 and "query is too old" in body["description"]

    emu.advance(48 * 3600 + 1)
    status, body = await raw.call("deleteMessage", chat_id=USER_ID, message_id=old["message_id"])
    assert (status, body["description"]) == (400, "Bad Request: message can't be deleted for everyone")
    fresh = await raw.ok("sendMessage", chat_id=USER_ID, text="new")
    assert await raw.ok("deleteMessage", chat_id=USER_ID, message_id=fresh["message_id"]) is True
    assert emu.transcript(USER_ID)[-1].deleted


async def test_401_404_and_403(emu: Emulator, raw: Any) -> None:
    status, body = await raw.call("getMe", token="654321:WRONG-token")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    status, body = await raw.call("sendSomething")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    emu.user(USER_ID, first_name="Siti")
    status, body = await raw.call("sendMessage", chat_id=USER_ID, text="hi")
    assert (status, body["description"]) == (403, "Forbidden: bot can't initiate conversation with a user")
    assert await raw.ok("getme")  # method names are case-insensitive


async def test_blocked_user_raises_each_frameworks_forbidden(
    emu: Emulator, aio_bot: Bot, ptb_bot: telegram.Bot
) -> None:
    await _started(emu)
    card = await aio_bot.send_message(USER_ID, "hi")
    emu.block(USER_ID)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await aio_bot.send_message(USER_ID, "still there?")
    with pytest.raises(telegram.error.Forbidden, match="bot was blocked by the user"):
        await ptb_bot.send_message(USER_ID, "still there?")
    with pytest.raises(telegram.error.Forbidden):
        await ptb_bot.edit_message_text("edit", chat_id=USER_ID, message_id=card.message_id)
    emu.unblock(USER_ID)
    assert (await ptb_bot.send_message(USER_ID, "welcome back")).text == "welcome back"


async def test_429_gives_retry_after_to_both_frameworks(
    emu: Emulator, aio_bot: Bot, ptb_bot: telegram.Bot
) -> None:
    await _started(emu)
    emu.limits = Limits(per_chat_per_s=0.2)
    for _ in range(3):
        await aio_bot.send_message(USER_ID, "burst")
    with pytest.raises(TelegramRetryAfter) as aio_error:
        await aio_bot.send_message(USER_ID, "one too many")
    assert aio_error.value.retry_after == 5
    with pytest.raises(telegram.error.RetryAfter) as ptb_error:
        await ptb_bot.send_message(USER_ID, "one too many")
    assert ptb_error.value._retry_after == dt.timedelta(seconds=5)
    assert emu.errors_sent[429] == 2 and emu.count("sendMessage", status=429) == 2
    emu.inject_fault("sendMessage", kind="error", code=429, retry_after=7)
    emu.limits = Limits(enabled=False)
    with pytest.raises(TelegramRetryAfter) as injected:
        await aio_bot.send_message(USER_ID, "x")
    assert injected.value.retry_after == 7


async def test_error_faults(emu: Emulator, aio_bot: Bot, ptb_bot: telegram.Bot) -> None:
    await _started(emu)
    emu.inject_fault("sendMessage", count=2, code=500)
    with pytest.raises(TelegramServerError):
        await aio_bot.send_message(USER_ID, "a")
    with pytest.raises(telegram.error.NetworkError, match="Internal Server Error"):
        await ptb_bot.send_message(USER_ID, "b")
    assert (await aio_bot.send_message(USER_ID, "c")).text == "c"  # the fault is used up
    emu.inject_fault("*", code=400, description="Bad Request: custom")
    with pytest.raises(TelegramBadRequest, match="custom"):
        await aio_bot.get_me()
    assert [c.status for c in emu.calls[-4:]] == [500, 500, 200, 400]
    assert [e.text for e in emu.bot_messages(USER_ID)] == ["c"]


async def test_hang_and_drop_faults(emu: Emulator, aio_bot: Bot) -> None:
    await _started(emu)
    emu.inject_fault("sendMessage", kind="hang", hang_seconds=30)
    started = time.monotonic()
    with pytest.raises(TelegramNetworkError, match="timeout"):
        await aio_bot.send_message(USER_ID, "slow", request_timeout=1)
    assert 0.9 < time.monotonic() - started < 3
    await emu.wait_for(lambda: emu.count("sendMessage", status=0) == 1, timeout=2)  # the client gave up
    assert emu.bot_messages(USER_ID) == []

    emu.inject_fault("sendMessage", kind="drop")
    with pytest.raises(TelegramNetworkError, match="disconnected"):
        await aio_bot.send_message(USER_ID, "lost")

    ptb = telegram.Bot(emu.token, base_url=f"{emu.api_url}/bot", request=HTTPXRequest(read_timeout=0.5))
    async with ptb:
        emu.inject_fault("sendMessage", kind="hang", hang_seconds=30)
        with pytest.raises(telegram.error.TimedOut):
            await ptb.send_message(USER_ID, "slow")
        emu.inject_fault("sendMessage", kind="drop")
        with pytest.raises(telegram.error.NetworkError):
            await ptb.send_message(USER_ID, "lost")
        emu.inject_fault("getMe", kind="hang", hang_seconds=0.2)
        assert (await ptb.get_me()).username == "hotline_test_bot"  # a short hang, then a normal answer
    assert emu.bot_messages(USER_ID) == []


async def test_stop_ends_hanging_calls_quickly(raw: Any, emu: Emulator) -> None:
    emu.inject_fault("getMe", kind="hang", hang_seconds=60)
    call = asyncio.create_task(raw.call("getMe"))
    await emu.wait_for(lambda: emu.answering("getMe") == 1, what="the call hanging")
    started = time.monotonic()
    await emu.stop()
    assert time.monotonic() - started < 3
    call.cancel()
