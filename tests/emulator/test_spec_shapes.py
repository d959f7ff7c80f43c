"""Every object the emulator answers carries Telegram's required fields with the right JSON types.

The reference is the machine-readable Bot API description (version 10.1); unknown fields fail too.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator import Emulator
from emulator.media import TINY_PNG
from emulator.spec import METHODS

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

USER_ID = 1001
GROUP_ID = -1001000000001


def _kind(types: list[str]) -> str:
    known: dict[tuple[str, ...], str] = {
        ("Integer",): "int",
        ("String",): "str",
        ("Boolean",): "bool",
        ("Float",): "float",
    }
    if tuple(types) in known:
        return known[tuple(types)]
    if tuple(types) == ("Integer", "String"):
        return "chat"
    return "file" if "InputFile" in types else "json"


def test_parameter_table_matches_the_description(api_spec: dict[str, Any]) -> None:
    legacy = {"reply_to_message_id", "allow_sending_without_reply", "disable_web_page_preview"}
    for method, params in METHODS.items():
        documented = {f["name"]: f for f in api_spec["methods"][method].get("fields", [])}
        assert set(params) - legacy == set(documented), method
        for name, field in documented.items():
            assert (params[name].kind, params[name].required) == (_kind(field["types"]), field["required"]), (
                method,
                name,
            )


async def test_every_answer_matches_the_description(emu: Emulator, raw: Any, shapes: Any) -> None:
    siti = emu.user(USER_ID, first_name="Siti", last_name="Rahayu", username="siti_r", language_code="id")
    budi = emu.user(1002, first_name="Budi")
    emu.create_group(GROUP_ID, "Petugas", [siti, budi], is_forum=True, admins=[budi])
    live = await emu.send_location(siti, -6.2, 106.8, live_period=900)
    await emu.send_command(siti, "start", args="x")
    await emu.send_contact(siti, "+62812", "Siti", user_id=USER_ID)
    await emu.send_document(siti, "scan.pdf", b"%PDF")
    await emu.send_photo(siti, caption="foto")
    await emu.send_sticker(siti)
    await emu.send_voice(siti)

    shapes.check(await raw.ok("getMe"), "User")
    inline = {
        "inline_keyboard": [[{"text": "Ya", "callback_data": "yes"}, {"text": "Web", "url": "https://x.id"}]]
    }
    card = await raw.ok(
        "sendMessage", chat_id=USER_ID, text="<b>Halo</b> Siti", parse_mode="HTML", reply_markup=inline
    )
    shapes.check(card, "Message")
    assert card["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    replied = await raw.ok(
        "sendMessage", chat_id=USER_ID, text="Balas", reply_parameters={"message_id": card["message_id"]}
    )
    shapes.check(replied, "Message")
    group_card = await raw.ok(
        "sendMessage", chat_id=GROUP_ID, text="Kasus", message_thread_id=5, protect_content=True
    )
    shapes.check(group_card, "Message")
    await emu.reply_to(budi, GROUP_ID, group_card["message_id"], "Saya ambil")
    shapes.check(
        await raw.ok("sendLocation", chat_id=USER_ID, latitude=1.5, longitude=2.5, live_period=60), "Message"
    )
    await emu.press(siti, USER_ID, card["message_id"], "yes")
    await emu.update_live_location(siti, live["message_id"], -6.3, 106.9)
    edited = await raw.ok("editMessageText", chat_id=USER_ID, message_id=card["message_id"], text="Baru")
    shapes.check(edited, "Message")
    shapes.check(
        await raw.ok(
            "editMessageReplyMarkup", chat_id=USER_ID, message_id=card["message_id"], reply_markup=inline
        ),
        "Message",
    )

    updates = await raw.ok("getUpdates", timeout=0)
    kinds = {next(k for k in u if k != "update_id") for u in updates}
    assert kinds == {"message", "callback_query", "edited_message"}
    for update in updates:
        shapes.check(update, "Update")
    emu.block(USER_ID)
    emu.unblock(USER_ID)
    blocked = await raw.ok("getUpdates", offset=updates[-1]["update_id"] + 1)
    assert [u["my_chat_member"]["new_chat_member"]["status"] for u in blocked] == ["kicked", "member"]
    for update in blocked:
        shapes.check(update, "Update")

    for user_id in (USER_ID, 1002, emu.bot_id):
        shapes.check(await raw.ok("getChatMember", chat_id=GROUP_ID, user_id=user_id), "ChatMember")
    emu.set_member(GROUP_ID, budi, "kicked")
    shapes.check(await raw.ok("getChatMember", chat_id=GROUP_ID, user_id=1002), "ChatMember")
    emu.set_member(GROUP_ID, budi, "creator")
    shapes.check(await raw.ok("getChatMember", chat_id=GROUP_ID, user_id=1002), "ChatMember")
    shapes.check(await raw.ok("getChat", chat_id=GROUP_ID), "ChatFullInfo")
    shapes.check(await raw.ok("getChat", chat_id=USER_ID), "ChatFullInfo")

    await raw.ok("setMyCommands", commands=[{"command": "start", "description": "Mulai"}])
    for command in await raw.ok("getMyCommands"):
        shapes.check(command, "BotCommand")
    shapes.check(await raw.ok("getWebhookInfo"), "WebhookInfo")
    await raw.ok("setWebhook", url="http://127.0.0.1:9/h", allowed_updates=["message"])
    shapes.check(await raw.ok("getWebhookInfo"), "WebhookInfo")
    await raw.ok("deleteWebhook")

    for entry in emu.transcript(USER_ID) + emu.transcript(GROUP_ID):
        shapes.check(entry.raw, "Message")
    document = next(e for e in emu.transcript(USER_ID) if e.kind == "document")
    assert document.file_id
    shapes.check(await raw.ok("getFile", file_id=document.file_id), "File")


async def test_uploads_answer_document_and_photo_shapes(emu: Emulator, shapes: Any) -> None:
    import aiohttp

    await emu.send_text(emu.user(USER_ID), "hi")
    async with aiohttp.ClientSession() as session:
        for method, field, name, content in (
            ("sendDocument", "document", "a.txt", b"text"),
            ("sendPhoto", "photo", "p.png", TINY_PNG),
        ):
            form = aiohttp.FormData()
            form.add_field("chat_id", str(USER_ID))
            form.add_field(field, content, filename=name)
            async with session.post(f"{emu.api_url}/bot{emu.token}/{method}", data=form) as response:
                body = await response.json()
            assert response.status == 200, body
            shapes.check(body["result"], "Message")
            value = body["result"][field]
            shapes.check(value, "Document" if field == "document" else "Array of PhotoSize")


def test_the_checker_notices_mistakes(shapes: Any) -> None:
    assert shapes.errors({"id": 1, "is_bot": False}, "User") == ["$: User lacks required field 'first_name'"]
    assert shapes.errors({"id": "1", "is_bot": False, "first_name": "A"}, "User")
    assert shapes.errors({"id": 1, "is_bot": False, "first_name": "A", "nick": "a"}, "User")
    member = {"status": "member", "user": {"id": 1, "is_bot": False, "first_name": "A"}}
    assert shapes.errors(member, "ChatMember") == []
    assert shapes.errors(member | {"status": "boss"}, "ChatMember")
