"""Screening end to end, on both runtimes: after a report the citizen is offered a few more
questions, answers some and skips one; the officers' card shows the indicators present (never a
verdict, never to the citizen); an officer records the decision with /screen; the HTCDS export
carries the answers and the decision apart. "Not now", then /update later; /delete erases it all.

The new msgids are not in the catalogs until they are merged: the phone waits for English text
(language "en", which falls back to the msgid)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services.casework import Officer
from emulator import Emulator, TranscriptEntry
from storage.models import Report, ReportEvent
from tests.e2e.conftest import Clock, Running, officer_desk
from tests.e2e.phone import WAIT, Phone

GROUP = -1001000000019
OFFICER, STAFF = 9019, 9119
SENT = "An embassy officer will read your report and contact you here."
OFFER = "A few more questions help us help you"
INDICATORS = (
    "🔎 Indicators present: 5 (deception, restriction of movement, physical and sexual violence, "
    "withholding of wages, debt bondage)"
)


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, Clock(emu)) as r:
        yield r


async def shown(phone: Phone, text: str, after: int = 0) -> TranscriptEntry:
    return await phone.emu.wait_for_bot_message(phone.chat_id, contains=text, timeout=WAIT, after=after)


async def tap(phone: Phone, data: str, expect: str | None) -> None:
    after = phone.last_id()
    await phone.tap(data, None)
    if expect is not None:
        await shown(phone, expect, after)


async def pick(phone: Phone, question: str, values: tuple[str, ...], expect: str) -> None:
    for value in values:
        data = f"scr:a:{question}:{value}"
        await phone.emu.wait_for(partial(phone.shows_button, data), timeout=WAIT)
        message_id = phone.button_message(data)
        assert message_id is not None
        await phone.emu.press(phone.user, phone.chat_id, message_id, data)
        await phone.emu.wait_for(partial(phone.ticked, data), timeout=WAIT, what=f"{data} ticked")
    await tap(phone, f"scr:a:{question}:done", expect)


def card(emu: Emulator) -> str:
    for entry in emu.bot_messages(GROUP):
        if entry.text and "PNH-000001" in entry.text.splitlines()[0]:
            return entry.text
    return ""


async def officer_says(emu: Emulator, command: str, args: str, expect: str) -> str:
    after = max((e.message_id for e in emu.transcript(GROUP)), default=0)
    await emu.send_command(emu.user(OFFICER, first_name="Budi"), command, args=args, chat_id=GROUP)
    said = await emu.wait_for_bot_message(GROUP, contains=expect, timeout=WAIT, after=after)
    return said.text or ""


async def the_report(desk: Running) -> Report:
    async with desk.hotline.sessions() as session:
        return (await session.execute(select(Report))).scalar_one()


async def test_answers_reach_the_card_the_officer_decides_and_the_export_keeps_them_apart(
    desk: Running,
) -> None:
    emu = desk.emu
    phone = Phone(emu, 5190, "en", desk.hotline.catalogs)
    await phone.skipping_report("yes", SENT)
    await shown(phone, OFFER)
    await tap(phone, "scr:start", "How did you hear about the job?")
    await pick(phone, "recruited", ("online_ad",), "Which app was it on?")
    await pick(phone, "app", ("telegram",), "Was the work what you were promised?")
    await tap(phone, "scr:a:promised:other_work", "Could you leave the place")
    await tap(phone, "scr:a:leave:no", "Did anyone ask you or your family for money")
    await tap(phone, "scr:a:ransom:-", "Did anyone threaten or hurt you?")  # skipped
    await pick(phone, "harm", ("hit",), "Were you paid what you were promised?")
    await tap(phone, "scr:a:paid:never", "How was the work and the place you stayed?")
    await tap(phone, "scr:a:conditions:-", "Were you made to chat with people online")
    await pick(phone, "scam", ("whatsapp",), "Do you owe money")
    await tap(phone, "scr:a:debt:yes", "Thank you for telling us.")

    await emu.wait_for(lambda: INDICATORS in card(emu), timeout=WAIT, what="the indicators on the card")
    report = await the_report(desk)
    assert report.screening == {
        "recruited": ["online_ad"], "app": ["telegram"], "promised": "other_work", "leave": "no",
        "ransom": None, "harm": ["hit"], "paid": "never", "conditions": None, "scam": ["whatsapp"],
        "debt": "yes",
    }  # fmt: skip
    assert report.screening_decision is None  # the answers decide nothing

    said = await officer_says(
        emu, "screen", "PNH-000001 possible_victim met at the shelter", "decision recorded"
    )
    assert "possible victim of trafficking" in said
    await emu.wait_for(lambda: "⚖️ Screening decision: possible victim" in card(emu), timeout=WAIT)
    # nothing of it reaches the citizen, asked (/status) or unasked
    seen = phone.last_id()
    await desk.settled()
    assert phone.last_id() == seen
    status = await phone.command("status", None)
    assert not any(word in (status.text or "").lower() for word in ("indicator", "victim", "screening"))

    exported = await desk.hotline.casework.export_all("json", desk.settings.zone, Officer(OFFICER, "Budi"))
    with exported.file as file:
        case = json.loads(file.read())["cases"][0]
    assert case["vic_MethodOfRecruitment"] == ["ThroughAnOnlineAdvertisement"]
    assert case["vic_RecruitmentWebsitesAndApps"] == ["Telegram"]
    assert case["vic_ExploitationWebsitesAndApps"] == ["WhatsApp"]
    assert case["vic_TypeOfExploitation"] == ["ForcedLabour"]
    assert case["vic_MethodsOfControl"] == ["FalsePromises", "PhysicalAbuse", "TakesEarnings", "DebtBondage"]
    assert case["vic_TraffickingStatus"] == "PossibleVictimOfTrafficking"  # the officer's, apart
    assert case["vic_TraffickingStatusDecisionMakingOrg"] == "NonPoliceGovernmentalOrganization"
    extension = case["hotline_extension"]
    assert extension["screening_decision"] == "possible_victim"
    assert extension["screening_indicators"] == (
        "deception,restriction_of_movement,physical_sexual_violence,withholding_of_wages,debt_bondage"
    )


async def test_not_now_then_update_later_and_delete_erases_it_all(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 5191, "en", desk.hotline.catalogs)
    await phone.skipping_report("yes", SENT)
    await shown(phone, OFFER)
    offer = phone.button_message("scr:no")
    assert offer is not None
    await emu.press(phone.user, phone.chat_id, offer, "scr:no")  # a pop-up answers, no message
    await emu.wait_for(lambda: not phone.shows_button("scr:no"), timeout=WAIT, what="the offer closed")
    assert "/update" in str(emu.callback_answers[-1])

    await phone.command("update", "What do you want to update?")
    await tap(phone, "scr:start", "How did you hear about the job?")
    await pick(phone, "recruited", ("friend",), "Was the work what you were promised?")
    await tap(phone, "scr:a:promised:other_terms", "Could you leave the place")
    await tap(phone, "scr:stop", "Alright, we stop here.")
    await emu.wait_for(lambda: "🔎 Indicators present: 1 (deception)" in card(emu), timeout=WAIT)
    await officer_says(emu, "screen", "PNH-000001 unclear sister says she was locked in", "decision recorded")
    report = await the_report(desk)
    assert report.screening == {"recruited": ["friend"], "promised": "other_terms"}
    assert report.screening_decision == "unclear" and report.screening_note == "sister says she was locked in"

    await phone.command(
        "delete", "Delete all your data from the hotline? The embassy will no longer see your report."
    )
    await phone.tap("del:yes", "Your data has been deleted. Send /start if you need help again.")
    await emu.wait_for(lambda: "🗑 Personal data erased" in card(emu), timeout=WAIT, what="the erasure")
    report = await the_report(desk)
    assert report.screening is None and report.screening_at is None
    assert (report.screening_decision, report.screening_note, report.screening_by) == (None, None, None)
    assert "🔎" not in card(emu) and "⚖️" not in card(emu)
    async with desk.hotline.sessions() as session:
        events = (await session.scalars(select(ReportEvent).where(ReportEvent.kind.like("screening%")))).all()
    assert [e.kind for e in events] == ["screening", "screening_decision"]  # what happened, not what was said
    assert "sister" not in json.dumps([e.detail for e in events])
