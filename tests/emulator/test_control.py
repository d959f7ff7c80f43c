"""Test control over HTTP (/_emulator/ and EmulatorClient), and serve() for `hotline emulator`."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from emulator import DEFAULT_TOKEN, Emulator, EmulatorClient, Limits, serve
from emulator.client import EmulatorError

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

USER_ID = 1001
GROUP_ID = -1001000000004


async def test_client_drives_users_and_reads_results(emu: Emulator, raw: Any) -> None:
    async with EmulatorClient(emu.api_url) as client:
        siti = client.user(USER_ID, first_name="Siti", language_code="id")
        start = await client.send_command(siti, "start", args="darurat")
        assert start["text"] == "/start darurat"
        await client.send_location(siti, -6.2, 106.8, live_period=300)
        await client.send_contact(siti, "+62812", "Siti", user_id=USER_ID)
        await client.send_document(siti, "scan.pdf", b"%PDF")
        await client.send_photo(siti, caption="foto")
        await client.send_sticker(siti)
        await client.send_voice(siti)
        await client.update_live_location(siti, 2, -6.21, 106.81)

        card = await raw.ok(
            "sendMessage",
            chat_id=USER_ID,
            text="Kartu",
            reply_markup={"inline_keyboard": [[{"text": "Y", "callback_data": "y"}]]},
        )
        query = await client.press(siti, USER_ID, card["message_id"], "y")
        assert await raw.ok("answerCallbackQuery", callback_query_id=query["id"], text="ok")
        found = await client.wait_for_bot_message(USER_ID, contains="Kartu")
        assert found["message_id"] == card["message_id"] and found["from_bot"]

        transcript = await client.transcript(USER_ID)
        kinds = [e["kind"] for e in transcript]
        assert kinds == ["text", "location", "contact", "document", "photo", "sticker", "voice", "text"]
        assert transcript[3]["document_base64"] == "JVBERg=="

        officer = client.user(7001, first_name="Petugas")
        await client.create_group(GROUP_ID, "Petugas", [officer], admins=[7001])
        group_card = await raw.ok("sendMessage", chat_id=GROUP_ID, text="Kasus")
        reply = await client.reply_to(officer, GROUP_ID, group_card["message_id"], "Saya")
        assert reply["reply_to_message"]["message_id"] == group_card["message_id"]

        await client.block(USER_ID)
        assert (await raw.call("sendMessage", chat_id=USER_ID, text="x"))[0] == 403
        await client.unblock(USER_ID)

        await client.inject_fault("getMe", code=502)
        assert (await raw.call("getMe"))[0] == 502
        limits = await client.set_limits(per_chat_per_s=2.0, enabled=True)
        assert limits["per_chat_per_s"] == 2.0 and emu.limits.enabled

        stats = await client.stats()
        assert stats["counts"]["sendMessage"] == 3 and stats["errors_sent"] == {"403": 1, "502": 1}
        assert stats["callback_answers"][0]["text"] == "ok" and stats["pending_updates"] == 12
        assert stats["webhook"]["url"] == ""

        with pytest.raises(EmulatorError, match="not a member"):
            await client.send_text(siti, "hi", chat_id=GROUP_ID)
        await client.advance(10)
        await client.reset()
        assert await client.transcript(USER_ID) == []
        with pytest.raises(TimeoutError):
            await client.wait_for_bot_message(USER_ID, timeout=0.1)


async def test_serve_prints_the_url_and_runs_until_cancelled(capsys: pytest.CaptureFixture[str]) -> None:
    task = asyncio.create_task(serve("127.0.0.1", 0, DEFAULT_TOKEN, Limits(enabled=False)))
    url = ""
    for _ in range(100):
        await asyncio.sleep(0.02)
        match = re.search(r"api_url=(\S+) token=(\S+)", capsys.readouterr().out)
        if match:
            url = match.group(1)
            assert match.group(2) == DEFAULT_TOKEN
            break
    assert url.startswith("http://127.0.0.1:")
    async with EmulatorClient(url) as client:
        assert (await client.stats())["calls"] == []
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
