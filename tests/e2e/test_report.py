"""The citizen's report end to end: a real runtime, HTTP to the emulator, a real SQLite file.

Every test runs on aiogram and python-telegram-bot, by long polling and by webhook.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from storage.models import Citizen, Report, ReportEvent
from tests.e2e.conftest import Running
from tests.e2e.phone import FAMILY_QUESTION, PHONE_QUESTION, SAFETY_QUESTION, Phone


async def stored_report(bot: Running) -> Report:
    async with bot.hotline.sessions() as session:
        return (await session.execute(select(Report))).scalar_one()


async def begin(phone: Phone) -> None:
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:yes", "Or choose the city:")


async def finish_form(phone: Phone) -> None:
    """From the safety question to the sent report, with typed answers checked on the way."""
    await phone.pick("safety", ("not_free",), "What is your full name, as written in your passport?")
    await phone.say("Siti  Aminah", "What is your date of birth? For example 17-08-1995.")
    await phone.say("17/8/95", "If you know your NIK (the 16-digit number on your KTP), type it.")
    # the NIK names the province (35, Jawa Timur): the province is not asked
    await phone.say("3501015708950001", PHONE_QUESTION)
    await phone.share_contact("+62 812-3456-7890", FAMILY_QUESTION)
    await phone.tap("f:family_contact:-", "How many other Indonesians are with you? Choose or type a number.")
    await phone.say("4", None)  # the way home, then "anything else"
    await phone.skip_the_way_home("Is there anything else we should know?", children=True)
    summary = await phone.say("Kami berempat di lantai 3.", "Please check your report:")
    assert "Siti Aminah" in (summary.text or "")
    assert summary.protect_content  # a summary with personal data cannot be forwarded or saved
    await phone.tap(
        "sum:send",
        "✅ Your report is sent. Your reference number is {reference}. Please keep it.",
        reference="PNH-000001",
    )


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_full_report(bot: Running, lang: str) -> None:
    phone = Phone(bot.emu, 5001, lang, bot.hotline.catalogs)
    await begin(phone)
    await phone.tap(
        "f:location:sihanoukville",
        "Type the name of the place, building or compound, and a landmark near it.",
    )
    await phone.say("Kompleks Jin Bei, dekat pantai", "Where is your passport?")
    await phone.tap("f:passport:held", "If you know your passport number, type it (for example A1234567).")
    await phone.say("B1234567", SAFETY_QUESTION)
    await finish_form(phone)
    await phone.command("status", "received, waiting for an officer")

    report = await stored_report(bot)
    assert report.reference == "PNH-000001"
    assert report.submitted and report.priority == "P2"
    assert (report.city, report.place) == ("sihanoukville", "Kompleks Jin Bei, dekat pantai")
    assert (report.passport_status, report.passport_number) == ("held", "B1234567")
    assert report.full_name == "Siti Aminah"
    assert report.birth_date is not None and report.birth_date.isoformat() == "1995-08-17"
    assert (report.nik, report.home_province, report.phone) == ("3501015708950001", "35", "+6281234567890")
    assert report.safety == "not_free"
    assert report.companions == 4 and report.language == lang


async def test_switching_language_midway(bot: Running) -> None:
    phone = Phone(bot.emu, 5002, "en", bot.hotline.catalogs)
    await begin(phone)
    await phone.command("language", "Choose your language:")
    phone.lang = "id"
    question = await phone.tap("lang:id", "Or choose the city:")
    assert question.text == phone.t("Or choose the city:")
    await phone.tap(
        "f:location:bavet", "Type the name of the place, building or compound, and a landmark near it."
    )
    await phone.tap("f:place:-", "Where is your passport?")
    async with bot.hotline.sessions() as session:
        citizen = (await session.execute(select(Citizen))).scalar_one()
    assert citizen.language == "id"


async def test_shared_location_and_live_updates(bot: Running) -> None:
    phone = Phone(bot.emu, 5003, "id", bot.hotline.catalogs)
    await phone.command("start", "Do you agree to continue?")
    await phone.tap(
        "f:welcome:sos", "🆘 The officers on duty have been alerted. If you can, send your location."
    )
    pin = await phone.locate(11.5564, 104.9282, "Where is your passport?", live=True)
    await bot.emu.update_live_location(phone.user, pin["message_id"], 11.5600, 104.9300)

    for _ in range(200):  # the edit carries no reply: wait until it is stored
        if (await stored_report(bot)).latitude == pytest.approx(11.56):
            break
        await asyncio.sleep(0.05)
    report = await stored_report(bot)
    assert report.sos and report.priority == "P1" and not report.submitted
    assert report.latitude == pytest.approx(11.56) and report.longitude == pytest.approx(104.93)
    async with bot.hotline.sessions() as session:
        kinds = [e.kind for e in (await session.execute(select(ReportEvent))).scalars()]
    assert kinds[0] == "sos" and "live_location" in kinds


async def test_bad_input_at_every_step_is_asked_again(bot: Running) -> None:
    phone = Phone(bot.emu, 5004, "en", bot.hotline.catalogs)
    unsupported = (
        "I can only receive text, locations and taps on the buttons. Photos, stickers and voice "
        "messages cannot be received here yet."
    )
    choose = "Please choose one of the buttons."
    await phone.command("start", "Do you agree to continue?")
    await phone.sticker(unsupported)
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.say("maybe", choose)
    await phone.tap("f:safe:yes", "Or choose the city:")
    await phone.sticker(unsupported)
    await phone.say("x" * 1001, "That is too long. Please keep it under 1,000 characters.")
    await phone.tap(
        "f:location:poipet", "Type the name of the place, building or compound, and a landmark near it."
    )
    await phone.say("A", "Please type a few words about the place.")
    await phone.say("Casino Star, lantai 2", "Where is your passport?")
    await phone.say("dunno", choose)
    await phone.tap("f:passport:with_me", "If you know your passport number, type it (for example A1234567).")
    await phone.say(
        "123",
        "A passport number has 8 characters, for example A1234567. Please check it, or skip this question.",
    )
    await phone.say("A1234567", SAFETY_QUESTION)
    await phone.say("fine", choose)
    await phone.tap("f:safety:free", "What is your full name, as written in your passport?")
    await phone.say("12345", "Please type your name in letters.")
    await phone.say("Budi", "What is your date of birth? For example 17-08-1995.")
    await phone.say("31-02-1990", "That date does not exist. Please check the day and the month.")
    await phone.say("01-01-2090", "That date is in the future. Please check the year.")
    await phone.say("1 Jan 1990", "If you know your NIK (the 16-digit number on your KTP), type it.")
    await phone.say("12345", "A NIK has 16 digits. Please check it, or skip this question.")
    await phone.say(
        "3201010101910001",
        "That NIK does not match your date of birth. Please check both, or skip this question.",
    )
    await phone.tap("f:nik:-", "Which province in Indonesia are you from? Choose, or type its name.")
    await phone.say(
        "Atlantis", "That province is not on my list. Please choose a button or type the name again."
    )
    await phone.tap("f:home_province:33", PHONE_QUESTION)
    await phone.say("12", "I could not read that number. Please type it like +62 812 3456 7890.")
    await phone.say("+855 12 345 678", FAMILY_QUESTION)
    await phone.sticker(unsupported)
    await phone.tap("f:family_contact:-", "How many other Indonesians are with you? Choose or type a number.")
    await phone.say("many", "Please type a number, for example 3.")
    await phone.say("1000", "Please type a number from 0 to 999.")
    await phone.tap("f:companions:0", None)
    await phone.skip_the_way_home("Is there anything else we should know?")  # alone: no children asked
    await phone.tap("f:notes:-", "Please check your report:")
    await phone.say("send it", choose)
    await phone.tap(
        "sum:send",
        "✅ Your report is sent. Your reference number is {reference}. Please keep it.",
        reference="PNH-000001",
    )

    report = await stored_report(bot)
    assert (report.place, report.passport_number, report.full_name) == (
        "Casino Star, lantai 2",
        "A1234567",
        "Budi",
    )
    assert (report.nik, report.home_province, report.phone, report.companions) == (
        None,
        "33",
        "+85512345678",
        0,
    )
