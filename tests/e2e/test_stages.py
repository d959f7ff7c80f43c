"""A case's way home from the officer group, on both runtimes: /stage moves one case through every
stage, each answer naming where it stands, the card edited to show it, /case listing the moves, and
the citizen's /status saying where they stand in plain words, never a number or an officer's name.

The new sentences are not in the catalogues yet (the merger adds them), so they are read in English,
the fallback of a msgid a catalogue lacks.
"""

from __future__ import annotations

from datetime import UTC, datetime

from emulator import Emulator
from tests.e2e.conftest import Running
from tests.e2e.phone import Phone
from tests.e2e.test_officers import GROUP, OFFICER, card, desk, posted_card, report_to_the_end

__all__ = ["desk"]
CITIZEN = 5301
WAIT = 10


async def officer_says(emu: Emulator, args: str, answer: str) -> str:
    budi = emu.user(OFFICER, first_name="Budi")
    after = max((e.message_id for e in emu.transcript(GROUP)), default=0)
    await emu.send_command(budi, "stage", args=args, chat_id=GROUP)
    said = await emu.wait_for_bot_message(GROUP, contains=answer, timeout=WAIT, after=after)
    return said.text or ""


async def citizen_reads(emu: Emulator, words: str) -> str:
    user = emu.user(CITIZEN, first_name="Siti", language_code="en")
    after = max((e.message_id for e in emu.transcript(CITIZEN)), default=0)
    await emu.send_command(user, "status")
    said = await emu.wait_for_bot_message(CITIZEN, contains=words, timeout=WAIT, after=after)
    return said.text or ""


async def test_an_officer_moves_a_case_home_and_the_citizen_reads_where_they_stand(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, CITIZEN, "en", desk.hotline.catalogs)
    await report_to_the_end(phone)
    await posted_card(emu)

    usage = await officer_says(emu, "PNH-000001", "Move a case on its way home:")
    assert "/stage REF splp B1234567 2026-12-03" in usage
    refused = await officer_says(emu, "1 splp hello", "An SPLP number is a few letters then digits")
    assert "Move a case on its way home:" in refused  # and how to write it
    await officer_says(emu, "1 cleared maybe", "Say what became of the overstay fine: waived, paid or none.")
    await officer_says(emu, "1 teleported", "Unknown stage teleported.")
    # a seat, its notice and its check-in come with a flight: not from /stage
    await officer_says(emu, "1 flight 7", "from the flight's page in the console")
    await officer_says(emu, "1 berangkat", "from the flight's page in the console")

    today = datetime.now(UTC).astimezone(desk.settings.zone).date().isoformat()
    way = [
        ("PNH-000001 verified ktp", "identity verified (KTP)", "We have checked who you are."),
        (f"pnh-1 splp B1234567 {today}", "SPLP issued B1234567", "Your travel document is ready."),
        ("1 cleared waived IMI-778", "cleared by immigration (fine waived, exit permit IMI-778)",
         "Immigration has cleared you to go home."),
        ("1 arrived Soekarno-Hatta", "arrived at Soekarno-Hatta", "Welcome home! Take care."),
    ]  # fmt: skip
    for args, where, plain in way:
        said = await officer_says(emu, args, "PNH-000001 is now at:")
        assert where in said, (args, said)
        line = f"🧭 Stage: {where}"
        await emu.wait_for(lambda: line in (card(emu, "PNH-000001").text or ""), timeout=WAIT)  # noqa: B023
        status = await citizen_reads(emu, plain)
        assert "B1234567" not in status and "Budi" not in status and str(OFFICER) not in status
    assert "repatriated" in (card(emu, "PNH-000001").text or "")  # the status kept in step
    assert "you are back home" in status
    await officer_says(
        emu, "1 arrived Soekarno-Hatta", "PNH-000001 is already at: arrived at Soekarno-Hatta."
    )

    # a correction, then an ending
    await officer_says(emu, "1 rujuk IOM", "referred to IOM")
    await citizen_reads(emu, "We have passed your case to a partner who can help.")
    await officer_says(emu, "1 closed went home by bus", "closed (went home by bus)")
    closed = await citizen_reads(emu, "Your case is closed. Write to us here if you need help again.")
    assert "bus" not in closed  # the reason is the officers'

    budi = emu.user(OFFICER, first_name="Budi")
    after = max(e.message_id for e in emu.transcript(GROUP))
    await emu.send_command(budi, "case", args="PNH-000001", chat_id=GROUP)
    history = await emu.wait_for_bot_message(GROUP, contains="History:", timeout=WAIT, after=after)
    text = history.text or ""
    assert text.index("→ identity verified (KTP)") < text.index("→ arrived at Soekarno-Hatta")
    assert "→ closed (went home by bus)" in text and f"officer:{OFFICER} · stage" in text
