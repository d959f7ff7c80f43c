"""Webhook mode: the emulator posts updates to the runtime's own web server, which checks the secret."""

from __future__ import annotations

import logging
from collections.abc import Callable

import aiohttp
import pytest

from bot.config import Settings
from tests.runtime.conftest import SECRET, Serve, start_and_agree

CHAT = 1001


def url(settings: Settings, path: str) -> str:
    return f"http://{settings.webhook_host}:{settings.webhook_port}{path}"


async def test_start_works_by_webhook(serve: Serve, make_settings: Callable[..., Settings]) -> None:
    served = await serve(make_settings(webhook=True))
    emu = served.emu
    info = emu.webhook_info()
    assert info["url"] == served.settings.webhook_url
    assert set(info["allowed_updates"]) == {"message", "edited_message", "callback_query"}
    siti = emu.user(CHAT, first_name="Siti", language_code="en")
    await start_and_agree(emu, siti, CHAT)
    await emu.wait_for(lambda: emu.webhook_deliveries == 2, timeout=5)  # answered once handled
    assert emu.count("getUpdates") == 0


async def test_a_tap_is_answered_in_the_webhooks_own_reply(
    serve: Serve, make_settings: Callable[..., Settings]
) -> None:
    """No request of its own: the answer to a tap rides in the 200 that ends the webhook request, with
    its notice when it has one; Telegram (here the emulator) carries it out."""
    served = await serve(make_settings(webhook=True))
    emu = served.emu
    siti = emu.user(CHAT, first_name="Siti", language_code="en")
    welcome = await start_and_agree(emu, siti, CHAT)
    await emu.wait_for(lambda: len(emu.callback_answers) == 1, timeout=5)
    await emu.press(siti, CHAT, welcome.message_id, "f:welcome:agree", force=True)  # a stale button
    await emu.wait_for(lambda: len(emu.callback_answers) == 2, timeout=5)
    assert [a["text"] for a in emu.callback_answers] == [None, "This question is already answered."]
    assert emu.webhook_answers == ["answerCallbackQuery", "answerCallbackQuery"]
    assert emu.count("answerCallbackQuery", 200) == 2  # carried out, each once


async def test_the_webhook_refuses_a_wrong_or_missing_secret(
    serve: Serve, make_settings: Callable[..., Settings]
) -> None:
    served = await serve(make_settings(webhook=True))
    emu = served.emu
    emu.user(CHAT, first_name="Siti", language_code="en")
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": CHAT, "type": "private"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Siti", "language_code": "en"},
            "text": "/start",
        },
    }
    hook = url(served.settings, "/webhook")
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
            async with http.post(hook, json=update, headers=headers) as answer:
                assert answer.status == 403
        right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with http.post(hook, data=b"not json", headers=right) as answer:
            assert answer.status == 400
        async with http.get(url(served.settings, "/health")) as answer:
            assert answer.status == 200
            assert await answer.json() == {"status": "ok", "database": "reachable", "role": "sender"}
    assert emu.bot_messages(CHAT) == []  # nothing was taken from the forged requests


async def test_faulty_updates_by_webhook_are_dropped_and_the_next_one_is_served(
    serve: Serve, make_settings: Callable[..., Settings]
) -> None:
    served = await serve(make_settings(webhook=True))
    emu = served.emu
    siti = emu.user(CHAT, first_name="Siti", language_code="en")
    person = {"id": CHAT, "is_bot": False, "first_name": "Siti"}
    faulty = [
        {
            "update_id": 1,
            "message": {"message_id": 1, "date": 0, "from": person, "text": "/start"},
        },  # no chat
        {"update_id": 2, "message": "not an object"},
        {
            "update_id": 3,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": CHAT, "type": "private"},
                "from": person,
                "text": 5,
            },
        },
        {"update_id": 4, "brand_new_kind": {"x": 1}},
        {"no_update_id": True},
    ]
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        for update in faulty:
            async with http.post(url(served.settings, "/webhook"), json=update, headers=headers) as answer:
                assert answer.status == 200  # an error would make Telegram send it again forever
    await emu.send_command(siti, "start")
    await emu.wait_for_bot_message(CHAT, contains="Do you agree to continue?")
    assert len(emu.bot_messages(CHAT)) == 1
    assert not served.task.done()


async def test_an_update_is_answered_only_once_its_replies_are_sent(
    serve: Serve, make_settings: Callable[..., Settings]
) -> None:
    """Telegram sends a chat's next update after the answer: with several workers behind one address,
    that keeps a chat in order only if the answer waits for the update's replies."""
    served = await serve(make_settings(webhook=True))
    emu = served.emu
    siti = emu.user(CHAT, first_name="Siti", language_code="en")
    await emu.send_command(siti, "start")
    await emu.wait_for_bot_message(CHAT, contains="Do you agree to continue?")
    before = len(emu.bot_messages(CHAT))
    update = {
        "update_id": 900,
        "message": {
            "message_id": 900,
            "date": 0,
            "chat": {"id": CHAT, "type": "private"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Siti", "language_code": "en"},
            "text": "/help",
        },
    }
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        async with http.post(url(served.settings, "/webhook"), json=update, headers=headers) as answer:
            assert answer.status == 200
        answered = len(emu.bot_messages(CHAT))
        assert answered > before  # the reply was sent before the answer
        async with http.post(url(served.settings, "/webhook"), json=update, headers=headers) as answer:
            assert answer.status == 200  # the same update again (a retry): answered, not handled twice
    assert len(emu.bot_messages(CHAT)) == answered


async def test_refusals_are_logged_sparingly_and_a_deep_body_is_a_400(
    serve: Serve, make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    """600 forged requests make a line or two in the log, not 600; a body nested 50,000 deep is
    refused (400), not a 500."""
    served = await serve(make_settings(webhook=True))
    hook = url(served.settings, "/webhook")
    caplog.set_level(logging.WARNING, logger="bot.runtime.webhook")
    deep = "[" * 50_000 + "]" * 50_000
    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            async with http.post(
                hook, json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
            ) as answer:
                assert answer.status == 403
        right = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
        async with http.post(hook, data=deep.encode(), headers=right) as answer:
            assert answer.status == 400
    lines = [r for r in caplog.records if "refused" in r.getMessage()]
    assert 1 <= len(lines) <= 2
