"""Deleting messages as Telegram allows it: both sides of a private chat, only under 48 hours old,
deleteMessages skipping what it cannot delete, 1 to 100 ids, a group member's message only as admin."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import DEFAULT_TOKEN, Emulator

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

USER_ID = 5001
GROUP = -1001000000077
BOT_ID = int(DEFAULT_TOKEN.split(":")[0])


async def test_a_bot_deletes_both_sides_of_a_private_chat(emu: Emulator, raw: Any) -> None:
    siti = emu.user(USER_ID, first_name="Siti")
    mine = await emu.send_text(siti, "tolong saya")
    answer = await raw.ok("sendMessage", chat_id=USER_ID, text="kami membaca pesan Anda")
    assert await raw.ok("deleteMessage", chat_id=USER_ID, message_id=mine["message_id"]) is True
    assert await raw.ok("deleteMessages", chat_id=USER_ID, message_ids=[answer["message_id"]]) is True
    assert [e.deleted for e in emu.transcript(USER_ID)] == [True, True]
    status, body = await raw.call("deleteMessage", chat_id=USER_ID, message_id=mine["message_id"])
    assert (status, body["description"]) == (400, "Bad Request: message to delete not found")


async def test_delete_messages_skips_those_over_48_hours_old(emu: Emulator, raw: Any) -> None:
    siti = emu.user(USER_ID, first_name="Siti")
    old_in = await emu.send_text(siti, "kemarin dulu")
    old_out = await raw.ok("sendMessage", chat_id=USER_ID, text="jawaban lama")
    emu.advance(48 * 3600 + 1)
    new_in = await emu.send_text(siti, "hari ini")
    new_out = await raw.ok("sendMessage", chat_id=USER_ID, text="jawaban baru")
    ids = [m["message_id"] for m in (old_in, old_out, new_in, new_out)] + [99999]
    assert await raw.ok("deleteMessages", chat_id=USER_ID, message_ids=ids) is True
    deleted = {e.text: e.deleted for e in emu.transcript(USER_ID)}
    assert deleted == {"kemarin dulu": False, "jawaban lama": False, "hari ini": True, "jawaban baru": True}
    status, body = await raw.call("deleteMessage", chat_id=USER_ID, message_id=old_in["message_id"])
    assert (status, body["description"]) == (400, "Bad Request: message can't be deleted for everyone")


async def test_delete_messages_takes_1_to_100_ids(emu: Emulator, raw: Any) -> None:
    await emu.send_text(emu.user(USER_ID, first_name="Siti"), "halo")
    sent = await raw.ok("sendMessage", chat_id=USER_ID, text="satu")
    status, body = await raw.call("deleteMessages", chat_id=USER_ID, message_ids=list(range(1, 102)))
    assert status == 400 and "too many messages to delete" in body["description"]
    status, body = await raw.call("deleteMessages", chat_id=USER_ID, message_ids=[])
    assert status == 400
    status, _ = await raw.call("deleteMessages", chat_id=USER_ID)
    assert status == 400  # message_ids is required
    assert not any(e.deleted for e in emu.transcript(USER_ID))
    assert await raw.ok("deleteMessages", chat_id=USER_ID, message_ids=[sent["message_id"]]) is True


async def test_in_a_group_only_an_admin_bot_deletes_members_messages(emu: Emulator, raw: Any) -> None:
    budi = emu.user(9001, first_name="Budi")
    emu.create_group(GROUP, "Duty officers", [budi])
    said = await emu.send_text(budi, "catatan", chat_id=GROUP)
    status, body = await raw.call("deleteMessage", chat_id=GROUP, message_id=said["message_id"])
    assert (status, body["description"]) == (400, "Bad Request: message can't be deleted")
    own = await raw.ok("sendMessage", chat_id=GROUP, text="kartu")
    assert await raw.ok("deleteMessage", chat_id=GROUP, message_id=own["message_id"]) is True
    emu.set_member(GROUP, BOT_ID, "administrator")
    assert await raw.ok("deleteMessage", chat_id=GROUP, message_id=said["message_id"]) is True
