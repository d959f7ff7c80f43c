"""The same person reported twice, end to end on both runtimes: two citizens (two Telegram accounts)
report one person, once by the same NIK, once by the same name spelled another way with the same date
of birth; the later case's card in the officer group names the earlier cases at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from emulator import Emulator
from tests.e2e.conftest import Running, officer_desk
from tests.e2e.phone import WAY_HOME, Phone

GROUP = -1001000000019
OFFICER, STAFF = 9001, 9300


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(emu, tmp_path, framework, "webhook", GROUP, OFFICER, STAFF) as r:
        yield r


async def report(phone: Phone, name: str, born: str, nik: str | None, reference: str) -> None:
    """A short report with a name, a date of birth and maybe a NIK; everything else skipped."""
    await phone.command("start", "Do you agree to continue?")
    await phone.tap("f:welcome:agree", "Is it safe for you to talk now?")
    await phone.tap("f:safe:yes", "Or choose the city:")
    await phone.locate(11.5564, 104.9282, "Where is your passport?")
    await phone.tap("f:passport:-", None)
    await phone.tap("f:safety:-", "What is your full name, as written in your passport?")
    await phone.say(name, "What is your date of birth? For example 17-08-1995.")
    await phone.say(born, "If you know your NIK (the 16-digit number on your KTP), type it.")
    if nik:
        await phone.say(nik, None)
    else:
        await phone.tap("f:nik:-", None)
        await phone.tap("f:home_province:-", None)
    for skip in ("phone", "family_contact", "companions", *WAY_HOME, "notes"):
        await phone.tap(f"f:{skip}:-", None)
    sent = "✅ Your report is sent. Your reference number is {reference}. Please keep it."
    await phone.tap("sum:send", sent, reference=reference)


async def test_the_second_report_of_one_person_names_the_first(desk: Running) -> None:
    emu, catalogs = desk.emu, desk.hotline.catalogs
    await report(Phone(emu, 5501, "en", catalogs), "Siti Aminah", "17/8/95", "3501015708950001", "PNH-000001")
    first = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    assert "Maybe the same person" not in (first.text or "")

    # a relative, from another phone: the name spelled another way, the same date of birth, no NIK
    relative = Phone(emu, 5502, "en", catalogs)
    await report(relative, "Sity Aminah binti Abdullah", "17-08-1995", None, "PNH-000002")
    second = await emu.wait_for_bot_message(GROUP, contains="P3 · PNH-000002", timeout=10)
    assert "⚠️ Maybe the same person as PNH-000001 (like name, same date of birth)" in (second.text or "")

    # herself again, from a friend's phone: the same NIK
    friend = Phone(emu, 5503, "en", catalogs)
    await report(friend, "Siti Aminah", "1995-08-17", "3501015708950001", "PNH-000003")
    third = await emu.wait_for_bot_message(GROUP, contains="P3 · PNH-000003", timeout=10)
    assert "PNH-000001 (same NIK)" in (third.text or "")
    assert "PNH-000002" in (third.text or "")

    # each pair is told once, on the later card: the first card stays as officers know it
    await desk.settled()
    kept = [e for e in emu.transcript(GROUP) if e.message_id == first.message_id]
    assert kept and "Maybe the same person" not in (kept[-1].text or "")
