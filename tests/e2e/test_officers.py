"""Duty officers end to end: cards in the group, acknowledge and take, SOS repeats and escalation,
answers to the citizen in the embassy's name, held replies, refusals, and the export."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.services.outbox import SENDING
from emulator import Emulator, TranscriptEntry
from storage.models import CaseMessage, OutboxMessage, Report, ReportEvent
from tests.e2e.conftest import Clock, Running, e2e_settings, running
from tests.e2e.phone import SAFETY_QUESTION, WAY_HOME, Phone
from tests.support.settle import handling, until

GROUP = -1001000000001
OFFICER, OTHER_OFFICER, SUPERVISOR, STRANGER = 9001, 9002, 9100, 9666


def officer_settings(emu: Emulator, tmp_path: Path, framework: str, mode: str) -> Settings:
    base = e2e_settings(emu, tmp_path, framework, mode)
    return base.model_copy(
        update={
            "officer_chat_id": GROUP,
            "supervisor_ids": (SUPERVISOR,),
            "officer_language": "en",
            "sos_repeat_seconds": 1.0,
            "sos_escalate_seconds": 2.5,
            "member_cache_seconds": 0.0,
        }
    )


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    officers = [emu.user(OFFICER, first_name="Budi"), emu.user(OTHER_OFFICER, first_name="Ani")]
    emu.create_group(GROUP, "Duty officers", officers)
    # the real time, which a test may move on: the SOS watch runs by itself, every second here
    async with running(officer_settings(emu, tmp_path, framework, "polling"), emu, Clock(emu)) as r:
        yield r


async def report_to_the_end(phone: Phone, safe: str = "f:safe:yes") -> None:
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap(safe, "Or choose the city:")
    await phone.locate(11.5564, 104.9282, "Where is your passport?")
    await phone.tap("f:passport:held", "If you know your passport number, type it (for example A1234567).")
    await phone.tap("f:passport_number:-", SAFETY_QUESTION)
    if safe == "f:safe:on_reply":  # not safe to talk: the short report, then the rest with sum:more
        await phone.pick("safety", ("not_free",), "Please check your report:")
        await phone.tap("sum:more", "What is your full name, as written in your passport?")
    else:
        await phone.pick("safety", ("not_free",), "What is your full name, as written in your passport?")
    await phone.say("Siti Aminah", "What is your date of birth? For example 17-08-1995.")
    for skip in ("birth_date", "nik", "home_province", "phone", "family_contact", "companions", *WAY_HOME):
        await phone.tap(f"f:{skip}:-", None)
    await phone.tap("f:notes:-", "Please check your report:")
    await phone.tap(
        "sum:send",
        "✅ Your report is sent. Your reference number is {reference}. Please keep it.",
        reference="PNH-000001",
    )


async def posted_card(emu: Emulator) -> TranscriptEntry:
    """The first case's card, once the bot has stored it (its pin, sent after it, shows that)."""
    entry = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    await emu.wait_for(lambda: any(e.kind == "location" for e in emu.bot_messages(GROUP)), timeout=10)
    return entry


async def stored(desk: Running, message_id: int) -> None:
    """Wait until the bot has stored which case this group message belongs to."""
    for _ in range(100):
        async with desk.hotline.sessions() as session:
            if await session.get(CaseMessage, (GROUP, message_id)) is not None:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"group message {message_id} never linked to a case")


def card(emu: Emulator, reference: str) -> TranscriptEntry:
    for entry in emu.bot_messages(GROUP):
        if entry.text and reference in entry.text.splitlines()[0]:
            return entry
    raise AssertionError(f"no card for {reference} in the group")


async def test_a_report_posts_a_card_that_acknowledge_and_take_edit(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 5101, "id", desk.hotline.catalogs)
    await report_to_the_end(phone)
    entry = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    assert entry.text is not None and entry.text.startswith("🟠 P2")
    assert "Siti Aminah" in entry.text and "openstreetmap.org" in entry.text
    await emu.wait_for(lambda: any(e.kind == "location" for e in emu.bot_messages(GROUP)), timeout=10)
    budi = emu.user(OFFICER, first_name="Budi")
    await emu.press(budi, GROUP, entry.message_id, "o:ack:1")
    await emu.wait_for(lambda: "Acknowledged" in (card(emu, "PNH-000001").text or ""), timeout=10)
    await emu.press(budi, GROUP, entry.message_id, "o:take:1")
    await emu.wait_for(lambda: "Taken by Budi" in (card(emu, "PNH-000001").text or ""), timeout=10)
    assert "o:take" not in str(card(emu, "PNH-000001").reply_markup)  # a taken case has no Take button
    async with desk.hotline.sessions() as session:
        report = (await session.execute(select(Report))).scalar_one()
        kinds = [e.kind for e in (await session.execute(select(ReportEvent))).scalars()]
    assert (report.status, report.assigned_to) == ("in_progress", OFFICER)
    assert "acknowledged" in kinds and "taken" in kinds


