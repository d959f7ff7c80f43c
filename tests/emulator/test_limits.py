"""Telegram's flood limits: bursts per private chat, 20 per minute per group, 30 per second overall."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import Emulator, Limits

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

USER_ID = 1001
GROUP_ID = -1001000000002


async def test_private_chat_allows_a_short_burst_then_429(emu: Emulator, raw: Any) -> None:
    emu.limits = Limits()
    await emu.send_text(emu.user(USER_ID), "hi")
    for _ in range(3):
        await raw.ok("sendMessage", chat_id=USER_ID, text="burst")
    statuses = [(await raw.call("sendMessage", chat_id=USER_ID, text="more"))[0] for _ in range(2)]
    assert statuses == [429, 429]
    status, body = await raw.call("sendLocation", chat_id=USER_ID, latitude=1.0, longitude=1.0)
    assert status == 429 and body["description"] == "Too Many Requests: retry after 1"
    assert body["parameters"] == {"retry_after": 1}
    assert emu.errors_sent[429] == 3
    emu.advance(1.0)  # a second later one more message fits
    assert await raw.ok("sendMessage", chat_id=USER_ID, text="later")
    # edits and other calls are not limited
    assert await raw.ok("getMe")


async def test_group_allows_20_messages_a_minute(emu: Emulator, raw: Any) -> None:
    emu.limits = Limits()
    emu.create_group(GROUP_ID, "Petugas", [emu.user(USER_ID)])
    statuses = [(await raw.call("sendMessage", chat_id=GROUP_ID, text=f"card {i}"))[0] for i in range(25)]
    assert statuses == [200] * 20 + [429] * 5
    status, body = await raw.call("sendMessage", chat_id=GROUP_ID, text="again")
    assert status == 429 and 55 <= body["parameters"]["retry_after"] <= 60
    emu.advance(60)
    assert await raw.ok("sendMessage", chat_id=GROUP_ID, text="a minute later")


async def test_global_limit_and_runtime_changes(emu: Emulator, raw: Any) -> None:
    emu.limits = Limits(global_per_s=5.0)
    for user_id in range(2001, 2008):
        await emu.send_text(emu.user(user_id), "hi")
    statuses = [
        (await raw.call("sendMessage", chat_id=user_id, text="x"))[0] for user_id in range(2001, 2008)
    ]
    assert statuses == [200] * 5 + [429] * 2
    emu.limits = Limits(enabled=False)
    assert all([(await raw.call("sendMessage", chat_id=2001, text="x"))[0] == 200 for _ in range(10)])
