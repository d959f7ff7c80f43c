"""The safety loop across a case's life, end to end on both runtimes through the emulator: every SOS
reaches a person (a new message at any moment, repeated and escalated until that SOS is
acknowledged, through a group Telegram cannot reach for a quarter of an hour), and the phone gives
nothing away (held messages wait for the citizen's own message, /hide takes everything the bot sent).

Time is the hotline's injected clock, moved by the test (services' timers, the outbox's back-off);
the SOS watch is run once at a time (`Hotline.watch_once`) instead of waiting for its tick.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.flow.asking import HIDE_OFFER, TRANSFER_WARNING
from bot.services.broadcasts import Filters, Plan, launch
from emulator import Emulator, TranscriptEntry
from storage.models import Citizen, OutboxMessage, Report, ReportEvent, SosAlert
from tests.e2e.conftest import Clock, Running, officer_desk
from tests.e2e.phone import SAFETY_QUESTION, WAY_HOME, Phone

GROUP = -1001000000014
OFFICER, STAFF, SUPERVISOR = 9001, 9300, 9100
ALERTED = "🆘 The officers on duty have been alerted. If you can, send your location."
MAY_WE = "May we write to you first, or should we wait until you write to us?"
SENT = "✅ Your report is sent. Your reference number is {reference}. Please keep it."
DANGER = "Are you in danger now?"
READ = "An embassy officer will read your report and contact you here."
SEARCHING = (
    "Officers are looking for you right now because of your SOS. If you delete your data, they lose "
    "where you are and what you told them. Delete it anyway?"
)
REPEAT, ESCALATE = 300.0, 900.0


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    clock = Clock(emu)
    async with officer_desk(
        emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, clock=clock,
        supervisor_ids=(SUPERVISOR,), sos_repeat_seconds=REPEAT, sos_escalate_seconds=ESCALATE,
        member_cache_seconds=0.0, group_rate_per_minute=600,
    ) as r:  # fmt: skip
        yield r


def clock_of(desk: Running) -> Clock:
    assert isinstance(desk.clock, Clock)
    return desk.clock


def sos_posts(emu: Emulator) -> list[TranscriptEntry]:
    return [e for e in emu.bot_messages(GROUP) if (e.text or "").startswith("🆘 SOS from")]


def replied_to(entry: TranscriptEntry) -> int | None:
    found = entry.raw.get("reply_to_message", {}).get("message_id")
    return int(found) if found is not None else None


def card(emu: Emulator) -> TranscriptEntry:
    return next(e for e in emu.bot_messages(GROUP) if (e.text or "").split("\n")[0].endswith("PNH-000001"))


async def events(desk: Running, kind: str) -> list[ReportEvent]:
    async with desk.hotline.sessions() as session:
        return list(await session.scalars(select(ReportEvent).where(ReportEvent.kind == kind)))


async def recorded(desk: Running, count: int) -> None:
    """Wait until the bot has recorded `count` SOS alerts as posted (shortly after the group shows them)."""
    for _ in range(100):
        async with desk.hotline.sessions() as session:
            alerts = list(await session.scalars(select(SosAlert)))
        if sum(1 for a in alerts if a.message_id is not None and a.alerted_at is not None) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} SOS alerts recorded as posted")


async def press_in_group(desk: Running, message: TranscriptEntry, data: str, user: int = OFFICER) -> None:
    emu = desk.emu
    await emu.press(emu.user(user, first_name="Budi"), GROUP, message.message_id, data)


async def sos(phone: Phone, how: str = "command") -> TranscriptEntry:
    """An SOS by the command, the word, or the 🆘 under the open question; the citizen's answer."""
    if how == "word":
        return await phone.say("SOS", ALERTED)
    if how == "button":
        return await phone.tap("sos", ALERTED)
    return await phone.command("sos", ALERTED)


