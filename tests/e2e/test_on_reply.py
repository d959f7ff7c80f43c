"""A citizen who said it is not safe to talk ("only message me after I write") is never written to
first: an officer's answer, a broadcast, and even a row some other path queued as not held all wait,
on both runtimes, until the citizen writes; then they arrive."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.actions import SendMessage
from bot.services.broadcasts import Filters, Plan, launch
from bot.services.outbox import enqueue
from emulator import Emulator
from storage.models import Citizen, OutboxMessage
from tests.e2e.conftest import Running, officer_desk
from tests.e2e.phone import Phone

GROUP = -1001000000002
OFFICER, STAFF = 9001, 9300
BROADCAST = "Tomorrow at 08:00 gather at the embassy."
NOTICE = "Your case has a new status."  # what some future path might queue, forgetting to hold it


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF) as r:
        yield r


async def test_nothing_reaches_a_citizen_who_is_not_safe_until_they_write(desk: Running) -> None:
    emu, hotline = desk.emu, desk.hotline
    phone = Phone(emu, 5201, "en", hotline.catalogs)
    await phone.skipping_report("on_reply", "We will only write to you right after you write to us.")
    card = await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    quiet_since = phone.last_id()

    # 1. an officer answers the card
    await emu.reply_to(emu.user(OFFICER, first_name="Budi"), GROUP, card.message_id, "Are you safe now?")
    await emu.wait_for_bot_message(GROUP, contains="Held:", timeout=10)
    # 2. staff send a broadcast to everyone who consented
    async with hotline.sessions() as session, session.begin():
        plan = Plan(Filters({}), BROADCAST, BROADCAST, "", None)
        await launch(session, plan, STAFF, STAFF, None, datetime.now(UTC))
    hotline.broadcasts.wake()
    # 3. a message some other path queues without holding it: the outbox holds it all the same
    async with hotline.sessions() as session, session.begin():
        await enqueue(
            session, action=SendMessage(phone.chat_id, NOTICE), chat_id=phone.chat_id, kind="status_notice",
            held=False, now=datetime.now(UTC),
        )  # fmt: skip
    hotline.wake()

    async def held() -> int:
        async with hotline.sessions() as session:
            rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == phone.chat_id))
            return sum(1 for row in rows if row.status == "held")

    for _ in range(100):
        if await held() == 3:
            break
        await asyncio.sleep(0.1)
    assert await held() == 3
    await desk.settled()  # the sender had every chance
    assert [e for e in emu.bot_messages(phone.chat_id) if e.message_id > quiet_since] == []

    # the citizen writes: the answer to it, then all three held messages arrive, once each
    await phone.say("I can talk now", "Thank you. Your message is added to your report {reference}.",
                    reference="PNH-000001")  # fmt: skip
    for text in ("Are you safe now?", BROADCAST, NOTICE):
        await emu.wait_for_bot_message(phone.chat_id, contains=text, timeout=10, after=quiet_since)
    await desk.settled()  # a second copy would show by now
    texts = [e.text or "" for e in emu.bot_messages(phone.chat_id) if e.message_id > quiet_since]
    assert sum("Are you safe now?" in t for t in texts) == 1
    assert sum(BROADCAST in t for t in texts) == 1 and sum(NOTICE in t for t in texts) == 1
    async with hotline.sessions() as session:
        citizen = (await session.execute(select(Citizen))).scalar_one()
    assert citizen.contact_pref == "on_reply"  # still: the next ones wait again
    assert await held() == 0