async def test_an_unacknowledged_sos_repeats_and_reaches_a_supervisor(desk: Running) -> None:
    emu = desk.emu
    supervisor = emu.user(SUPERVISOR, first_name="Kepala")
    await emu.send_command(supervisor, "start")  # a supervisor has started the bot once
    phone = Phone(emu, 5102, "en", desk.hotline.catalogs)
    await phone.command("start", "Do you agree to continue?")
    await phone.tap(
        "f:welcome:sos", "🆘 The officers on duty have been alerted. If you can, send your location."
    )
    first = await emu.wait_for_bot_message(GROUP, contains="SOS", timeout=10)
    assert "PNH-000001" in (first.text or "")
    repeat = await emu.wait_for_bot_message(GROUP, contains="Not acknowledged yet", timeout=10)
    assert repeat.raw.get("reply_to_message", {}).get("message_id") == first.message_id
    private = await emu.wait_for_bot_message(SUPERVISOR, contains="Not acknowledged yet", timeout=10)
    assert "PNH-000001" in (private.text or "")
    await emu.press(
        supervisor, SUPERVISOR, private.message_id, "o:ack:1"
    )  # acknowledged from the private chat
    await emu.wait_for(lambda: "Acknowledged" in (card(emu, "PNH-000001").text or ""), timeout=10)
    quiet_from = max(e.message_id for e in emu.bot_messages(GROUP))
    assert isinstance(desk.clock, Clock)
    desk.clock.advance(60)  # long past every repeat and escalation
    assert await desk.hotline.watch_once() == 0
    await desk.settled()
    late = [
        e
        for e in emu.bot_messages(GROUP)
        if e.message_id > quiet_from and "Not acknowledged" in (e.text or "")
    ]
    assert late == []  # acknowledged: no more repeats


async def test_replies_go_both_ways_without_the_officers_name(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 5103, "id", desk.hotline.catalogs)
    await report_to_the_end(phone)
    entry = await posted_card(emu)
    budi = emu.user(OFFICER, first_name="Budi")
    after = phone.last_id()
    await emu.reply_to(budi, GROUP, entry.message_id, "Besok jam 9 ke KBRI, bawa KTP kalau ada.")
    message = await phone.expect("🏛 Message from {mission}:", after, mission="KBRI Phnom Penh")
    assert "Besok jam 9 ke KBRI" in (message.text or "") and "Budi" not in (message.text or "")
    await emu.wait_for_bot_message(GROUP, contains="On its way to PNH-000001", timeout=10)
    await emu.send_text(phone.user, "Baik, terima kasih")
    relayed = await emu.wait_for_bot_message(GROUP, contains="Baik, terima kasih", timeout=10)
    assert relayed.raw.get("reply_to_message", {}).get("message_id") == entry.message_id
    # an officer may answer the citizen's message itself, too
    await stored(desk, relayed.message_id)
    after = phone.last_id()
    await emu.reply_to(budi, GROUP, relayed.message_id, "Sama-sama")
    await phone.expect("🏛 Message from {mission}:", after, mission="KBRI Phnom Penh")


async def test_an_answer_given_while_its_card_is_being_recorded_is_not_lost(desk: Running) -> None:
    """The card is on the officers' screen a moment before the bot has recorded whose case it is;
    an officer who answers in that moment still reaches the citizen."""
    emu, hotline = desk.emu, desk.hotline
    phone = Phone(emu, 5105, "en", hotline.catalogs)
    await report_to_the_end(phone)
    entry = await posted_card(emu)
    await stored(desk, entry.message_id)
    # put the bot back in the moment between sending the card and recording it
    async with hotline.sessions() as session, session.begin():
        mapping = await session.get(CaseMessage, (GROUP, entry.message_id))
        assert mapping is not None
        await session.delete(mapping)
        in_flight = OutboxMessage(
            chat_id=GROUP, kind="card", priority=1, payload={}, report_id=1, status=SENDING,
            attempts=1, due_at=datetime.now(UTC), created_at=datetime.now(UTC),
        )  # fmt: skip
        session.add(in_flight)
    after = phone.last_id()
    await emu.reply_to(emu.user(OFFICER, first_name="Budi"), GROUP, entry.message_id, "We are coming.")
    await until(lambda: handling(hotline), what="the answer waiting for its card")
    async with hotline.sessions() as session, session.begin():  # the sender records it now
        session.add(CaseMessage(chat_id=GROUP, message_id=entry.message_id, report_id=1))
        row = await session.get(OutboxMessage, in_flight.id)
        assert row is not None
        row.status = "sent"
    message = await phone.expect("🏛 Message from {mission}:", after, mission="KBRI Phnom Penh")
    assert "We are coming." in (message.text or "")
    await emu.wait_for_bot_message(GROUP, contains="On its way to PNH-000001", timeout=10)


