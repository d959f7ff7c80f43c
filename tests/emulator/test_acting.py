"""Acting as users and reading transcripts: what a test of the bot relies on."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import Emulator

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

USER_ID = 1001
GROUP_ID = -1001000000003


async def test_transcript_records_both_sides_with_edits_and_deletions(emu: Emulator, raw: Any) -> None:
    siti = emu.user(USER_ID, first_name="Siti")
    hello = await emu.send_text(siti, "halo")
    keyboard = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    card = await raw.ok(
        "sendMessage",
        chat_id=USER_ID,
        text="Kartu",
        reply_markup=keyboard,
        protect_content=True,
        reply_parameters={"message_id": hello["message_id"]},
    )
    await raw.ok("editMessageText", chat_id=USER_ID, message_id=card["message_id"], text="Kartu v2")
    await raw.ok("editMessageText", chat_id=USER_ID, message_id=card["message_id"], text="Kartu v3")
    note = await raw.ok("sendMessage", chat_id=USER_ID, text="sementara")
    await raw.ok("deleteMessage", chat_id=USER_ID, message_id=note["message_id"])
    await emu.send_document(siti, "scan.pdf", b"%PDF-1 scan", caption="paspor")

    entries = emu.transcript(USER_ID)
    assert [(e.from_bot, e.kind) for e in entries] == [
        (False, "text"),
        (True, "text"),
        (True, "text"),
        (False, "document"),
    ]
    first, bot_card, deleted, document = entries
    assert first.text == "halo" and first.raw["from"]["first_name"] == "Siti"
    assert bot_card.text == "Kartu v3" and bot_card.edits == ["Kartu", "Kartu v2"]
    assert bot_card.reply_markup is None  # editing text without reply_markup removes the keyboard
    assert bot_card.protect_content and bot_card.reply_to_message_id == hello["message_id"]
    assert deleted.deleted and deleted.text == "sementara"
    assert (document.document, document.filename, document.caption) == (b"%PDF-1 scan", "scan.pdf", "paspor")
    assert [e.text for e in emu.bot_messages(USER_ID)] == ["Kartu v3"]
    waited = await emu.wait_for_bot_message(USER_ID, contains="v3")
    assert waited is bot_card
    with pytest.raises(TimeoutError, match="no bot message"):
        await emu.wait_for_bot_message(USER_ID, after=bot_card.message_id, timeout=0.1)


async def test_groups_privacy_mode_and_officer_replies(emu: Emulator, raw: Any) -> None:
    officer, other = emu.user(7001, first_name="Petugas"), emu.user(7002, first_name="Lain")
    emu.create_group(GROUP_ID, "Petugas KBRI", [officer])
    with pytest.raises(ValueError, match="not a member"):
        await emu.send_text(other, "hi", chat_id=GROUP_ID)
    card = await raw.ok("sendMessage", chat_id=GROUP_ID, text="Kasus baru #12")
    await emu.send_text(officer, "obrolan biasa", chat_id=GROUP_ID)  # privacy mode: the bot does not see it
    await emu.send_command(officer, "status", chat_id=GROUP_ID)
    reply = await emu.reply_to(officer, GROUP_ID, card["message_id"], "Saya tangani")
    updates = await raw.ok("getUpdates")
    texts = [u["message"]["text"] for u in updates]
    assert texts == ["/status", "Saya tangani"]
    assert updates[1]["message"]["reply_to_message"]["message_id"] == card["message_id"]
    assert reply["chat"] == {"id": GROUP_ID, "type": "supergroup", "title": "Petugas KBRI"}
    assert len(emu.transcript(GROUP_ID)) == 4  # the transcript still has every message


async def test_private_messages_need_a_first_contact_and_respect_blocking(emu: Emulator, raw: Any) -> None:
    siti = emu.user(USER_ID, first_name="Siti")
    assert (await raw.call("sendMessage", chat_id=USER_ID, text="hi"))[0] == 403
    await emu.send_command(siti, "start")
    assert await raw.ok("sendMessage", chat_id=USER_ID, text="hi")
    emu.block(USER_ID)
    status, body = await raw.call("sendMessage", chat_id=USER_ID, text="hi")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    await emu.send_text(siti, "maaf, saya kembali")  # writing again unblocks the bot
    assert await raw.ok("sendMessage", chat_id=USER_ID, text="selamat datang")
    kinds = [next(k for k in u if k != "update_id") for u in await raw.ok("getUpdates")]
    assert kinds == ["message", "my_chat_member", "my_chat_member", "message"]


async def test_pressing_needs_an_existing_button(emu: Emulator, raw: Any) -> None:
    siti = emu.user(USER_ID, first_name="Siti")
    await emu.send_text(siti, "halo")
    card = await raw.ok(
        "sendMessage",
        chat_id=USER_ID,
        text="k",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    )
    with pytest.raises(ValueError, match="no inline button"):
        await emu.press(siti, USER_ID, card["message_id"], "b")
    await raw.ok("editMessageReplyMarkup", chat_id=USER_ID, message_id=card["message_id"])
    with pytest.raises(ValueError, match="no inline button"):
        await emu.press(siti, USER_ID, card["message_id"], "a")
    forced = await emu.press(
        siti, USER_ID, card["message_id"], "a", force=True
    )  # a stale press racing an edit
    assert forced["data"] == "a" and "reply_markup" not in forced["message"]


async def test_live_location_edits_and_expiry(emu: Emulator) -> None:
    siti = emu.user(USER_ID, first_name="Siti")
    live = await emu.send_location(siti, -6.2, 106.8, live_period=60)
    moved = await emu.update_live_location(siti, live["message_id"], -6.25, 106.85)
    assert (
        moved["location"] == {"latitude": -6.25, "longitude": 106.85, "live_period": 60}
        and moved["edit_date"]
    )
    entry = emu.transcript(USER_ID)[0]
    assert (entry.latitude, entry.longitude) == (-6.25, 106.85)
    emu.advance(61)
    with pytest.raises(ValueError, match="expired"):
        await emu.update_live_location(siti, live["message_id"], -6.3, 106.9)


async def test_reset_forgets_everything_but_keeps_serving(emu: Emulator, raw: Any) -> None:
    await emu.send_text(emu.user(USER_ID), "hi")
    await raw.ok("sendMessage", chat_id=USER_ID, text="x")
    emu.inject_fault("getMe", code=500)
    emu.reset()
    assert emu.transcript(USER_ID) == [] and emu.calls == [] and emu.pending_updates == 0
    assert await raw.ok("getMe")  # the fault is gone too
    assert (await raw.call("sendMessage", chat_id=USER_ID, text="x"))[0] == 400  # chat forgotten


async def test_a_bot_removed_from_a_group_can_no_longer_post_there(emu: Emulator, raw: Any) -> None:
    officer = emu.user(7001, first_name="Petugas")
    emu.create_group(GROUP_ID, "Petugas KBRI", [officer], admins=[officer])
    emu.set_member(GROUP_ID, emu.bot_id, "kicked")
    status, body = await raw.call("sendMessage", chat_id=GROUP_ID, text="Kasus")
    assert (status, body["description"]) == (403, "Forbidden: bot was kicked from the supergroup chat")
    await emu.send_command(officer, "status", chat_id=GROUP_ID)
    assert await raw.ok("getUpdates") == []
    emu.set_member(GROUP_ID, emu.bot_id, "administrator")  # an admin bot sees every message
    await emu.send_text(officer, "obrolan", chat_id=GROUP_ID)
    assert [u["message"]["text"] for u in await raw.ok("getUpdates")] == ["obrolan"]
    member = await raw.ok("getChatMember", chat_id=GROUP_ID, user_id=emu.bot_id)
    assert member["status"] == "administrator" and member["user"]["is_bot"] is True
