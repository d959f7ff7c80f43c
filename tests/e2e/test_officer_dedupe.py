"""An update Telegram delivers twice (a webhook retry after a slow or lost answer) is handled once,
on both runtimes: an officer's note, an officer's answer to the citizen, a staff command."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.runtime.base import SECRET_HEADER
from emulator import Emulator
from storage.models import ReportEvent
from tests.e2e.conftest import SECRET, Running, officer_desk
from tests.e2e.phone import Phone

GROUP = -1001000000003
OFFICER, STAFF = 9001, 9300
BUDI = {"id": OFFICER, "is_bot": False, "first_name": "Budi"}
GROUP_CHAT = {"id": GROUP, "type": "supergroup", "title": "Duty officers"}


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(emu, tmp_path, framework, "webhook", GROUP, OFFICER, STAFF) as r:
        yield r


def message(update_id: int, message_id: int, chat: dict[str, Any], sender: dict[str, Any], text: str,
            reply_to: int | None = None) -> dict[str, Any]:  # fmt: skip
    body: dict[str, Any] = {
        "message_id": message_id, "date": int(time.time()), "chat": chat, "from": sender, "text": text,
    }  # fmt: skip
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    if reply_to is not None:
        body["reply_to_message"] = {"message_id": reply_to, "date": int(time.time()), "chat": chat}
    return {"update_id": update_id, "message": body}


async def twice(desk: Running, update: dict[str, Any]) -> None:
    """POST the same update to the bot's webhook two times, as Telegram does when it retries."""
    url = desk.settings.webhook_url
    assert url is not None
    async with aiohttp.ClientSession() as http:
        for _ in range(2):
            async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as answer:
                assert answer.status == 200


async def test_a_retried_update_is_handled_once(desk: Running) -> None:
    emu = desk.emu
    phone = Phone(emu, 5401, "en", desk.hotline.catalogs)
    await phone.skipping_report("yes", "An embassy officer will read your report and contact you here.")
    card = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)

    # an officer's note, delivered twice
    await twice(desk, message(900_001, 50_001, GROUP_CHAT, BUDI, "/note PNH-000001 called the family"))
    await emu.wait_for_bot_message(GROUP, contains="Note added to PNH-000001.", timeout=10)
    # an officer's answer to the citizen (a reply to the card), delivered twice
    before = phone.last_id()
    await twice(desk, message(900_002, 50_002, GROUP_CHAT, BUDI, "We will call you at 9.", card.message_id))
    await phone.expect("🏛 Message from {mission}:", before, mission="KBRI Phnom Penh")
    # a staff command in a private chat, delivered twice (the staff member wrote to the bot before)
    staff = emu.user(STAFF, first_name="Dewi", language_code="en")
    await emu.send_command(staff, "broadcasts")
    await emu.wait_for(lambda: len(emu.bot_messages(STAFF)) == 1, timeout=10)
    chat = {"id": STAFF, "type": "private", "first_name": "Dewi"}
    sender = {"id": STAFF, "is_bot": False, "first_name": "Dewi", "language_code": "en"}
    await twice(desk, message(900_003, 50_003, chat, sender, "/broadcasts"))
    await emu.wait_for(lambda: len(emu.bot_messages(STAFF)) == 2, timeout=10)

    await desk.settled()  # a double would show by now
    notes_answered = [e for e in emu.bot_messages(GROUP) if "Note added to PNH-000001." in (e.text or "")]
    assert len(notes_answered) == 1
    relayed = [e for e in emu.bot_messages(phone.chat_id) if "We will call you at 9." in (e.text or "")]
    assert len(relayed) == 1  # the citizen reads the answer once
    assert len(emu.bot_messages(STAFF)) == 2  # the first /broadcasts, and the retried one once
    async with desk.hotline.sessions() as session:
        kinds = (await session.scalars(select(ReportEvent.kind))).all()
    assert kinds.count("note") == 1 and kinds.count("officer_reply") == 1
