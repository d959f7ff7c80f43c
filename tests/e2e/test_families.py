"""A family looks for someone, on both runtimes: a mother searches (/find) for her daughter, whose name
she spells her own way; officers see a possible match; an officer asks; the daughter, who said "wait
until I write", gets the question only after she writes; her yes tells her mother that she is safe,
and only that. Her no tells her mother nothing: /status still reads "still looking"."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services.retention import erase_expired
from emulator import Emulator, TranscriptEntry
from storage.models import Report, ReportEvent, Search, SearchMatch
from tests.e2e.conftest import Clock, Running, officer_desk
from tests.e2e.phone import WAIT, WAY_HOME, Phone

GROUP = -1001000000019
OFFICER, STAFF = 9001, 9300
DAUGHTER, MOTHER = 5901, 5902
STILL = "We are still looking. We will write to you here if we can tell you something."
ASKING = "is asking the embassy whether you are safe"
TOLD = "the person you are looking for is safe and in touch with the embassy"


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF) as r:
        yield r


async def words(phone: Phone, text: str, after: int) -> TranscriptEntry:
    """A bot message holding these (English) words: new msgids are checked by their text."""
    return await phone.emu.wait_for_bot_message(phone.chat_id, contains=text, timeout=WAIT, after=after)


async def press(phone: Phone, data: str) -> None:
    """Press a button that answers with an edit and a pop-up only (no new message)."""
    await phone.emu.wait_for(lambda: phone.button_message(data, missing_ok=True) is not None, timeout=WAIT)
    message_id = phone.button_message(data)
    assert message_id is not None
    await phone.emu.press(phone.user, phone.chat_id, message_id, data)


async def daughter_reports(emu: Emulator, hotline: object) -> Phone:
    """A short report ("not safe: wait until I write"), then her name and birth date after all."""
    phone = Phone(emu, DAUGHTER, "en", hotline.catalogs, name="Siti")  # type: ignore[attr-defined]
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:on_reply", "Or choose the city:")
    await phone.locate(11.5564, 104.9282, "Where is your passport?")
    await phone.tap("f:passport:-", None)
    await phone.tap("f:safety:-", "Please check your report:")
    await phone.tap("sum:more", None)
    await phone.emu.wait_for(lambda: phone.shows_button("f:full_name:-"), timeout=WAIT)
    after = phone.last_id()
    await emu.send_text(phone.user, "Siti Nurhaliza")
    await phone.emu.wait_for(lambda: phone.shows_button("f:birth_date:-"), timeout=WAIT)
    await emu.send_text(phone.user, "17-08-1995")
    await phone.emu.wait_for(lambda: phone.last_id() > after + 2 and phone.shows_button("f:nik:-"), WAIT)
    for skip in ("nik", "home_province", "phone", "family_contact", "companions", *WAY_HOME, "notes"):
        await phone.tap(f"f:{skip}:-", None)
    await phone.tap("sum:send", "We will only write to you right after you write to us.")
    return phone


async def mother_searches(emu: Emulator, hotline: object, welcome: bool = False) -> Phone:
    """/find, or (`welcome`) the welcome's button of someone who opens the bot for the first time."""
    phone = Phone(emu, MOTHER, "en", hotline.catalogs, name="Aminah")  # type: ignore[attr-defined]
    after = phone.last_id()
    if welcome:
        await phone.command("start", "Do you agree to continue?")
        await phone.tap("f:welcome:find", None)
    else:
        await emu.send_command(phone.user, "find")
    await words(phone, "Looking for a family member or a friend", after)
    await phone.tap("sk:agree:yes", None)
    await words(phone, "What is the full name of the person you are looking for?", after)
    after = phone.last_id()
    await emu.send_text(phone.user, "Siti Nurhalisa")  # her own spelling
    await words(phone, "What is their date of birth?", after)
    after = phone.last_id()
    await emu.send_text(phone.user, "17/08/1995")
    await words(phone, "Where were they when you last heard from them?", after)
    await phone.tap("sk:place:-", None)
    await words(phone, "Who are they to you?", after)
    await phone.tap("sk:relation:parent", None)
    await words(phone, "What is your name?", after)
    after = phone.last_id()
    await emu.send_text(phone.user, "Aminah")
    await words(phone, "How can we reach you?", after)
    await emu.send_contact(phone.user, "+62 812 3456 7890", "Aminah", user_id=phone.chat_id)
    summary = await words(phone, "Please check your search:", after)
    assert "Siti Nurhalisa" in (summary.text or "") and "Mother or father" in (summary.text or "")
    await phone.tap("sk:sum:send", None)
    await words(phone, "Your search is sent. Its reference is CARI-000001", after)
    return phone


async def asked(desk: Running) -> tuple[Phone, Phone, int]:
    """The daughter's case, her mother's search, officers told, an officer asks: held until she writes."""
    emu, hotline = desk.emu, desk.hotline
    daughter = await daughter_reports(emu, hotline)
    mother = await mother_searches(emu, hotline)
    line = await emu.wait_for_bot_message(GROUP, contains="looking for someone (CARI-000001)", timeout=10)
    assert "Possible matches: 1" in (line.text or "") and "Siti" not in (line.text or "")  # no names there
    async with hotline.sessions() as session:
        match = (await session.scalars(select(SearchMatch))).one()
        assert match.score >= 90 and "birth" in match.reasons
        search_id = match.search_id
    assert await hotline.families.ask(search_id, match.report_id, OFFICER)
    quiet = daughter.last_id()
    await desk.settled()
    # she said: wait until I write
    assert [e for e in emu.bot_messages(DAUGHTER) if e.message_id > quiet] == []
    await emu.send_text(daughter.user, "I am at the hotel now")
    await words(daughter, ASKING, quiet)
    return daughter, mother, search_id


