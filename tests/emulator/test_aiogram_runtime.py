"""aiogram's own Bot calls every implemented method; aiogram parses every answer into its types."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from emulator import Emulator
from emulator.media import TINY_PNG

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

USER_ID = 1001
GROUP_ID = -1001234567890


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=d.upper(), callback_data=d)] for d in data]
    )


async def test_messages_keyboards_and_edits(emu: Emulator, aio_bot: Bot) -> None:
    siti = emu.user(USER_ID, first_name="Siti", language_code="id")
    first = await emu.send_command(siti, "start")

    me = await aio_bot.get_me()
    assert (me.id, me.is_bot, me.username) == (emu.bot_id, True, "hotline_test_bot")

    card = await aio_bot.send_message(USER_ID, "Pilih bantuan", reply_markup=keyboard("passport", "police"))
    assert isinstance(card, Message) and card.from_user and card.from_user.is_bot
    assert card.reply_markup and card.reply_markup.inline_keyboard[1][0].callback_data == "police"
    assert card.chat.type == "private" and card.chat.first_name == "Siti"

    share = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text="Kirim lokasi", request_location=True)],
            [KeyboardButton(text="Kirim nomor", request_contact=True)],
        ],
        one_time_keyboard=True,
        resize_keyboard=True,
    )
    asked = await aio_bot.send_message(
        USER_ID,
        "Bagikan lokasi",
        reply_markup=share,
        reply_parameters=ReplyParameters(message_id=first["message_id"]),
    )
    assert asked.reply_markup is None  # Telegram only echoes inline keyboards
    assert asked.reply_to_message and asked.reply_to_message.text == "/start"
    assert emu.reply_keyboard(USER_ID) is not None
    removed = await aio_bot.send_message(USER_ID, "Terima kasih", reply_markup=ReplyKeyboardRemove())
    assert emu.reply_keyboard(USER_ID) is None
    forced = await aio_bot.send_message(USER_ID, "Nama?", reply_markup=ForceReply(), protect_content=True)
    assert forced.has_protected_content is True

    edited = await aio_bot.edit_message_text("Dipilih: paspor", chat_id=USER_ID, message_id=card.message_id)
    assert isinstance(edited, Message) and edited.edit_date is not None and edited.reply_markup is None
    marked = await aio_bot.edit_message_reply_markup(
        chat_id=USER_ID, message_id=card.message_id, reply_markup=keyboard("undo")
    )
    assert isinstance(marked, Message) and marked.reply_markup is not None

    assert await aio_bot.send_chat_action(USER_ID, "typing") is True
    assert await aio_bot.delete_message(USER_ID, removed.message_id) is True
    assert await aio_bot.delete_messages(USER_ID, [forced.message_id, asked.message_id]) is True

    entry = emu.transcript(USER_ID)[1]
    assert entry.edits == ["Pilih bantuan"] and entry.text == "Dipilih: paspor"
    assert [e.message_id for e in emu.bot_messages(USER_ID)] == [card.message_id]


async def test_media_location_and_files(emu: Emulator, aio_bot: Bot) -> None:
    siti = emu.user(USER_ID, first_name="Siti")
    await emu.send_text(siti, "halo")

    located = await aio_bot.send_location(USER_ID, -6.2, 106.8)
    assert located.location and located.location.latitude == -6.2

    document = await aio_bot.send_document(
        USER_ID, BufferedInputFile(b"%PDF-1.4 surat", "surat.pdf"), caption="Surat"
    )
    assert document.document and document.document.file_name == "surat.pdf"
    assert document.document.mime_type == "application/pdf" and document.document.file_size == 14
    assert document.caption == "Surat"

    photo = await aio_bot.send_photo(USER_ID, BufferedInputFile(TINY_PNG, "map.png"))
    assert photo.photo and photo.photo[-1].width == 2

    file = await aio_bot.get_file(document.document.file_id)
    assert file.file_path
    downloaded = await aio_bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == b"%PDF-1.4 surat"

    entry = emu.transcript(USER_ID)[-2]
    assert (entry.kind, entry.filename, entry.document) == ("document", "surat.pdf", b"%PDF-1.4 surat")


async def test_chats_members_commands_and_webhook(emu: Emulator, aio_bot: Bot) -> None:
    siti, budi = emu.user(USER_ID, first_name="Siti"), emu.user(1002, first_name="Budi")
    emu.create_group(GROUP_ID, "Petugas", [siti, budi], admins=[budi])

    chat = await aio_bot.get_chat(GROUP_ID)
    assert (chat.type, chat.title) == ("supergroup", "Petugas")
    assert isinstance(await aio_bot.get_chat_member(GROUP_ID, USER_ID), ChatMemberMember)
    assert isinstance(await aio_bot.get_chat_member(GROUP_ID, 1002), ChatMemberAdministrator)
    emu.user(1003, first_name="Ani")
    assert isinstance(await aio_bot.get_chat_member(GROUP_ID, 1003), ChatMemberLeft)
    assert isinstance(await aio_bot.get_chat_member(GROUP_ID, emu.bot_id), ChatMemberMember)

    commands = [
        BotCommand(command="start", description="Mulai"),
        BotCommand(command="help", description="Bantuan"),
    ]
    assert await aio_bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats(), language_code="id")
    assert [c.command for c in await aio_bot.get_my_commands(language_code="id")] == ["start", "help"]
    assert emu.commands["id"][0] == {"command": "start", "description": "Mulai"}
    assert await aio_bot.delete_my_commands(language_code="id") is True
    assert await aio_bot.get_my_commands(language_code="id") == []

    assert await aio_bot.set_webhook("http://127.0.0.1:9/hook", secret_token="s3cret", max_connections=5)
    info = await aio_bot.get_webhook_info()
    assert info.url == "http://127.0.0.1:9/hook" and info.max_connections == 5
    assert await aio_bot.delete_webhook(drop_pending_updates=True) is True
    assert (await aio_bot.get_webhook_info()).url == ""


async def test_updates_of_every_kind(emu: Emulator, aio_bot: Bot) -> None:
    siti = emu.user(USER_ID, first_name="Siti", language_code="id")
    await emu.send_text(siti, "tolong")
    live = await emu.send_location(siti, -6.2, 106.8, live_period=900)
    await emu.send_contact(siti, "+628123456789", "Siti", user_id=USER_ID)
    await emu.send_document(siti, "paspor.pdf", b"%PDF scan", caption="paspor")
    await emu.send_photo(siti, caption="foto")
    await emu.send_sticker(siti)
    await emu.send_voice(siti)
    card = await aio_bot.send_message(USER_ID, "Pilih", reply_markup=keyboard("yes"))
    query = await emu.press(siti, USER_ID, card.message_id, "yes")
    await emu.update_live_location(siti, live["message_id"], -6.21, 106.81)

    updates = await aio_bot.get_updates(timeout=1)
    assert len(updates) == 9
    messages = [u.message for u in updates if u.message]
    assert (
        messages[0].text == "tolong" and messages[0].from_user and messages[0].from_user.language_code == "id"
    )
    assert messages[1].location and messages[1].location.live_period == 900
    assert messages[2].contact and messages[2].contact.user_id == USER_ID
    assert messages[3].document and messages[3].caption == "paspor"
    assert messages[4].photo and messages[5].sticker and messages[6].voice
    callback = updates[7].callback_query
    assert callback and callback.data == "yes" and callback.id == query["id"]
    assert callback.message and callback.message.message_id == card.message_id
    edited = updates[8].edited_message
    assert edited and edited.location and edited.location.latitude == -6.21 and edited.edit_date
    assert await aio_bot.answer_callback_query(callback.id, text="OK", show_alert=True) is True
    assert emu.callback_answers == [
        {"callback_query_id": query["id"], "text": "OK", "show_alert": True, "url": None, "cache_time": 0}
    ]

    # offset confirms everything before it
    assert await aio_bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == []
