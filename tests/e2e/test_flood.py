"""A citizen writing faster than the flood limit, end to end on both runtimes: slowed with one
notice, every message read in order on the question it answers (none dropped mid-report), and an
SOS sent in the middle of the flood goes through at once, ahead of the slowed messages."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from emulator import Emulator
from storage.models import Report
from tests.e2e.conftest import Running, e2e_settings, running
from tests.e2e.phone import SAFETY_QUESTION, Phone

LIMIT, WINDOW = 4, 4.0  # 4 messages in 4 s, then one a second
NOTICE = "You are writing very fast. I read every message in turn: please wait a moment."
ALERTED = "🆘 The officers on duty have been alerted. If you can, send your location."
ANSWERS = (
    "Siti Aminah",
    "17-08-1995",
    "3501015708950001",
    "+62 812 3456 7890",
    "Agus 0812 1111 2222",
    "3",
)  # fmt: skip (the way home's questions after these take buttons: tapped, then the last words typed)


@pytest.fixture
async def bot(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    base = e2e_settings(emu, tmp_path, framework, "polling")
    settings = base.model_copy(update={"flood_limit": LIMIT, "flood_window_seconds": WINDOW})
    async with running(settings, emu) as r:
        yield r


async def up_to_the_name(phone: Phone) -> None:
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:yes", "Or choose the city:")
    await phone.locate(11.5564, 104.9282, "Where is your passport?")
    await phone.tap("f:passport:with_me", "If you know your passport number, type it (for example A1234567).")
    await phone.tap("f:passport_number:-", SAFETY_QUESTION)
    await phone.pick("safety", ("not_free",), "What is your full name, as written in your passport?")


async def test_a_flood_is_slowed_not_dropped_and_an_sos_goes_first(bot: Running) -> None:
    emu = bot.emu
    phone = Phone(emu, 5301, "en", bot.hotline.catalogs)
    await up_to_the_name(phone)
    quiet = WINDOW + 0.5  # a quiet window later (the gate's clock moved on): the burst starts afresh
    bot.hotline.flood.clock = lambda: time.monotonic() + quiet
    start = phone.last_id()
    for text in ANSWERS:  # seven answers typed ahead, without waiting for the questions
        await emu.send_text(phone.user, text)
    await emu.send_text(phone.user, "SOS")
    await emu.wait_for_bot_message(
        phone.chat_id, contains="Do you want to go home to Indonesia?", timeout=30, after=start
    )
    await phone.skip_the_way_home("Is there anything else we should know?", children=True)
    await emu.send_text(phone.user, "Kami berempat di lantai 3")
    summary = await emu.wait_for_bot_message(
        phone.chat_id, contains=phone.t("Please check your report:"), timeout=30, after=start
    )
    texts = [(e.message_id, e.text or "") for e in emu.bot_messages(phone.chat_id) if e.message_id > start]
    assert sum(phone.t(NOTICE) in text for _, text in texts) == 1  # one short notice, not one a message
    alerted = next(i for i, text in texts if phone.t(ALERTED) in text)
    last_typed = next(i for i, text in texts if text.endswith("\n✓ 3"))  # how many are with them
    assert alerted < last_typed < summary.message_id  # the SOS went ahead of answers typed before it
    body = summary.text or ""
    for shown in ("Siti Aminah", "August 17, 1995", "3501015708950001", "Jawa Timur", "+6281234567890",
                  "Agus 0812 1111 2222", "3", "Kami berempat di lantai 3"):  # fmt: skip
        assert shown in body, f"{shown!r} is missing from the summary: every answer landed on its question"
    async with bot.hotline.sessions() as session:
        report = (await session.execute(select(Report))).scalar_one()
    assert report.sos and report.priority == "P1" and not report.submitted
    assert report.full_name == "Siti Aminah" and report.notes == "Kami berempat di lantai 3"