async def test_her_yes_tells_her_mother_that_she_is_safe_and_only_that(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    daughter, mother, search_id = await asked(desk)
    question = await words(daughter, ASKING, 0)
    assert "Your father or mother is asking" in (question.text or "")
    quiet = mother.last_id()
    await press(daughter, f"fnd:{search_id}:yes")
    told = await words(mother, TOLD, quiet)
    assert "hotel" not in (told.text or "") and "PNH-" not in (told.text or "")  # nothing of her case
    await emu.wait_for(lambda: not daughter.shows_button(f"fnd:{search_id}:yes"), timeout=WAIT)
    after = mother.last_id()
    await emu.send_command(mother.user, "status")
    status = await words(mother, "Your search CARI-000001", after)
    assert "safe and in touch with the embassy" in (status.text or "")
    async with hotline.sessions() as session:
        assert (await session.get_one(Search, search_id)).status == "told"
        kinds = set(await session.scalars(select(ReportEvent.kind)))
    assert {"family_asked", "family_told"} <= kinds
    # the same button again (a stale screen, or forged): nothing more happens
    before = len(emu.bot_messages(MOTHER))
    await emu.press(daughter.user, DAUGHTER, question.message_id, f"fnd:{search_id}:yes", force=True)
    await desk.settled()
    assert len(emu.bot_messages(MOTHER)) == before


async def test_her_no_tells_her_mother_nothing(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    daughter, mother, search_id = await asked(desk)
    quiet = mother.last_id()
    await press(daughter, f"fnd:{search_id}:no")
    async with hotline.sessions() as session:
        for _ in range(50):
            if (await session.get_one(Search, search_id)).status == "declined":
                break
            await asyncio.sleep(0.1)
            session.expire_all()
        assert (await session.get_one(Search, search_id)).status == "declined"
    await desk.settled()
    assert [e for e in emu.bot_messages(MOTHER) if e.message_id > quiet] == []
    await emu.send_command(mother.user, "status")
    status = await words(mother, "Your search CARI-000001", quiet)
    assert STILL in (status.text or "")


async def test_her_delete_closes_the_ask_and_the_mothers_delete_erases_her_search(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    daughter, mother, search_id = await asked(desk)
    await emu.send_command(daughter.user, "delete")
    await daughter.tap("del:yes", None)
    async with hotline.sessions() as session:
        for _ in range(50):
            report = (await session.scalars(select(Report))).one()
            if report.erased_at is not None:
                break
            await asyncio.sleep(0.1)
            session.expire_all()
        assert (await session.get_one(Search, search_id)).status == "closed"
    await emu.send_command(mother.user, "status")
    await words(mother, STILL, 0)
    await emu.send_command(mother.user, "delete")
    await mother.tap("del:yes", None)
    async with hotline.sessions() as session:
        for _ in range(50):
            if await session.get(Search, search_id) is None:
                break
            await asyncio.sleep(0.1)
            session.expire_all()
        assert await session.get(Search, search_id) is None


@pytest.fixture
async def later(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, Clock(emu)) as r:
        yield r


async def test_a_search_from_the_welcome_ends_after_the_retention_days(later: Running) -> None:
    emu, hotline, clock = later.emu, later.hotline, later.clock
    assert isinstance(clock, Clock)
    mother = await mother_searches(emu, hotline, welcome=True)
    days = later.settings.retention_days
    clock.advance((days - 1) * 86400)
    await erase_expired(hotline.sessions, later.settings.reference_prefix, clock(), days)
    after = mother.last_id()
    await emu.send_command(mother.user, "status")
    assert STILL in ((await words(mother, "Your search CARI-000001", after)).text or "")
    clock.advance(2 * 86400)
    await erase_expired(hotline.sessions, later.settings.reference_prefix, clock(), days)
    async with hotline.sessions() as session:
        ended = (await session.scalars(select(Search))).one()
    assert ended.status == "expired" and ended.sought_name is None and ended.seeker_contact is None
    after = mother.last_id()
    await emu.send_command(mother.user, "status")
    await words(mother, "This search has ended. Send /find to look again.", after)


async def test_tolong_typed_while_searching_asks_are_you_in_danger(desk: Running) -> None:
    """Words of fear typed during a search are not the name looked for: "are you in danger now?",
    one tap from an SOS; "No, continue" puts the search's question back."""
    emu, hotline = desk.emu, desk.hotline
    phone = Phone(emu, MOTHER, "en", hotline.catalogs, name="Aminah")
    after = phone.last_id()
    await emu.send_command(phone.user, "find")
    await words(phone, "Looking for a family member or a friend", after)
    await phone.tap("sk:agree:yes", None)
    await words(phone, "What is the full name of the person you are looking for?", after)
    after = phone.last_id()
    await emu.send_text(phone.user, "tolong!!")
    await words(phone, "Are you in danger now?", after)
    assert phone.shows_button("sos")
    assert not [
        e for e in emu.bot_messages(MOTHER) if e.message_id > after and "date of birth" in (e.text or "")
    ]
    after = phone.last_id()
    await phone.tap("dgr:no", None)
    await words(phone, "What is the full name of the person you are looking for?", after)
