"""/verify and "report a scam" end to end, on both runtimes: the bot names itself (its username from
getMe) and the official website; a scam report reaches the officer group and is counted in that
day's situation report; /verify in the middle of a report puts its question back; a 4,096-character
answer is taken; /delete erases what was reported.

The new msgids are not in the catalogs until they are merged: the phone waits for English text
(language "en", which falls back to the msgid)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from emulator import Emulator, TranscriptEntry
from storage.models import ScamReport
from tests.e2e.conftest import Running, officer_desk
from tests.e2e.phone import WAIT, Phone

GROUP = -1001000000019
OFFICER, STAFF = 9019, 9119
WEBSITE = "https://kemlu.go.id/phnompenh"


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(
        emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, website=WEBSITE, scam_reports_per_day=2
    ) as r:
        yield r


async def act(phone: Phone, how: str, arg: str, text: str) -> TranscriptEntry:
    """Do something on the phone (a command, a tap, a message), then wait for a bot message with
    this (English) text sent after it."""
    after = phone.last_id()
    if how == "command":
        await phone.emu.send_command(phone.user, arg)
    elif how == "tap":
        await phone.emu.wait_for(lambda: phone.shows_button(arg), timeout=WAIT)
        message_id = phone.button_message(arg)
        assert message_id is not None
        await phone.emu.press(phone.user, phone.chat_id, message_id, arg)
    else:
        await phone.emu.send_text(phone.user, arg)
    return await phone.emu.wait_for_bot_message(phone.chat_id, contains=text, timeout=WAIT, after=after)


async def tick(phone: Phone, data: str) -> None:
    """Toggle an answer of a question that takes several: the question's buttons show it ticked."""
    message_id = phone.button_message(data)
    assert message_id is not None
    await phone.emu.press(phone.user, phone.chat_id, message_id, data)
    await phone.emu.wait_for(lambda: phone.ticked(data), timeout=WAIT, what=f"{data} ticked")


async def report_a_scam(phone: Phone, who: str) -> None:
    await act(phone, "tap", "vf:report", "How did they contact you?")
    await act(phone, "tap", "vf:how:whatsapp", "Who contacted you?")
    await act(phone, "text", who, "What did they ask you for?")
    await tick(phone, "vf:asked:money")
    await act(phone, "tap", "vf:asked:done", "Anything else we should know?")
    await act(phone, "tap", "vf:more:-", "Your scam report:")
    await act(phone, "tap", "vf:send", "Thank you. Your report has gone to the embassy's duty officers.")


async def test_verify_and_a_scam_report_that_reaches_the_officers_and_the_daily_report(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    assert any(c["command"] == "verify" for menu in emu.commands.values() for c in menu)  # in the menu
    phone = Phone(emu, 5190, "en", hotline.catalogs)
    said = await act(phone, "command", "verify", "How to know you are talking to the real KBRI Phnom Penh")
    assert said.text is not None
    assert "@hotline_test_bot" in said.text and WEBSITE in said.text
    assert "never asks you to transfer money" in said.text

    await act(phone, "tap", "vf:report", "How did they contact you?")
    await act(phone, "tap", "vf:how:whatsapp", "Who contacted you?")
    await act(phone, "command", "verify", "Who contacted you?")  # /verify mid-report: the question again
    long_who = "Pak Budi, staf KBRI, WA +62 812 3456 7890. " + "x" * 4053
    assert len(long_who) == 4096
    await act(phone, "text", long_who, "What did they ask you for?")
    await tick(phone, "vf:asked:money")
    await act(phone, "tap", "vf:asked:done", "Anything else we should know?")
    await act(phone, "text", "He said my SPLP costs 5 juta", "Your scam report:")
    await act(phone, "tap", "vf:send", "do not pay them")

    card = await emu.wait_for_bot_message(GROUP, contains="Scam reported", timeout=WAIT)
    assert card.text is not None
    assert "How: WhatsApp" in card.text and "Pak Budi, staf KBRI, WA +62 812 3456 7890" in card.text
    assert "Asked for: Money or a transfer" in card.text and "More: He said my SPLP costs 5 juta" in card.text
    assert "Reported by someone without a case." in card.text and "Siti" not in card.text
    assert len(card.text) < 1500  # the long answer was cut short

    figures = await hotline.sitreps.figures(hotline.sitreps.today())
    assert figures.scams == {"whatsapp": 1}
    assert "Scam reports: 1 (WhatsApp 1)" in hotline.sitreps.text(figures, "en")
    assert "Scam reports: 1 (WhatsApp 1)" in hotline.sitreps.caption(figures, "en")

    # a second one is taken; a third within the day gets a plain sentence, and reaches nobody
    await report_a_scam(phone, "@kbri_helpdesk")
    await act(phone, "tap", "vf:report", "You have already sent several scam reports today.")
    await desk.settled()
    assert len([e for e in emu.bot_messages(GROUP) if e.text and "Scam reported" in e.text]) == 2

    # /delete (before any report to the embassy): who and what they said go, the count stays
    await act(phone, "command", "delete", "Delete all your data from the hotline?")
    await act(phone, "tap", "del:yes", "Your data has been deleted.")
    async with hotline.sessions() as session:
        kept = list(await session.scalars(select(ScamReport)))
    assert len(kept) == 2
    assert all(s.who is None and s.detail is None and s.user_id == 0 for s in kept)
    assert (await hotline.sitreps.figures(hotline.sitreps.today())).scam_reports == 2


async def test_verify_in_the_middle_of_the_report_puts_the_question_back(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 5191, "en", desk.hotline.catalogs)
    await act(phone, "command", "start", "Do you agree to continue?")
    await act(phone, "tap", "f:welcome:agree", "Is it safe for you to talk now?")
    await act(phone, "tap", "f:safe:yes", "Or choose the city:")
    await act(phone, "command", "verify", "Or choose the city:")
    # a scam report from the middle of the report, then back to where they were
    await act(phone, "tap", "vf:report", "How did they contact you?")
    for data in ("vf:how:-", "vf:who:-", "vf:asked:-"):
        await act(phone, "tap", data, "?")
    await act(phone, "tap", "vf:more:-", "Your scam report:")
    await act(phone, "tap", "vf:send", "Or choose the city:")
    await emu.wait_for_bot_message(GROUP, contains="Scam reported", timeout=WAIT)
    await desk.settled()
    assert not any("SOS" in (e.text or "") for e in emu.bot_messages(GROUP))
