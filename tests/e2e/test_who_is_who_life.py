"""Who is who across a case's life, end to end on both runtimes and across a restart: Siti reports
("wait until I write"); a friend reports her again from another phone, and the second card names the
first; her mother looks for her with /find; staff merge the two cases; the bot stops, and the
mother's /status waits at Telegram until it is back; an officer asks Siti about her mother and refers
her to a partner by the merged reference; nothing reaches Siti until she writes; her two yeses tell
her mother that she is safe (and only that) and refer her case; /case shows it all; her /delete
erases her name's keys and the referral's details."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Settings
from emulator import Emulator
from storage.models import NameKey, Referral, Report, Search, SearchMatch
from tests.e2e.conftest import e2e_settings, running
from tests.e2e.phone import WAIT, Phone
from tests.e2e.test_duplicates import report as report_as
from tests.e2e.test_families import ASKING, STILL, TOLD, daughter_reports, mother_searches, press, words
from tests.referrals.partners import IOM, PARTNERS_FILE

GROUP, OFFICER, STAFF = -1001000000419, 9419, 9420
FRIEND = 5903


@pytest.fixture
def settings(emu: Emulator, tmp_path: Path, framework: str) -> Settings:
    emu.create_group(GROUP, "Duty officers", [emu.user(OFFICER, first_name="Budi")])
    update = {"officer_chat_id": GROUP, "staff_ids": (STAFF,), "officer_language": "en",
              "partners_file": str(PARTNERS_FILE)}  # fmt: skip
    return e2e_settings(emu, tmp_path, framework, "polling").model_copy(update=update)


async def officer(emu: Emulator, command: str, args: str, answer: str) -> str:
    after = max((e.message_id for e in emu.transcript(GROUP)), default=0)
    await emu.send_command(emu.user(OFFICER, first_name="Budi"), command, args=args, chat_id=GROUP)
    said = await emu.wait_for_bot_message(GROUP, contains=answer, timeout=WAIT, after=after)
    return said.text or ""


async def test_one_person_reported_twice_found_by_her_mother_and_referred(
    emu: Emulator, settings: Settings
) -> None:
    async with running(settings, emu) as desk:
        hotline = desk.hotline
        siti = await daughter_reports(emu, hotline)  # "Siti Nurhaliza", 17-08-1995, wait until I write
        await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=WAIT)
        # a friend reports her from another phone, her name spelled his way
        await report_as(Phone(emu, FRIEND, "en", hotline.catalogs), "Siti Nurhalizah", "17/8/1995", None,
                        "PNH-000002")  # fmt: skip
        second = await emu.wait_for_bot_message(GROUP, contains="P3 · PNH-000002", timeout=WAIT)
        assert "Maybe the same person as PNH-000001" in (second.text or "")
        mother = await mother_searches(emu, hotline)
        await emu.wait_for_bot_message(GROUP, contains="looking for someone (CARI-000001)", timeout=WAIT)

        # staff say the two cases are one person, keeping the first
        [pair] = await hotline.duplicates.listed()
        async with hotline.sessions() as session:
            first, _ = (await session.scalars(select(Report).order_by(Report.id))).all()
        assert (pair.low, pair.high) == ("PNH-000001", "PNH-000002")
        assert await hotline.duplicates.merge(pair.pair_id, first.id, STAFF) == "merged"
        await desk.settled()
        quiet = siti.last_id()

    # the bot is down: the mother asks how it goes; her /status waits at Telegram
    after = mother.last_id()
    await emu.send_command(mother.user, "status")

    async with running(settings, emu) as desk:
        hotline = desk.hotline
        status = await words(mother, STILL, after)
        assert "CARI-000001" in (status.text or "")

        async with hotline.sessions() as session:
            search = (await session.scalars(select(Search))).one()
            matched = set(await session.scalars(select(SearchMatch.report_id)))
        assert first.id in matched
        assert await hotline.families.ask(search.id, first.id, OFFICER)
        held = await officer(emu, "refer", "PNH-000002 iom Needs a shelter", "⏸ PNH-000001")  # the kept case
        assert IOM in held
        await desk.settled()
        assert [e for e in emu.bot_messages(siti.chat_id) if e.message_id > quiet] == []  # nothing first

        await emu.send_text(siti.user, "I can talk now")
        question = await words(siti, ASKING, quiet)
        referral = await emu.wait_for_bot_message(
            siti.chat_id, contains=f"May we pass your case to {IOM}?", timeout=WAIT, after=quiet
        )
        assert "Siti" not in (question.text or "") and "Needs a shelter" not in (referral.text or "")

        told_since = mother.last_id()
        await press(siti, f"fnd:{search.id}:yes")
        told = await words(mother, TOLD, told_since)
        assert "PNH-" not in (told.text or "") and "IOM" not in (told.text or "")  # only that she is safe
        async with hotline.sessions() as session:
            referral_id = (await session.scalars(select(Referral.id))).one()
        await press(siti, f"ref:{referral_id}:yes")
        await emu.wait_for_bot_message(GROUP, contains="🤝 PNH-000001 agrees to be referred", timeout=WAIT)

        case = await hotline.casework.find("PNH-000001")
        assert case is not None and case.stage == "referred"
        history = await officer(emu, "case", "PNH-000002", "History:")  # the merged reference: the kept case
        assert "PNH-000001" in history.splitlines()[0]

        # her /delete: her name's keys and the referral's details go; her mother's news stays told
        await emu.send_command(siti.user, "delete")
        await siti.tap("del:yes", None)
        await emu.wait_for(
            lambda: any(
                "Your data has been deleted" in (e.text or "") for e in emu.bot_messages(siti.chat_id)
            ),
            WAIT,
            what="the erasure's answer",
        )
        async with hotline.sessions() as session:
            mine = NameKey.owner == "report", NameKey.owner_id == first.id
            keys = list(await session.scalars(select(NameKey).where(*mine)))
            details = (await session.scalars(select(Referral.details))).one()
            erased = await session.get_one(Report, first.id)
        assert keys == [] and details is None and erased.full_name is None