async def test_a_held_reply_waits_until_the_citizen_writes(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 5104, "en", desk.hotline.catalogs)
    await report_to_the_end(phone, safe="f:safe:on_reply")
    entry = await posted_card(emu)
    before = phone.last_id()
    await emu.reply_to(
        emu.user(OFFICER, first_name="Budi"), GROUP, entry.message_id, "Are you still at the factory?"
    )
    await emu.wait_for_bot_message(GROUP, contains="Held:", timeout=10)
    await desk.settled()
    assert [e for e in emu.bot_messages(phone.chat_id) if e.message_id > before] == []  # nothing reached them
    after = phone.last_id()
    await emu.send_text(phone.user, "I can talk now")
    message = await phone.expect("🏛 Message from {mission}:", after, mission="KBRI Phnom Penh")
    assert "still at the factory" in (message.text or "")


async def test_forged_buttons_and_strangers_commands_are_refused(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 5105, "en", desk.hotline.catalogs)
    await report_to_the_end(phone)
    await posted_card(emu)
    # a citizen forges an officer's button on a message in their own chat
    mine = emu.bot_messages(phone.chat_id)[-1]
    query = await emu.press(phone.user, phone.chat_id, mine.message_id, "o:ack:1", force=True)
    await emu.wait_for(
        lambda: any(a["callback_query_id"] == query["id"] for a in emu.callback_answers), timeout=10
    )
    answer = next(a for a in emu.callback_answers if a["callback_query_id"] == query["id"])
    assert "only the embassy's duty officers" in (answer.get("text") or "")
    # a card's button pressed by a stranger in their own chat
    stranger = emu.user(STRANGER, first_name="Stranger", language_code="en")
    await emu.send_text(stranger, "hello")
    theirs = await emu.wait_for_bot_message(STRANGER, timeout=10)
    query = await emu.press(stranger, STRANGER, theirs.message_id, "o:take:1", force=True)
    await emu.wait_for(
        lambda: any(a["callback_query_id"] == query["id"] for a in emu.callback_answers), timeout=10
    )
    # a stranger asks for the case list in a private chat
    after = max(e.message_id for e in emu.transcript(STRANGER))
    await emu.send_command(stranger, "open")
    reply = await emu.wait_for_bot_message(STRANGER, timeout=10, after=after)
    assert "PNH-000001" not in (reply.text or "")
    assert reply.text == desk.hotline.catalogs["en"]("Sorry, only the embassy's duty officers can do this.")
    async with desk.hotline.sessions() as session:
        report = (await session.execute(select(Report))).scalar_one()
    assert report.acknowledged_at is None and report.assigned_to is None


async def test_case_commands_and_the_spreadsheet_export(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 5106, "id", desk.hotline.catalogs)
    await report_to_the_end(phone)
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    budi = emu.user(OFFICER, first_name="Budi")
    await emu.send_command(budi, "tag", args="PNH-000001 wave-3", chat_id=GROUP)
    await emu.wait_for_bot_message(GROUP, contains="tagged wave-3", timeout=10)
    await emu.send_command(budi, "status", args="1 awaiting_documents", chat_id=GROUP)
    await emu.wait_for_bot_message(GROUP, contains="awaiting documents", timeout=10)
    await emu.send_command(budi, "note", args="PNH-000001 ETD requested", chat_id=GROUP)
    await emu.wait_for_bot_message(GROUP, contains="Note added", timeout=10)
    await emu.send_command(budi, "case", args="pnh-1", chat_id=GROUP)
    history = await emu.wait_for_bot_message(GROUP, contains="History:", timeout=10)
    assert "ETD requested" in (history.text or "") and "wave-3" in (history.text or "")
    await emu.send_command(budi, "open", chat_id=GROUP)
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001 · Siti Aminah", timeout=10)
    async with desk.hotline.sessions() as session, session.begin():  # as if the citizen had typed them
        reported = (await session.execute(select(Report))).scalar_one()
        reported.nik, reported.phone = "3201014501990001", "+6281234567890"
    await emu.send_command(budi, "export", chat_id=GROUP)
    await emu.wait_for(lambda: any(e.kind == "document" for e in emu.bot_messages(GROUP)), timeout=10)
    document = next(e for e in emu.bot_messages(GROUP) if e.kind == "document")
    assert document.document is not None and document.protect_content  # it cannot be forwarded
    # a spreadsheet, not a CSV: opened by a tap, the NIK keeps its 16 digits and the phone its +
    assert document.filename is not None and document.filename.endswith(".xlsx")
    assert document.caption == "1 cases"  # the rows the file holds
    sheet = openpyxl.load_workbook(io.BytesIO(document.document))["cases"]
    header = [str(c.value).split(" ")[0] for c in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 1
    assert rows[0]["reference"] == "PNH-000001" and "wave-3" in rows[0]["tags"]
    assert rows[0]["status"] == "awaiting_documents" and rows[0]["stage"] == "reported"
    nik = sheet.cell(2, header.index("nik") + 1)
    assert (nik.value, nik.data_type, nik.number_format) == ("3201014501990001", "s", "@")
    phone = sheet.cell(2, header.index("phone") + 1)
    assert (phone.value, phone.data_type, phone.number_format) == ("+6281234567890", "s", "@")
    async with desk.hotline.sessions() as session:  # it showed personal values: the history says who
        exported = (
            await session.scalars(select(ReportEvent.actor).where(ReportEvent.kind == "exported"))
        ).all()
    assert exported == [f"officer:{OFFICER}"]
