"""What officers send is never lost without a word, and what a citizen erases leaves the officers'
chat too. Both runtimes, against the emulator.

- an answer too long for one message is refused before it is confirmed (not "on its way", then lost);
- a reply to the 📄 Details message, or to the bot's own "on its way", reaches the citizen; a reply to
  a bot message that belongs to no case says so;
- an answer Telegram refuses for good (the citizen blocked the bot) is told to the group;
- /delete takes back the Details, the citizen's relayed words, the SOS messages and the pins.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from emulator import Emulator
from storage.models import OutboxMessage
from tests.e2e.conftest import Running, running
from tests.e2e.phone import WAY_HOME, Phone
from tests.e2e.test_officers import GROUP, OFFICER, officer_settings

READ = "An embassy officer will read your report and contact you here."
FROM = "🏛 Message from {mission}:"


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    emu.create_group(GROUP, "Duty officers", [emu.user(OFFICER, first_name="Budi")])
    async with running(officer_settings(emu, tmp_path, framework, "polling"), emu) as r:
        yield r


async def test_answers_are_checked_before_they_are_confirmed_and_replies_anywhere_reach(
    desk: Running,
) -> None:
    emu = desk.emu
    budi = emu.user(OFFICER, first_name="Budi")
    phone = Phone(emu, 5801, "en", desk.hotline.catalogs)
    await phone.skipping_report("yes", READ)
    card = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)

    # 4,070 characters: with the heading, more than one message holds
    await emu.send_command(budi, "reply", args="PNH-000001 " + "x" * 4070, chat_id=GROUP)
    refused = await emu.wait_for_bot_message(GROUP, contains="Not sent:", timeout=10)
    assert "4,096" in (refused.text or "")
    async with desk.hotline.sessions() as session:
        assert (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "relay_out"))
        ).all() == []

    # a reply to the Details message reaches the citizen
    after = phone.last_id()
    await emu.press(budi, GROUP, card.message_id, "o:det:1")
    details = await emu.wait_for_bot_message(GROUP, contains="📄 PNH-000001", timeout=10)
    await emu.reply_to(budi, GROUP, details.message_id, "We saw your details.")
    reached = await phone.expect(FROM, after, mission="KBRI Phnom Penh")
    assert "We saw your details." in (reached.text or "")
    # and a reply to the bot's "on its way" too
    confirmed = await emu.wait_for_bot_message(GROUP, contains="On its way to PNH-000001", timeout=10)
    after = phone.last_id()
    await emu.reply_to(budi, GROUP, confirmed.message_id, "One more thing.")
    assert "One more thing." in ((await phone.expect(FROM, after, mission="KBRI Phnom Penh")).text or "")

    # a reply to a bot message of no case is told, not dropped
    await emu.send_command(budi, "help", chat_id=GROUP)
    help_text = await emu.wait_for_bot_message(GROUP, contains="Duty officer commands", timeout=10)
    await emu.reply_to(budi, GROUP, help_text.message_id, "Are you coming?")
    await emu.wait_for_bot_message(GROUP, contains="This message is not part of a case", timeout=10)


async def test_an_answer_refused_for_good_is_told_to_the_group(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 5802, "en", desk.hotline.catalogs)
    await phone.skipping_report("yes", READ)
    card = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    emu.block(phone.chat_id)
    await emu.reply_to(emu.user(OFFICER, first_name="Budi"), GROUP, card.message_id, "Are you safe?")
    told = await emu.wait_for_bot_message(GROUP, contains="could not be delivered", timeout=15)
    assert "PNH-000001" in (told.text or "") and "blocked the bot" in (told.text or "")


async def test_delete_takes_back_what_the_officers_chat_quoted(desk: Running) -> None:
    emu = desk.emu
    budi = emu.user(OFFICER, first_name="Budi")
    phone = Phone(emu, 5803, "en", desk.hotline.catalogs, name="Melati")
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:yes", "Or choose the city:")
    await phone.locate(11.5564, 104.9282, "Where is your passport?")
    for skip in ("passport", "safety"):
        await phone.tap(f"f:{skip}:-", None)
    await phone.say("Melati Kusuma", "What is your date of birth? For example 17-08-1995.")
    for skip in (
        "birth_date",
        "nik",
        "home_province",
        "phone",
        "family_contact",
        "companions",
        *WAY_HOME,
        "notes",
    ):
        await phone.tap(f"f:{skip}:-", None)
    await phone.tap("sum:send", READ)
    card = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    await emu.press(budi, GROUP, card.message_id, "o:det:1")
    await emu.wait_for_bot_message(GROUP, contains="📄 PNH-000001", timeout=10)
    added = "Thank you. Your message is added to your report {reference}."
    await phone.say("Saya di lantai tiga gedung biru", added, reference="PNH-000001")
    await emu.wait_for_bot_message(GROUP, contains="lantai tiga", timeout=10)
    await phone.command("sos", "🆘 The officers on duty have been alerted. If you can, send your location.")
    await emu.wait_for_bot_message(GROUP, contains="🆘 SOS from PNH-000001", timeout=10)
    await emu.press(budi, GROUP, card.message_id, "o:ack:1")  # acknowledged: a /delete asks once
    await desk.settled()
    await phone.command(
        "delete", "Delete all your data from the hotline? The embassy will no longer see your report."
    )
    await phone.tap("del:yes", None)
    if phone.button_message("del:sure", missing_ok=True) is not None:  # the SOS is recent: asked twice
        await phone.tap("del:sure", "Your data has been deleted. Send /start if you need help again.")

    def quoted() -> list[str]:
        shown = [e for e in emu.bot_messages(GROUP) if not e.deleted]
        return [(e.text or e.kind) for e in shown if e.kind == "location" or any(
            secret in (e.text or "") for secret in ("Melati", "lantai tiga", "11.556"))]  # fmt: skip

    await emu.wait_for(lambda: quoted() == [], timeout=15, what="nothing of hers left in the group")
    assert any("PNH-000001: erased." in (e.text or "") for e in emu.bot_messages(GROUP))


async def test_a_reply_to_a_merged_reference_reaches_the_chat_it_names(desk: Running) -> None:
    """A friend reported Siti from his phone (PNH-000001); she reported herself (PNH-000002), and
    officers merged hers into his. Her message reaches the group as PNH-000002's; /reply PNH-000002
    is for her chat, never for the friend's phone."""
    emu = desk.emu
    budi = emu.user(OFFICER, first_name="Budi")
    friend = Phone(emu, 5811, "en", desk.hotline.catalogs)
    await friend.skipping_report("yes", READ)
    siti = Phone(emu, 5812, "en", desk.hotline.catalogs)
    await siti.skipping_report("yes", READ)
    await emu.wait_for_bot_message(GROUP, contains="PNH-000002", timeout=10)
    async with desk.hotline.sessions() as session, session.begin():
        from storage.models import Report

        reports = {r.reference: r for r in await session.scalars(select(Report))}
        reports["PNH-000002"].merged_into_id = reports["PNH-000001"].id
    friend_seen, siti_seen = friend.last_id(), siti.last_id()
    await emu.send_command(budi, "reply", args="PNH-000002 Stay where you are, Siti.", chat_id=GROUP)
    reached = await siti.expect(FROM, siti_seen, mission="KBRI Phnom Penh")
    assert "Stay where you are, Siti." in (reached.text or "")
    await desk.settled()
    assert [e for e in emu.bot_messages(5811) if e.message_id > friend_seen] == []
