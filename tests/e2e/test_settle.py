"""The "run until idle" helper (tests/support/settle.py) that the tests' negative checks rest on:
it returns only once the bot has done all it will do for what was sent, on both runtimes and both
ways of receiving updates; and not while a message is still queued."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.core.actions import SendMessage
from bot.services.outbox.queue import enqueue
from storage.models import OutboxMessage
from tests.e2e.conftest import Running
from tests.support.settle import hotline_idle

GROUP = -1007302


async def test_settled_returns_after_the_answers_not_before(bot: Running) -> None:
    emu = bot.emu
    citizen = emu.user(7301, first_name="Siti", language_code="en")
    for _ in range(3):  # sent without waiting for any answer
        await emu.send_command(citizen, "start")
    await bot.settled()
    welcomes = [e for e in emu.bot_messages(7301) if "Do you agree to continue?" in (e.text or "")]
    assert len(welcomes) == 3  # every answer is there the moment settled() returns


async def test_a_message_due_now_is_work_one_held_is_not(bot: Running) -> None:
    emu, hotline = bot.emu, bot.hotline
    siti = emu.user(7302, first_name="Siti", language_code="en")
    await emu.send_command(siti, "start")
    await bot.settled()
    async with hotline.sessions() as session, session.begin():
        await enqueue(session, action=SendMessage(7302, "Later"), chat_id=7302, kind="status_notice",
                      now=datetime.now(UTC))  # fmt: skip
    assert await hotline_idle(hotline)  # held: they never said the embassy may write first
    emu.create_group(GROUP, "Duty officers", [siti])
    soon = datetime.now(UTC) + timedelta(hours=1)
    async with hotline.sessions() as session, session.begin():
        row = await enqueue(session, action=SendMessage(GROUP, "Now"), chat_id=GROUP, kind="status_notice",
                            now=datetime.now(UTC), due_at=soon)  # fmt: skip
    assert row is not None
    assert await hotline_idle(hotline)  # due in an hour: nothing to do until the clock moves
    assert not await hotline_idle(hotline, at=soon)  # due then: the sender has work
    async with hotline.sessions() as session, session.begin():
        await session.execute(update(OutboxMessage).values(due_at=datetime.now(UTC)))
    hotline.wake()
    await bot.settled()
    assert [e.text for e in emu.bot_messages(GROUP)] == ["Now"]
