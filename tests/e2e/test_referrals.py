"""Referrals with consent, on both runtimes: an officer refers a case with /refer; the citizen is
asked first, through the bot, and only after they write when they asked so; their yes tells the
officer group, moves the case to "referred" and opens the partner's file (HTCDS JSON); their no is
respected; a question not answered yet is withdrawn and never arrives; a stale or forged button
answers "no longer active".

The new sentences are not in the catalogues yet (the merger adds them): read in English."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services.casework import Officer
from emulator import Emulator, TranscriptEntry
from tests.e2e.conftest import Running, officer_desk
from tests.e2e.phone import Phone
from tests.e2e.test_officers import report_to_the_end
from tests.referrals.partners import IOM, NGO, PARTNERS_FILE

GROUP = -1001000000019
OFFICER, STAFF = 9001, 9300
WAIT = 10
NO_LONGER = "This button is no longer active."


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(
        emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, partners_file=str(PARTNERS_FILE)
    ) as r:
        yield r


async def officer_says(emu: Emulator, args: str, answer: str) -> str:
    budi = emu.user(OFFICER, first_name="Budi")
    after = max((e.message_id for e in emu.transcript(GROUP)), default=0)
    await emu.send_command(budi, "refer", args=args, chat_id=GROUP)
    said = await emu.wait_for_bot_message(GROUP, contains=answer, timeout=WAIT, after=after)
    return said.text or ""


def shown(emu: Emulator, chat_id: int, message_id: int) -> TranscriptEntry:
    """The message as the phone shows it now (edits included)."""
    return next(e for e in emu.bot_messages(chat_id) if e.message_id == message_id)


async def popped(emu: Emulator, before: int) -> str:
    await emu.wait_for(lambda: len(emu.callback_answers) > before, timeout=WAIT, what="the pop-up")
    return str(emu.callback_answers[before].get("text") or "")


async def test_asked_only_after_writing_then_yes_refers_the_case(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    phone = Phone(emu, 5901, "en", hotline.catalogs)
    await phone.skipping_report("on_reply", "We will only write to you right after you write to us.")
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=WAIT)
    quiet_since = phone.last_id()

    usage = await officer_says(emu, "", "Refer a case to a partner")
    assert "iom (IOM Cambodia (example))" in usage and "polri" in usage
    refused = await officer_says(emu, "PNH-000001 unicef", "There is no partner unicef.")
    assert "iom, ngo, polri" in refused
    held = await officer_says(emu, "PNH-000001 iom Needs a shelter in Phnom Penh", "⏸ PNH-000001")
    assert IOM in held and "right after their next message" in held
    await officer_says(emu, "PNH-000001 iom again", "PNH-000001 is already being referred to")

    await desk.settled()  # the sender had every chance: nothing is written first
    assert [e for e in emu.bot_messages(phone.chat_id) if e.message_id > quiet_since] == []

    await phone.say("hello, I can talk now", None)
    question = await emu.wait_for_bot_message(
        phone.chat_id, contains=f"May we pass your case to {IOM}?", timeout=WAIT, after=quiet_since
    )
    text = question.text or ""
    assert "your name, where you are and what you told us" in text
    assert "nothing changes in the embassy's help" in text
    assert "shelter" in text  # what the partner can help with, in plain words
    assert "Budi" not in text and "Needs a shelter in Phnom Penh" not in text  # officers' words stay theirs

    before = len(emu.callback_answers)
    await emu.press(phone.user, phone.chat_id, question.message_id, "ref:1:yes")
    assert await popped(emu, before) == "Thank you, we have your answer."
    await emu.wait_for(
        lambda: "You said yes" in (shown(emu, phone.chat_id, question.message_id).text or ""), timeout=WAIT
    )
    assert not shown(emu, phone.chat_id, question.message_id).reply_markup  # an answer is final
    told = await emu.wait_for_bot_message(GROUP, contains="🤝 PNH-000001 agrees to be referred", timeout=WAIT)
    assert IOM in (told.text or "")

    case = await hotline.casework.find("PNH-000001")
    assert case is not None and case.stage == "referred" and case.status == "referred"
    assert (case.journey or {}).get("referred_to") == IOM

    # a second press of the same button changes nothing
    before = len(emu.callback_answers)
    await emu.press(phone.user, phone.chat_id, question.message_id, "ref:1:no", force=True)
    assert await popped(emu, before) == NO_LONGER

    # the partner's file, and the HTCDS export, carry the referral fields
    made = await hotline.referrals.partner_file(1, OFFICER)
    assert made is not None and made.name == "PNH-000001-iom.json"
    one = json.loads(made.content)["cases"][0]
    assert one["cas_ReferredOrganisation"] == IOM
    assert one["cas_ReasonForOutgoingReferral"] == "AdditionalServicesRequired"
    assert one["cas_OutgoingReferralDetails"] == "Needs a shelter in Phnom Penh"
    assert one["cas_OutgoingReferralDate"] and one["cas_Status"] == "ClosedReferred"
    exported = await hotline.casework.export_all("json", hotline.settings.zone, Officer(OFFICER, "Budi"))
    with exported.file as file:
        everything = json.loads(file.read())["cases"][0]
    assert everything["cas_ReferredOrganisation"] == IOM
    assert everything["hotline_extension"]["referrals"][0]["status"] == "referred"  # the file was taken
    history = await hotline.casework.history(case.id, hotline.catalogs["en"]) or ""
    assert "referral_asked" in history and "referral_consented" in history and "referral_sent" in history

    listed = await officer_says(emu, "PNH-000001", "Referrals of PNH-000001:")
    assert f"{IOM}: referred" in listed


async def test_no_is_respected_and_nothing_is_passed_on(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    phone = Phone(emu, 5902, "en", hotline.catalogs)
    await report_to_the_end(phone)  # safe to talk: the question goes at once
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=WAIT)

    sent = await officer_says(emu, "1 ngo", "✓ PNH-000001 is being asked about")
    assert NGO in sent
    question = await emu.wait_for_bot_message(phone.chat_id, contains=f"May we pass your case to {NGO}?",
                                              timeout=WAIT)  # fmt: skip
    before = len(emu.callback_answers)
    await emu.press(phone.user, phone.chat_id, question.message_id, "ref:1:no")
    assert await popped(emu, before) == "Thank you, we have your answer."
    await emu.wait_for(
        lambda: (
            "the embassy keeps helping you" in (shown(emu, phone.chat_id, question.message_id).text or "")
        ),
        timeout=WAIT,
    )
    await emu.wait_for_bot_message(GROUP, contains="🙅 PNH-000001 does not want to be referred", timeout=WAIT)
    case = await hotline.casework.find("PNH-000001")
    assert case is not None and case.stage != "referred"
    assert await hotline.referrals.partner_file(1, OFFICER) is None  # never without a yes
    listed = await officer_says(emu, "PNH-000001", "Referrals of PNH-000001:")
    assert f"{NGO}: the citizen said no" in listed


async def test_a_withdrawn_question_never_arrives(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    phone = Phone(emu, 5903, "en", hotline.catalogs)
    await phone.skipping_report("on_reply", "We will only write to you right after you write to us.")
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=WAIT)
    quiet_since = phone.last_id()
    await officer_says(emu, "1 polri", "⏸ PNH-000001")
    gone = await officer_says(emu, "1 withdraw", "Withdrawn: PNH-000001 is no longer asked about")
    assert "Bareskrim" in gone
    await officer_says(emu, "1 withdraw", "PNH-000001 has no question waiting for an answer.")

    await phone.say("hello", None)
    await desk.settled()
    texts = [e.text or "" for e in emu.bot_messages(phone.chat_id) if e.message_id > quiet_since]
    assert not any("May we pass your case" in t for t in texts)
    # a forged button for it (or for a referral that does not exist) changes nothing
    answer = emu.bot_messages(phone.chat_id)[-1]
    for data in ("ref:1:yes", "ref:99:yes", "ref:1:maybe"):
        before = len(emu.callback_answers)
        await emu.press(phone.user, phone.chat_id, answer.message_id, data, force=True)
        assert await popped(emu, before) == NO_LONGER
    listed = await officer_says(emu, "PNH-000001", "Referrals of PNH-000001:")
    assert "withdrawn" in listed