async def test_every_sos_is_a_new_message_until_that_sos_is_acknowledged(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    clock = clock_of(desk)
    phone = Phone(emu, 5401, "en", hotline.catalogs)
    await emu.send_command(emu.user(SUPERVISOR, first_name="Kepala"), "start")  # started the bot once
    await phone.skipping_report("yes", READ)
    posted = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)

    # 1. after sending, before anyone acknowledged the card
    answer = await sos(phone)
    assert phone.t(MAY_WE) in (answer.text or "")  # and the emergency number, in the same message
    first = await emu.wait_for_bot_message(GROUP, contains="🆘 SOS from PNH-000001", timeout=10)
    assert replied_to(first) == posted.message_id  # the case's history is one tap away
    assert "o:ack:1" in str(first.reply_markup)
    await emu.wait_for(lambda: "waiting for an officer" in (card(emu).text or ""), timeout=10)

    # a pin shared after an SOS: a fresh pin in the group, in reply to that SOS
    await phone.locate(
        11.57, 104.93, "Thank you. Your report {reference} is updated.", reference="PNH-000001"
    )

    def pinned() -> bool:
        return any(
            e.kind == "location" and replied_to(e) == first.message_id for e in emu.bot_messages(GROUP)
        )

    await emu.wait_for(pinned, timeout=10, what="a pin in reply to the SOS")

    # acknowledged from the SOS's own message: its button goes, the acknowledgment is an event
    await press_in_group(desk, first, "o:ack:1")
    await emu.wait_for(lambda: "o:ack" not in str(sos_posts(emu)[0].reply_markup), timeout=10)
    assert len(await events(desk, "sos_acknowledged")) == 1

    # 2. after the acknowledgment, by the 🆘 under the "done" message
    await phone.command("status", "Your report {reference}: {status}.", reference="PNH-000001",
                        status=phone.t("seen by an officer"))  # fmt: skip
    await sos(phone, "button")
    await emu.wait_for(lambda: len(sos_posts(emu)) == 2, timeout=10)
    second = sos_posts(emu)[1]
    assert "SOS number 2 of this case" in (second.text or "") and replied_to(second) == posted.message_id

    # taken (status moved on): taking acknowledges the SOS waiting
    await press_in_group(desk, card(emu), "o:take:1")
    await emu.wait_for(lambda: "Taken by Budi" in (card(emu).text or ""), timeout=10)
    await emu.send_command(emu.user(OFFICER, first_name="Budi"), "status", args="1 awaiting_documents",
                           chat_id=GROUP)  # fmt: skip
    await emu.wait_for_bot_message(GROUP, contains="awaiting documents", timeout=10)

    # 3. the word SOS, in a case taken and waiting for documents
    await sos(phone, "word")
    await emu.wait_for(lambda: len(sos_posts(emu)) == 3, timeout=10)
    third = sos_posts(emu)[2]
    assert "SOS number 3" in (third.text or "")

    # nobody acknowledges this one: it repeats, in reply to itself, then reaches the supervisor
    await recorded(desk, 3)  # the watch counts from the moment the bot recorded the SOS as posted
    assert await hotline.watch_once() == 0  # not yet
    clock.advance(REPEAT + 1)
    assert await hotline.watch_once() == 1
    repeat = await emu.wait_for_bot_message(GROUP, contains="Not acknowledged yet", timeout=10)
    assert replied_to(repeat) == third.message_id and "SOS number 3" in (repeat.text or "")
    assert await hotline.watch_once() == 0  # one repeat at a time
    clock.advance(ESCALATE)
    await hotline.watch_once()
    supervisor = emu.user(SUPERVISOR, first_name="Kepala")
    private = await emu.wait_for_bot_message(SUPERVISOR, contains="PNH-000001", timeout=10)
    assert "Not acknowledged yet" in (private.text or "")
    escalated = [e for e in emu.bot_messages(SUPERVISOR) if "PNH-000001" in (e.text or "")]
    assert len(escalated) == 1  # the two acknowledged SOS never reached the supervisor
    await emu.press(supervisor, SUPERVISOR, private.message_id, "o:ack:1")
    await emu.wait_for(lambda: "o:ack" not in str(sos_posts(emu)[2].reply_markup), timeout=10)
    clock.advance(REPEAT + 1)
    assert await hotline.watch_once() == 0  # acknowledged: quiet

    assert len(await events(desk, "sos")) == 3 and len(await events(desk, "sos_acknowledged")) == 3
    async with hotline.sessions() as session:
        alerts = list(await session.scalars(select(SosAlert).order_by(SosAlert.id)))
    assert [a.acknowledged_by for a in alerts] == [OFFICER, OFFICER, SUPERVISOR]


async def test_an_sos_reaches_the_group_when_telegram_comes_back(desk: Running) -> None:
    """The group unreachable for a quarter of an hour (90 tries, where the outbox used to give up
    after 20): the SOS is never given up, the supervisor hears of it meanwhile, and it is posted once
    when the group answers again."""
    emu, hotline = desk.emu, desk.hotline
    clock = clock_of(desk)
    phone = Phone(emu, 5402, "en", hotline.catalogs)
    await phone.skipping_report("yes", READ)
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    await emu.send_command(emu.user(SUPERVISOR, first_name="Kepala"), "start")

    emu.inject_fault("sendMessage", count=90, code=502, chat_id=GROUP)
    await sos(phone)  # the citizen's own answer is not held up: only the group is down
    for _ in range(900):
        if sos_posts(emu):
            break
        clock.advance(10)  # more than the longest wait between two tries of an alert (5 s)
        await hotline.watch_once()
        hotline.wake()
        await asyncio.sleep(0.03)
    assert emu.faults_injected["sendMessage:error:502"] == 90
    assert len(sos_posts(emu)) == 1
    await emu.wait_for_bot_message(SUPERVISOR, contains="PNH-000001", timeout=10)
    async with hotline.sessions() as session:
        failed = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.status == "failed")))
    assert failed == []


