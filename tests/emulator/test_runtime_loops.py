"""The frameworks' full polling loops (aiogram Dispatcher, PTB Application) run against the emulator."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
import telegram
from aiogram import Bot, Dispatcher, F
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator import Emulator

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

USER_ID = 1001


async def test_aiogram_dispatcher_polls_answers_and_stops(emu: Emulator, aio_bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Paspor", callback_data="pass")]]
        )
        await message.answer("Selamat datang", reply_markup=markup)

    @dp.message(F.location)
    async def location(message: Message) -> None:
        assert message.location is not None
        await message.answer(f"Lokasi {message.location.latitude}")

    @dp.callback_query(F.data == "pass")
    async def pressed(query: CallbackQuery) -> None:
        await query.answer("Dicatat")
        if isinstance(query.message, Message):
            await query.message.edit_text("Paspor hilang: dicatat")

    polling = asyncio.create_task(dp.start_polling(aio_bot, handle_signals=False, polling_timeout=5))
    try:
        siti = emu.user(USER_ID, first_name="Siti")
        await emu.send_command(siti, "start")
        card = await emu.wait_for_bot_message(USER_ID, contains="Selamat")
        await emu.send_location(siti, -6.2, 106.8)
        await emu.wait_for_bot_message(USER_ID, contains="Lokasi -6.2")
        await emu.press(siti, USER_ID, card.message_id, "pass")
        await emu.wait_for(lambda: card.text == "Paspor hilang: dicatat")
        assert emu.callback_answers[0]["text"] == "Dicatat"
    finally:
        await dp.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(polling, 5)
    assert all(status in (200, 0) for _, _, status in emu.calls)


async def test_ptb_application_polls_answers_and_stops(emu: Emulator) -> None:
    app = (
        Application.builder()
        .token(emu.token)
        .base_url(f"{emu.api_url}/bot")
        .base_file_url(f"{emu.api_url}/file/bot")
        .build()
    )

    async def start(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = telegram.InlineKeyboardMarkup(
            [[telegram.InlineKeyboardButton("Paspor", callback_data="pass")]]
        )
        await update.effective_message.reply_text("Selamat datang", reply_markup=keyboard)

    async def contact(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.contact is not None
        await update.effective_message.reply_text(f"Nomor {update.effective_message.contact.phone_number}")

    async def pressed(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("Dicatat")
        await update.callback_query.edit_message_text("Paspor hilang: dicatat")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.CONTACT, contact))
    app.add_handler(CallbackQueryHandler(pressed, pattern="^pass$"))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5, drop_pending_updates=True)
        try:
            siti = emu.user(USER_ID, first_name="Siti")
            await emu.send_command(siti, "start")
            card = await emu.wait_for_bot_message(USER_ID, contains="Selamat")
            await emu.send_contact(siti, "+628123", "Siti", user_id=USER_ID)
            await emu.wait_for_bot_message(USER_ID, contains="Nomor +628123")
            await emu.press(siti, USER_ID, card.message_id, "pass")
            await emu.wait_for(lambda: card.text == "Paspor hilang: dicatat")
        finally:
            await app.updater.stop()
            await app.stop()
    assert emu.callback_answers[0]["text"] == "Dicatat"
    assert emu.pending_updates == 0  # PTB confirmed what it handled when it stopped
    assert all(status in (200, 0) for _, _, status in emu.calls)
