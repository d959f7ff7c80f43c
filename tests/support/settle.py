"""Run until idle, then assert: what a test checks did not happen, it checks once nothing can still
make it happen, instead of sleeping "long enough" on the wall clock.

Idle means, for a few looks in a row: the emulator holds no update the bot has not taken and
answers no Bot API call (a long poll aside); the hotline's inbox holds no update it has not
handled; its outbox holds no message due now or being sent. A message due later (a retry's
back-off, a held answer) does not count: it waits for the clock to move, which the test does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select

from bot.app import Hotline
from bot.config import Settings
from bot.services.outbox.queue import PENDING, SENDING
from emulator import Emulator
from storage.models import OutboxMessage

LOOK_EVERY = 0.02  # seconds between two looks
LOOKS = 3  # idle this many looks in a row: a hand-over between two parts is not idle


async def hotline_idle(hotline: Hotline, at: datetime | None = None, inbox: bool = True) -> bool:
    """No update waits to be handled and no message is due now (or `at`) or on its way.
    `inbox=False`: updates kept in the inbox do not count (after a database outage some wait there
    for the sweep, a minute later)."""
    if inbox and await handling(hotline):
        return False
    moving = or_(
        OutboxMessage.status == SENDING,
        and_(OutboxMessage.status == PENDING, OutboxMessage.due_at <= (at or hotline.clock())),
    )
    async with hotline.sessions() as session:
        return not await session.scalar(select(func.count()).select_from(OutboxMessage).where(moving))


async def settled(
    hotline: Hotline, emu: Emulator, within: float = 15.0, polling: bool = True, inbox: bool = True
) -> None:
    """Wait until the hotline and the emulator are both idle; fail after `within` seconds.
    `polling=False`: no runtime takes updates here (a sender alone), so updates waiting do not count."""
    loop = asyncio.get_running_loop()
    deadline, quiet = loop.time() + within, 0
    while quiet < LOOKS:
        if loop.time() > deadline:
            busy = [] if emu.idle else ["the emulator (an update untaken or a call being answered)"]
            if await handling(hotline):
                busy.append("the inbox (updates not handled, or handled and not yet dropped)")
            if not await hotline_idle(hotline, inbox=False):
                busy.append("the outbox (a message due now or being sent)")
            raise AssertionError(f"still busy after {within} s: {', '.join(busy) or 'now idle'}")
        emulator_idle = emu.idle if polling else not emu.answering()
        quiet = quiet + 1 if emulator_idle and await hotline_idle(hotline, inbox=inbox) else 0
        await asyncio.sleep(LOOK_EVERY)


async def handling(hotline: Hotline) -> bool:
    """An update has reached the hotline and is being handled (stored, not yet done)."""
    return bool(await hotline.inbox.waiting((), timedelta(0)))


async def until(check: Callable[[], Awaitable[bool]], within: float = 10.0, what: str = "") -> None:
    """Look until `check` holds (a condition, not a time); fail after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"not within {within} s: {what or check}")
        await asyncio.sleep(LOOK_EVERY)


async def process_settled(settings: Settings, emu: Emulator, within: float = 30.0) -> None:
    """`settled` for a hotline running in another process, looked at through its database."""
    observer = Hotline.from_settings(settings)
    try:
        await settled(observer, emu, within)
    finally:
        await observer.close()