async def test_sos_first_asks_whether_we_may_write_first(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    phone = Phone(emu, 5403, "en", hotline.catalogs)
    answer = await phone.command("sos", ALERTED)
    await phone.expect("Or choose the city:", answer.message_id)  # the rest of the answer: where are you
    text = answer.text or ""
    assert phone.t(TRANSFER_WARNING) in text and phone.t(MAY_WE) in text  # one message, not three
    posted = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    assert "not said yet: only write after they write" in (posted.text or "")

    # an officer's answer waits: they have not said it is safe
    before = phone.last_id()
    await emu.reply_to(emu.user(OFFICER, first_name="Budi"), GROUP, posted.message_id, "Where are you?")
    await emu.wait_for_bot_message(GROUP, contains="Held:", timeout=10)
    await desk.settled()
    assert [e for e in emu.bot_messages(phone.chat_id) if e.message_id > before] == []

    # they answer "you may write first": the buttons go, then the held answer arrives
    await emu.press(phone.user, phone.chat_id, answer.message_id, "pref:any")
    message = await phone.expect("🏛 Message from {mission}:", before, mission="KBRI Phnom Penh")
    assert "Where are you?" in (message.text or "")
    assert not (next(e for e in emu.transcript(phone.chat_id) if e.message_id == answer.message_id)
                .reply_markup or {}).get("inline_keyboard")  # fmt: skip
    await emu.wait_for(lambda: "may be written to" in (card(emu).text or ""), timeout=10)
    async with hotline.sessions() as session:
        citizen = (await session.execute(select(Citizen))).scalar_one()
    assert citizen.contact_pref == "any"


async def test_a_held_answer_waits_through_hide_delete_and_status(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    phone = Phone(emu, 5404, "en", hotline.catalogs)
    await phone.skipping_report("on_reply", READ)
    posted = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    await emu.reply_to(emu.user(OFFICER, first_name="Budi"), GROUP, posted.message_id, "Call us at 9.")
    await emu.wait_for_bot_message(GROUP, contains="Held:", timeout=10)

    def reached() -> bool:
        return any("Call us at 9." in (e.text or "") for e in emu.bot_messages(phone.chat_id))

    await phone.command("status", "Your report {reference}: {status}.", reference="PNH-000001",
                        status=phone.t("received, waiting for an officer"))  # fmt: skip
    await phone.command("hide", HIDE_OFFER)
    await emu.press(phone.user, phone.chat_id, phone.button_message("hide:no") or 0, "hide:no")
    await phone.command(
        "delete", "Delete all your data from the hotline? The embassy will no longer see your report."
    )
    await phone.tap("del:no", "Your report {reference} is with the embassy.", reference="PNH-000001")
    await phone.command("hide", HIDE_OFFER)
    await emu.press(phone.user, phone.chat_id, phone.button_message("hide:yes") or 0, "hide:yes")
    await emu.wait_for(lambda: all(e.deleted for e in emu.transcript(phone.chat_id)), timeout=10)
    await desk.settled()  # the sender had every chance
    assert not reached()  # hiding the chat because someone is near must not bring a message in

    # their own message: the bot's answer first, then what waited
    after = phone.last_id()
    thanks = await phone.say("I can talk now", "Thank you. Your message is added to your report {reference}.",
                             reference="PNH-000001")  # fmt: skip
    held = await phone.expect("🏛 Message from {mission}:", after, mission="KBRI Phnom Penh")
    assert thanks.message_id < held.message_id and "Call us at 9." in (held.text or "")


async def test_hide_takes_the_officers_answers_and_the_broadcasts_too(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    phone = Phone(emu, 5405, "id", hotline.catalogs)
    await phone.skipping_report("yes", READ)
    posted = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    after = phone.last_id()
    await emu.reply_to(emu.user(OFFICER, first_name="Budi"), GROUP, posted.message_id, "Kami datang jam 9.")
    await phone.expect("🏛 Message from {mission}:", after, mission="KBRI Phnom Penh")
    async with hotline.sessions() as session, session.begin():
        plan = Plan(Filters({}), "Besok kumpul di KBRI jam 8.", "Tomorrow at 8 at the embassy.", "", None)
        await launch(session, plan, STAFF, STAFF, None, datetime.now(UTC))
    hotline.broadcasts.wake()
    await emu.wait_for_bot_message(phone.chat_id, contains="Besok kumpul di KBRI", timeout=15, after=after)
    # the outbox recorded both sends on the citizen's phone before /hide is pressed
    await desk.settled()
    await phone.command("hide", HIDE_OFFER)
    await emu.press(phone.user, phone.chat_id, phone.button_message("hide:yes") or 0, "hide:yes")
    await emu.wait_for(lambda: all(e.deleted for e in emu.transcript(phone.chat_id)), timeout=10)
    kept = [e.text for e in emu.transcript(phone.chat_id) if not e.deleted]
    assert kept == []
    answers = [a.get("text") for a in emu.callback_answers]
    assert phone.t("Deleted. Send /sos at any time if you are in danger.") in answers


async def test_delete_during_an_sos_asks_again_and_tells_the_group(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    phone = Phone(emu, 5406, "id", hotline.catalogs)
    await phone.command("sos", ALERTED)
    posted = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    await phone.command(
        "delete", "Delete all your data from the hotline? The embassy will no longer see your report."
    )
    await phone.tap("del:yes", SEARCHING)
    await phone.tap("del:sure", "Your data has been deleted. Send /start if you need help again.")
    told = await emu.wait_for_bot_message(GROUP, contains="deleted their data while officers", timeout=10)
    assert replied_to(told) == posted.message_id and "PNH-000001" in (told.text or "")
    async with hotline.sessions() as session:
        report = (await session.execute(select(Report))).scalar_one()
    assert report.erased_at is not None and report.profile_name is None


async def test_the_short_report_and_several_answers(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    phone = Phone(emu, 5407, "en", hotline.catalogs)
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    answer = await phone.tap("f:safe:on_reply", "We will only write to you right after you write to us.")
    assert "Only three short questions now" in (answer.text or "")
    await phone.locate(11.5564, 104.9282, "Where is your passport?")
    await phone.tap("f:passport:held", "If you know your passport number, type it (for example A1234567).")
    await phone.tap("f:passport_number:-", SAFETY_QUESTION)
    summary = await phone.pick("safety", ("threatened", "doctor"), "Please check your report:")
    assert summary is not None
    text = summary.text or ""
    assert "Threatened or hurt, I need a doctor" in text and "Name" not in text
    assert "later with /update" in text
    await phone.tap("sum:send", SENT, reference="PNH-000001")
    posted = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    assert (posted.text or "").startswith("🔴 P1")  # the most urgent of the answers counts
    assert "Threatened or hurt, I need a doctor" in (posted.text or "")

    # the rest, later, when it is safe
    await phone.command("update", "What do you want to update?")
    await phone.tap("upd:more", "What is your full name, as written in your passport?")
    await phone.say("Dewi Lestari", "What is your date of birth? For example 17-08-1995.")
    for skip in ("birth_date", "nik", "home_province", "phone", "family_contact", "companions", *WAY_HOME):
        await phone.tap(f"f:{skip}:-", None)
    await phone.tap("f:notes:-", "Thank you. Your report {reference} is updated.", reference="PNH-000001")
    async with hotline.sessions() as session:
        report = (await session.execute(select(Report))).scalar_one()
    assert (report.full_name, report.safety, report.priority) == ("Dewi Lestari", "threatened,doctor", "P1")


async def test_words_of_fear_ask_and_only_a_tap_raises_an_sos(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    phone = Phone(emu, 5408, "id", hotline.catalogs)
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:yes", "Or choose the city:")
    await phone.locate(11.5564, 104.9282, "Where is your passport?")
    question = await phone.say("tolong!!", DANGER)
    assert "sos" in str(question.reply_markup)
    await desk.settled()
    assert emu.bot_messages(GROUP) == []  # no SOS without a tap
    await phone.tap("dgr:no", "Where is your passport?")
    await phone.tap("f:passport:-", None)
    await phone.tap("f:safety:-", None)
    for skip in ("full_name", "birth_date", "nik", "home_province", "phone", "family_contact", "companions"):
        await phone.tap(f"f:{skip}:-", None)
    for skip in WAY_HOME:
        await phone.tap(f"f:{skip}:-", None)
    # "tolong" in a sentence, where the question asked for text, is an answer
    summary = await phone.say("tolong hubungi ibu saya", "Please check your report:")
    assert "tolong hubungi ibu saya" in (summary.text or "")
    await phone.tap("sum:send", SENT, reference="PNH-000001")
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    # after sending: passed on to the officers as it is, and asked
    await phone.say("help me", DANGER)
    await emu.wait_for_bot_message(GROUP, contains="help me", timeout=10)
    assert sos_posts(emu) == []
    await phone.tap("sos", ALERTED)
    await emu.wait_for(lambda: len(sos_posts(emu)) == 1, timeout=10)
