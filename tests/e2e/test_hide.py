"""Deleting the chat from the citizen's phone, end to end on both runtimes: offered right after the
report and with /hide; both sides go, but only what Telegram still allows (under 48 hours old); the
citizen chooses, and nothing new is written into the emptied chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.flow.asking import HIDE_OFFER
from emulator import Emulator
from storage.models import Conversation, Report
from tests.e2e.conftest import Clock, Running, e2e_settings, running
from tests.e2e.phone import SAFETY_QUESTION, WAY_HOME, Phone

OFFER = HIDE_OFFER
HOUR = 3600.0


@pytest.fixture
async def bot(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with running(e2e_settings(emu, tmp_path, framework, "polling"), emu, Clock(emu)) as r:
        yield r


async def press(phone: Phone, data: str) -> None:
    """Press a button that answers with a pop-up only (no message to wait for)."""
    message_id = phone.button_message(data)
    assert message_id is not None
    await phone.emu.press(phone.user, phone.chat_id, message_id, data)


def shifted(bot: Running) -> Clock:
    assert isinstance(bot.clock, Clock)  # the hotline's clock, which the emulator's follows
    return bot.clock


async def report(phone: Phone, shift: Clock) -> None:
    """A short report; the first two messages (/start and the welcome) are sent 25 hours before the rest."""
    await phone.command("start", "Do you agree to continue?")
    shift.advance(25 * HOUR)
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:yes", "Or choose the city:")
    await phone.locate(11.5564, 104.9282, "Where is your passport?")
    await phone.tap("f:passport:with_me", "If you know your passport number, type it (for example A1234567).")
    await phone.say("A1234567", SAFETY_QUESTION)
    await phone.tap("f:safety:free", "What is your full name, as written in your passport?")
    await phone.say("Siti Aminah", "What is your date of birth? For example 17-08-1995.")
    for skip in ("birth_date", "nik", "home_province", "phone", "family_contact", "companions", *WAY_HOME):
        await phone.tap(f"f:{skip}:-", None)
    await phone.tap("f:notes:-", "Please check your report:")
    await phone.tap(
        "sum:send",
        "✅ Your report is sent. Your reference number is {reference}. Please keep it.",
        reference="PNH-000001",
    )
    await phone.expect(OFFER, 0)


async def test_after_the_report_the_chat_can_be_deleted_from_the_phone(bot: Running) -> None:
    emu = bot.emu
    shift = shifted(bot)
    phone = Phone(emu, 5101, "en", bot.hotline.catalogs)
    await report(phone, shift)
    offer = await phone.expect(OFFER, 0)
    assert offer.reply_markup is not None  # two buttons: delete, keep
    assert [e for e in emu.transcript(phone.chat_id) if e.deleted] == []
    shift.advance(24 * HOUR)  # /start and the welcome are now 49 hours old, the rest 24

    await press(phone, "hide:yes")
    old = emu.transcript(phone.chat_id)[:2]
    await emu.wait_for(
        lambda: all(e.deleted for e in emu.transcript(phone.chat_id)[2:]), timeout=10, what="deleted"
    )
    assert [e.deleted for e in old] == [False, False]  # over 48 hours: Telegram keeps them, so do we
    assert old[0].text == "/start" and old[1].from_bot
    both_sides = emu.transcript(phone.chat_id)[2:]
    assert any(e.from_bot for e in both_sides) and any(not e.from_bot for e in both_sides)
    assert emu.count("deleteMessages", 400) == 0 and emu.count("deleteMessage", 400) == 0
    answers = [a["text"] for a in emu.callback_answers]
    assert phone.t("Deleted. Send /sos at any time if you are in danger.") in answers
    # nothing new is written into the emptied chat; the report stays with the embassy
    assert [e for e in emu.transcript(phone.chat_id) if not e.deleted] == old
    async with bot.hotline.sessions() as session:
        stored = (await session.execute(select(Report))).scalar_one()
    assert stored.reference == "PNH-000001" and stored.full_name == "Siti Aminah"

    # the chat goes on working: the next message is answered as before
    await phone.command("status", "Your report {reference}: {status}.", reference="PNH-000001",
                        status=phone.t("received, waiting for an officer"))  # fmt: skip


async def test_hide_at_any_time_and_keep_means_keep(bot: Running) -> None:
    emu = bot.emu
    phone = Phone(emu, 5102, "id", bot.hotline.catalogs)
    await phone.command("start", "Do you agree to continue?")
    await phone.command("hide", OFFER)
    await press(phone, "hide:no")
    await emu.wait_for(
        lambda: phone.t("Alright, the chat stays as it is.") in [a["text"] for a in emu.callback_answers],
        timeout=10,
    )
    assert not any(e.deleted for e in emu.transcript(phone.chat_id))

    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:yes", "Or choose the city:")
    assert emu.reply_keyboard(phone.chat_id) is not None  # «📍 Send my location» under the text field
    await phone.command("hide", OFFER)
    await press(phone, "hide:yes")
    await emu.wait_for(lambda: all(e.deleted for e in emu.transcript(phone.chat_id)), timeout=10)
    assert emu.reply_keyboard(phone.chat_id) is None  # no share button left behind either
    # the question on screen went too: the next message gets it asked again, not read as an answer
    await phone.say("Phnom Penh", "Or choose the city:")
    async with bot.hotline.sessions() as session:
        conv = await session.get(Conversation, phone.chat_id)
    assert conv is not None and conv.step == "location" and "place" not in conv.data  # not taken as one
