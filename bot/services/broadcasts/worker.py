"""The broadcast worker, beside the outbox sender: starts due broadcasts, enqueues their recipients in
batches, edits each staff member's progress message every few seconds, and marks broadcasts done."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.broadcasts.feed import BATCH, feed_batch
from bot.services.broadcasts.figures import Figures, figures
from bot.services.broadcasts.states import (
    DONE,
    ENQUEUING,
    PROGRESS_KIND,
    PROGRESS_PRIORITY,
    SCHEDULED,
    SENDING,
)
from bot.services.outbox import PENDING, enqueue
from storage.models import Broadcast, OutboxMessage

log = logging.getLogger(__name__)
TICK = 0.5  # seconds between two looks
PROGRESS_EVERY = 2.0  # at most one progress edit per broadcast this often (an edit is a message to Telegram)
PAUSE = 0.02  # between two batches, so that citizens' updates get the database in between


class BroadcastWorker:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        wake_sender: Callable[[], None],
        timer: Callable[[], float],
        batch: int = BATCH,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.wake_sender = wake_sender
        self.timer = timer
        self.batch = batch
        self._woken = asyncio.Event()
        self._looked: dict[int, float] = {}  # broadcast -> when its figures were last counted
        self._shown: dict[int, Figures] = {}  # broadcast -> the figures its last progress edit was for

    def wake(self) -> None:
        self._woken.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._woken.clear()
            try:
                await self.step(stop)
            except Exception:
                log.exception("the broadcast worker failed; it tries again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(stop, self._woken), TICK)

    async def step(self, stop: asyncio.Event | None = None) -> None:
        """One look: start what is due, enqueue, track. Tests call it directly."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(Broadcast)
                .where(Broadcast.status == SCHEDULED, Broadcast.send_at <= now)
                .values(status=ENQUEUING, started_at=now)
                .execution_options(synchronize_session=False)
            )
        async with self.sessions() as session:
            enqueuing = list(await session.scalars(select(Broadcast.id).where(Broadcast.status == ENQUEUING)))
        for broadcast_id in enqueuing:
            await self._feed(broadcast_id, stop)
        async with self.sessions() as session:
            sending = list(await session.scalars(select(Broadcast.id).where(Broadcast.status == SENDING)))
        for broadcast_id in sending:
            await self._track(broadcast_id)

    async def _feed(self, broadcast_id: int, stop: asyncio.Event | None) -> None:
        more = True
        while more and not (stop and stop.is_set()):
            async with self.sessions() as session, session.begin():
                more = await feed_batch(session, broadcast_id, self.clock(), self.batch)
            self.wake_sender()
            await asyncio.sleep(PAUSE)

    async def _track(self, broadcast_id: int) -> None:
        """Every PROGRESS_EVERY seconds: done yet? If not, a progress edit when the figures moved."""
        now, t = self.clock(), self.timer()
        if t - self._looked.get(broadcast_id, -PROGRESS_EVERY) < PROGRESS_EVERY:
            return
        self._looked[broadcast_id] = t
        async with self.sessions() as session, session.begin():
            broadcast = await session.get(Broadcast, broadcast_id)
            if broadcast is None or broadcast.status != SENDING:
                return
            found = await figures(session, broadcast)
            if found.waiting == 0:
                broadcast.status, broadcast.finished_at = DONE, now
                self._shown.pop(broadcast_id, None)
                self._looked.pop(broadcast_id, None)
                await queue_progress(session, broadcast, now)
            elif self._shown.get(broadcast_id) != found:
                self._shown[broadcast_id] = found
                await queue_progress(session, broadcast, now)
        self.wake_sender()


async def queue_progress(session: AsyncSession, broadcast: Broadcast, now: datetime) -> bool:
    """An edit of the progress message, unless one waits already: it renders the newest figures when it
    goes. (One being sent was rendered already: the new one goes after it.)"""
    if broadcast.progress_message_id is None:
        return False
    queued = await session.scalars(
        select(OutboxMessage.payload).where(
            OutboxMessage.chat_id == broadcast.chat_id,
            OutboxMessage.kind == PROGRESS_KIND,
            OutboxMessage.status == PENDING,
        )
    )
    if any(p.get("b") == broadcast.id for p in queued):
        return False
    await enqueue(
        session, chat_id=broadcast.chat_id, kind=PROGRESS_KIND, payload={"b": broadcast.id},
        priority=PROGRESS_PRIORITY, now=now,
    )  # fmt: skip
    return True


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
