"""python-telegram-bot's own Bot calls every implemented method; PTB parses every answer into its types."""

from __future__ import annotations

import pytest
import telegram
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
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
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d)] for d in data])


async def test_messages_keyboards_and_edits(emu: Emulator, ptb_bot: telegram.Bot) -> None:
    siti = emu.user(USER_ID, first_name="Siti", language_code="id")
    first = await emu.send_command(siti, "start", args="darurat")

    me = await ptb_bot.get_me()
    assert (me.id, me.is_bot, me.username, me.can_join_groups) == (emu.bot_id, True, "hotline_test_bot", True)

    card = await ptb_bot.send_message(USER_ID, "Pilih bantuan", reply_markup=keyboard("passport", "police"))
    assert card.from_user and card.from_user.is_bot and card.chat.type == "private"
    assert card.reply_markup and card.reply_markup.inline_keyboard[1][0].callback_data == "police"

    share = ReplyKeyboardMarkup(
        [
            [KeyboardButton("Kirim lokasi", request_location=True)],
            [KeyboardButton("Kirim nomor", request_contact=True)],
        ],
        one_time_keyboard=True,
    )
    asked = await ptb_bot.send_message(
        USER_ID, "Bagikan lokasi", reply_markup=share, reply_parameters=ReplyParameters(first["message_id"])
    )
    assert asked.reply_to_message and asked.reply_to_message.text == "/start darurat"
    shown = emu.reply_keyboard(USER_ID)
    assert shown and shown["keyboard"][0][0] == {"text": "Kirim lokasi", "request_location": True}
    removed = await ptb_bot.send_message(USER_ID, "Terima kasih", reply_markup=ReplyKeyboardRemove())
    forced = await ptb_bot.send_message(USER_ID, "Nama?", reply_markup=ForceReply(), protect_content=True)
    assert forced.has_protected_content is True and emu.transcript(USER_ID)[-1].protect_content

    edited = await ptb_bot.edit_message_text("Dipilih: paspor", chat_id=USER_ID, message_id=card.message_id)
    assert isinstance(edited, telegram.Message) and edited.edit_date is not None
    marked = await ptb_bot.edit_message_reply_markup(USER_ID, card.message_id, reply_markup=keyboard("undo"))
    assert isinstance(marked, telegram.Message) and marked.reply_markup is not None

    assert await ptb_bot.send_chat_action(USER_ID, "typing") is True
    assert await ptb_bot.delete_message(USER_ID, removed.message_id) is True
    assert await ptb_bot.delete_messages(USER_ID, [forced.message_id, asked.message_id]) is True
    assert [e.message_id for e in emu.bot_messages(USER_ID)] == [card.message_id]
    assert emu.transcript(USER_ID)[1].edits == ["Pilih bantuan"]


async def test_media_location_and_files(emu: Emulator, ptb_bot: telegram.Bot) -> None:
    await emu.send_text(emu.user(USER_ID, first_name="Siti"), "halo")

    located = await ptb_bot.send_location(USER_ID, -6.2, 106.8, live_period=600)
    assert located.location and located.location.live_period == 600

    document = await ptb_bot.send_document(USER_ID, b"%PDF-1.4 surat", filename="surat.pdf", caption="Surat")
    assert document.document and document.document.file_name == "surat.pdf" and document.caption == "Surat"
    photo = await ptb_bot.send_photo(USER_ID, TINY_PNG, caption="Peta")
    assert photo.photo and photo.photo[-1].height == 2

    file = await ptb_bot.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 surat"
    resent = await ptb_bot.send_document(USER_ID, document.document.file_id)  # by file_id
    assert resent.document and resent.document.file_id == document.document.file_id

    entry = emu.transcript(USER_ID)[2]
    assert (entry.kind, entry.document, entry.caption) == ("document", b"%PDF-1.4 surat", "Surat")


async def test_chats_members_commands_and_webhook(emu: Emulator, ptb_bot: telegram.Bot) -> None:
    siti, budi = emu.user(USER_ID, first_name="Siti"), emu.user(1002, first_name="Budi")
    emu.create_group(GROUP_ID, "Petugas", [siti, budi], is_forum=True, admins=[budi])

    chat = await ptb_bot.get_chat(GROUP_ID)
    assert (chat.type, chat.title, chat.is_forum) == ("supergroup", "Petugas", True)
    assert isinstance(await ptb_bot.get_chat_member(GROUP_ID, USER_ID), ChatMemberMember)
    assert isinstance(await ptb_bot.get_chat_member(GROUP_ID, 1002), ChatMemberAdministrator)
    emu.set_member(GROUP_ID, siti, "left")
    assert isinstance(await ptb_bot.get_chat_member(GROUP_ID, USER_ID), ChatMemberLeft)

    topic = await ptb_bot.send_message(GROUP_ID, "Kasus #12", message_thread_id=77)
    assert topic.message_thread_id == 77 and topic.is_topic_message

    commands = [BotCommand("start", "Mulai"), BotCommand("help", "Bantuan")]
    assert await ptb_bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats())
    assert [c.command for c in await ptb_bot.get_my_commands()] == ["start", "help"]
    assert await ptb_bot.delete_my_commands() is True
    assert emu.commands == {}

    assert await ptb_bot.set_webhook(
        "http://localhost:9/hook", secret_token="s3cret", allowed_updates=["message"]
    )
    info = await ptb_bot.get_webhook_info()
    assert info.url == "http://localhost:9/hook" and info.allowed_updates == ("message",)
    assert await ptb_bot.delete_webhook() is True


async def test_updates_of_every_kind(emu: Emulator, ptb_bot: telegram.Bot) -> None:
    siti = emu.user(USER_ID, first_name="Siti", language_code="id")
    await emu.send_command(siti, "start")
    live = await emu.send_location(siti, -6.2, 106.8, live_period=900)
    await emu.send_contact(siti, "+628123456789", "Siti", user_id=USER_ID)
    await emu.send_document(siti, "paspor.pdf", b"%PDF scan")
    await emu.send_photo(siti, caption="foto")
    card = await ptb_bot.send_message(USER_ID, "Pilih", reply_markup=keyboard("yes"))
    query = await emu.press(siti, USER_ID, card.message_id, "yes")
    await emu.update_live_location(siti, live["message_id"], -6.21, 106.81)

    updates = await ptb_bot.get_updates(timeout=1)
    assert len(updates) == 7
    start = updates[0].message
    assert start and start.text == "/start" and start.entities[0].type == "bot_command"
    assert updates[1].message and updates[1].message.location
    assert updates[2].message and updates[2].message.contact
    assert updates[3].message and updates[3].message.document
    assert updates[4].message and updates[4].message.photo and updates[4].message.caption == "foto"
    callback = updates[5].callback_query
    assert callback and callback.data == "yes" and callback.id == query["id"] and callback.chat_instance
    edited = updates[6].edited_message
    assert edited and edited.location and edited.location.longitude == 106.81

    assert await ptb_bot.answer_callback_query(callback.id, text="Diterima") is True
    assert emu.callback_answers[0]["text"] == "Diterima"
    assert await ptb_bot.get_updates(offset=updates[-1].update_id + 1) == ()
