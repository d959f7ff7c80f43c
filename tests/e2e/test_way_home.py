"""The way home end to end, on both runtimes: a citizen answers the new questions through the
emulator, the summary and the officers' card show the answers and triage counts them; later
/update changes one of them and the card follows.

The new msgids are not in the catalogs until they are merged: the phone waits for English text
(language "en", which falls back to the msgid) instead of asking the catalogs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from emulator import Emulator, TranscriptEntry
from storage.models import Report
from tests.e2e.conftest import Clock, Running, officer_desk
from tests.e2e.phone import FAMILY_QUESTION, PHONE_QUESTION, SAFETY_QUESTION, WAIT, Phone

GROUP = -1001000000018
OFFICER, STAFF = 9018, 9118
SENT = "✅ Your report is sent. Your reference number is {reference}. Please keep it."


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, Clock(emu)) as r:
        yield r


async def shown(phone: Phone, text: str) -> TranscriptEntry:
    """Wait for a bot message with this (English) text, sent after the newest one seen."""
    return await phone.emu.wait_for_bot_message(phone.chat_id, contains=text, timeout=WAIT, after=0)


def card(emu: Emulator) -> str:
    for entry in emu.bot_messages(GROUP):
        if entry.text and "PNH-000001" in entry.text.splitlines()[0]:
            return entry.text
    return ""


async def test_a_citizen_answers_the_way_home_and_the_officers_see_it(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 5180, "en", desk.hotline.catalogs)
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:yes", "Or choose the city:")
    await phone.locate(11.5564, 104.9282, "Where is your passport?")
    await phone.tap("f:passport:lost", "If you know your passport number, type it (for example A1234567).")
    await phone.tap("f:passport_number:-", SAFETY_QUESTION)
    await phone.tap("f:safety:free", "What is your full name, as written in your passport?")
    await phone.say("Sri Wahyuni", "What is your date of birth? For example 17-08-1995.")
    await phone.tap("f:birth_date:-", "If you know your NIK (the 16-digit number on your KTP), type it.")
    await phone.tap("f:nik:-", "Which province in Indonesia are you from? Choose, or type its name.")
    await phone.tap("f:home_province:35", PHONE_QUESTION)
    await phone.tap("f:phone:-", FAMILY_QUESTION)
    await phone.tap("f:family_contact:-", "How many other Indonesians are with you? Choose or type a number.")
    await phone.tap("f:companions:2", None)
    await shown(phone, "Do you want to go home to Indonesia?")
    await phone.tap("f:going_home:yes", None)
    await shown(phone, "Which city or regency will you go home to?")
    await phone.say("Malang", None)
    await shown(phone, "Do you need medical help?")
    await phone.pick("medical", ("pregnant", "medicine"), None)
    await shown(phone, "Which of these do you still have")
    await phone.pick("documents_held", ("ktp", "birth"), None)
    await shown(phone, "Are you a woman or a man?")
    await phone.tap("f:sex:female", None)
    await shown(phone, "How many of the Indonesians with you are children")
    assert not phone.shows_button("f:children:3")  # never more children than people with them
    await phone.tap("f:children:1", "Is there anything else we should know?")
    summary = await phone.tap("f:notes:-", "Please check your report:")
    said = (
        "Going home: Yes, I want to go home — Malang",
        "Medical needs: I need medicine, I am pregnant",
        "Documents you have: KTP, Birth certificate",
        "Sex: Woman",
        "Children with you: 1",
    )
    assert all(line in (summary.text or "").splitlines() for line in said)
    await phone.tap("sum:send", SENT, reference="PNH-000001")

    await emu.wait_for(lambda: "PNH-000001" in card(emu), timeout=WAIT, what="the card")
    text = card(emu)
    assert text.startswith("🟠 P2")  # pregnant and needing medicine: P2, though safe and free
    shows = (
        "🏠 Going home: yes — Jawa Timur, Malang",
        "🩺 Medical: needs medicine, pregnant",
        "🪪 Documents: KTP, birth certificate",
        "⚧ Sex: female",
        "🧒 Children: 1",
    )
    assert all(line in text.splitlines() for line in shows)

    # later, hurt: /update the way home; a skip keeps the answer, the new one reaches the card at once
    await phone.command("update", "What do you want to update?")
    await phone.tap("upd:home", None)
    await phone.tap("f:going_home:-", None)
    await phone.tap("f:home_city:-", None)
    await phone.pick("medical", ("injury",), None)
    await emu.wait_for(lambda: card(emu).startswith("🔴 P1"), timeout=WAIT, what="the card at P1")
    assert "🩺 Medical: injury, needs medicine, pregnant" in card(emu).splitlines()
    await phone.tap("f:documents_held:-", None)
    await phone.tap("f:sex:-", None)
    await phone.tap("f:children:-", "Thank you. Your report {reference} is updated.", reference="PNH-000001")
    async with desk.hotline.sessions() as session:
        report = (await session.execute(select(Report))).scalar_one()
    assert (report.going_home, report.home_city) == ("yes", "Malang")
    assert report.medical == "injury,medicine,pregnant"
    assert (report.documents_held, report.sex, report.children) == ("ktp,birth", "female", 1)
    assert report.priority == "P1"
