"""Receiving updates: long polling, offsets, allowed_updates, conflicts, and webhook delivery."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from aiohttp import web

from emulator import Emulator
from emulator.errors import WEBHOOK_CONFLICT

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

USER_ID = 1001


async def test_long_poll_wakes_at_once_on_a_new_update(emu: Emulator, aio_bot: Bot) -> None:
    siti = emu.user(USER_ID, first_name="Siti")
    poll = asyncio.create_task(aio_bot.get_updates(timeout=10))
    await emu.wait_for(lambda: emu.answering("getUpdates") == 1, what="the long poll held open")
    await asyncio.sleep(0.1)  # real time: held open while nothing happens
    assert not poll.done() and emu.answering("getUpdates") == 1  # seen, not answered yet
    sent_at = time.monotonic()
    await emu.send_text(siti, "tolong")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - sent_at < 0.3
    assert [u.message.text for u in updates if u.message] == ["tolong"]


async def test_long_poll_ends_empty_when_its_timeout_passes(raw: Any) -> None:
    started = time.monotonic()
    assert await raw.ok("getUpdates", timeout=1) == []
    assert 0.9 < time.monotonic() - started < 1.5


async def test_offset_limit_and_allowed_updates(emu: Emulator, raw: Any) -> None:
    siti = emu.user(USER_ID, first_name="Siti")
    for text in ("a", "b", "c"):
        await emu.send_text(siti, text)
    first_two = await raw.ok("getUpdates", limit=2)
    assert [u["message"]["text"] for u in first_two] == ["a", "b"]
    rest = await raw.ok("getUpdates", offset=first_two[-1]["update_id"] + 1)
    assert [u["message"]["text"] for u in rest] == ["c"]
    assert await raw.ok("getUpdates", offset=-1) == rest  # the last one is still unconfirmed
    assert await raw.ok("getUpdates", offset=rest[-1]["update_id"] + 1) == []

    assert await raw.ok("getUpdates", allowed_updates=["callback_query"]) == []
    card = await raw.ok(
        "sendMessage",
        chat_id=USER_ID,
        text="k",
        reply_markup={"inline_keyboard": [[{"text": "y", "callback_data": "y"}]]},
    )
    await emu.send_text(siti, "filtered out")
    await emu.press(siti, USER_ID, card["message_id"], "y")
    updates = await raw.ok("getUpdates")  # the setting is remembered
    assert [next(k for k in u if k != "update_id") for u in updates] == ["callback_query"]


async def test_a_second_poller_terminates_the_first(emu: Emulator, raw: Any, aio_bot: Bot) -> None:
    first = asyncio.create_task(aio_bot.get_updates(timeout=5))
    await emu.wait_for(lambda: emu.answering("getUpdates") == 1, what="the first poll held open")
    second = asyncio.create_task(raw.call("getUpdates", timeout=1))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 2)
    assert (await second)[0] == 200


class Hook:
    """A tiny webhook endpoint: records updates, fails the first `failures` deliveries."""

    def __init__(self, failures: int = 0, answer: dict[str, Any] | None = None) -> None:
        self.failures = failures
        self.answer = answer
        self.received: list[dict[str, Any]] = []
        self.secrets: list[str | None] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        self.received.append(json.loads(await request.read()))
        if self.answer is not None:
            body = self.answer
            self.answer = None
            return web.json_response(body)
        return web.Response()


@pytest.fixture
async def hook_server() -> AsyncIterator[tuple[Hook, str, list[Hook]]]:
    hooks: list[Hook] = [Hook()]

    async def route(request: web.Request) -> web.Response:
        return await hooks[0].handle(request)

    app = web.Application()
    app.router.add_post("/hook", route)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield hooks[0], f"http://127.0.0.1:{port}/hook", hooks
    finally:
        await runner.cleanup()


async def test_webhook_delivers_in_order_with_the_secret_and_retries(
    emu: Emulator, raw: Any, hook_server: tuple[Hook, str, list[Hook]]
) -> None:
    _, url, hooks = hook_server
    hook = hooks[0] = Hook(failures=2)
    siti = emu.user(USER_ID, first_name="Siti")
    await emu.send_text(siti, "one")
    assert await raw.ok("setWebhook", url=url, secret_token="rahasia-123")
    await emu.send_text(siti, "two")
    await emu.send_text(siti, "three")
    await emu.wait_for(lambda: len(hook.received) == 3, timeout=5)
    assert [u["message"]["text"] for u in hook.received] == ["one", "two", "three"]
    assert set(hook.secrets) == {"rahasia-123"} and len(hook.secrets) == 5
    info = await raw.ok("getWebhookInfo")
    assert info["pending_update_count"] == 0 and info["url"] == url
    assert info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    assert emu.webhook_deliveries == 3

    status, body = await raw.call("getUpdates")
    assert status == 409 and body["description"] == WEBHOOK_CONFLICT
    assert await raw.ok("deleteWebhook")
    await emu.send_text(siti, "polling again")
    assert [u["message"]["text"] for u in await raw.ok("getUpdates")] == ["polling again"]


async def test_webhook_keeps_updates_while_the_bot_is_down(emu: Emulator, raw: Any) -> None:
    siti = emu.user(USER_ID, first_name="Siti")
    assert await raw.ok("setWebhook", url="http://127.0.0.1:9/nothing-listens")
    await emu.send_text(siti, "one")
    await emu.send_text(siti, "two")
    await emu.wait_for(lambda: emu.webhook_info().get("last_error_message") is not None, timeout=3)
    assert (await raw.ok("getWebhookInfo"))["pending_update_count"] == 2
    assert await raw.ok("setWebhook", url="http://127.0.0.1:9/x", drop_pending_updates=True)
    assert (await raw.ok("getWebhookInfo"))["pending_update_count"] == 0
    status, _ = await raw.call("setWebhook", url="http://example.com/hook")
    assert status == 400  # plain http only on loopback


async def test_webhook_answer_can_carry_a_method_call(
    emu: Emulator, raw: Any, hook_server: tuple[Hook, str, list[Hook]]
) -> None:
    _, url, hooks = hook_server
    hook = hooks[0] = Hook(answer={"method": "sendMessage", "chat_id": USER_ID, "text": "Siap membantu"})
    await emu.send_text(emu.user(USER_ID, first_name="Siti"), "halo")
    assert await raw.ok("setWebhook", url=url)
    reply = await emu.wait_for_bot_message(USER_ID, contains="Siap")
    assert reply.text == "Siap membantu" and len(hook.received) == 1
