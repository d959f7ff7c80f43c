"""A group that strangers made and added the bot to: staff and supervisors in it get nothing of a
case (no /case, /open, /export, no Details button, no broadcast panel), on both runtimes; in a
private chat the same commands work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from emulator import Emulator
from storage.models import Report
from tests.e2e.conftest import Running, running
from tests.e2e.phone import Phone
from tests.e2e.test_officers import GROUP, OFFICER, SUPERVISOR, officer_settings

STRANGERS = -1001000000666
STAFF = 9300


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    emu.create_group(GROUP, "Duty officers", [emu.user(OFFICER, first_name="Budi")])
    settings = officer_settings(emu, tmp_path, framework, "polling").model_copy(
        update={"staff_ids": (STAFF,)}
    )
    async with running(settings, emu) as r:
        yield r


async def test_staff_commands_and_buttons_do_nothing_in_a_strangers_group(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 5701, "en", desk.hotline.catalogs)
    await phone.skipping_report("yes", "An embassy officer will read your report and contact you here.")
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    staff = emu.user(STAFF, first_name="Staf")
    supervisor = emu.user(SUPERVISOR, first_name="Kepala")
    stranger = emu.user(9777, first_name="Stranger")
    emu.create_group(STRANGERS, "Lowongan kerja", [staff, supervisor, stranger])
    for who in (staff, supervisor):
        for command, args in (("case", "1"), ("open", ""), ("export", ""), ("mine", ""), ("broadcast", ""),
                              ("broadcasts", ""), ("reply", "1 hello")):  # fmt: skip
            await emu.send_command(who, command, args=args, chat_id=STRANGERS)
    await emu.send_text(stranger, "hello bot", chat_id=STRANGERS)
    posted = await emu.send_text(stranger, "a message to press on", chat_id=STRANGERS)
    for n, data in enumerate(("o:det:1", "o:ack:1", "o:take:1", "bc:rep:1", "bc:csv:1")):
        forged = {"id": f"forged-{n}", "from": {"id": STAFF, "is_bot": False, "first_name": "Staf"},
                  "message": posted, "chat_instance": "1", "data": data}  # fmt: skip
        emu.queue_raw_update({"callback_query": forged}, chat_id=STRANGERS)
    await emu.wait_for(lambda: emu.pending_updates == 0, timeout=10)
    await desk.settled()  # whatever the bot would say there, it has said by now
    said = [(e.text or e.kind) for e in emu.bot_messages(STRANGERS)]
    assert said == []  # not a reference, a name, a count or a file
    assert not any(e.kind == "document" for e in emu.bot_messages(STRANGERS))
    async with desk.hotline.sessions() as session:
        report = await session.get(Report, 1)
    assert report is not None and report.acknowledged_at is None and report.assigned_to is None
    # the same staff member, in a private chat with the bot: it works
    await emu.send_command(staff, "case", args="1")
    await emu.wait_for_bot_message(STAFF, contains="PNH-000001", timeout=10)


async def test_forged_case_numbers_from_an_officer_are_answered_not_crashed(desk: Running) -> None:
    """A case number past what a database holds, or written in other digits: the tap is answered
    ("no longer active"), nothing fails."""
    emu = desk.emu
    phone = Phone(emu, 5702, "en", desk.hotline.catalogs)
    await phone.skipping_report("yes", "An embassy officer will read your report and contact you here.")
    card = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    budi = emu.user(OFFICER, first_name="Budi")
    forged = ("o:det:1234567890123456789012345", "o:ack:²", "o:take:٣", "o:det:99999999999999999999")
    queries = [await emu.press(budi, GROUP, card.message_id, data, force=True) for data in forged]
    wanted = {q["id"] for q in queries}
    await emu.wait_for(lambda: wanted <= {a["callback_query_id"] for a in emu.callback_answers}, timeout=10)
    texts = {a.get("text") for a in emu.callback_answers if a["callback_query_id"] in wanted}
    assert texts == {"This button is no longer active."}
