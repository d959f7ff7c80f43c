"""The sender: takes due rows from the outbox and paces them to Telegram's limits."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import utc_now
from bot.core.port import BotPort
from bot.services.outbox import store
from bot.services.outbox.compose import Composer, OnFailed, OnSent, PayloadComposer
from bot.services.outbox.delivery import Delivery, Tried
from bot.services.outbox.pacing import ChatPacer, TokenBucket

log = logging.getLogger(__name__)

IDLE_LOOK = 5.0  # with nothing planned, look again this often (rows committed without a wake)
BURST_SECONDS = 0.1  # the overall rate may catch up this much time it lost (see pacing.TokenBucket)
DEBT_SECONDS = 1.0  # handlers' own answers hold the outbox back by at most this much (see `sent_elsewhere`)
STOP_GRACE = 10.0  # on stop, how long sends under way may take to finish before they are cancelled


class Sender:
    """Sends due outbox rows: `run` it in the background, `wake` it after enqueuing.

    Use either `run` or `send_due`/`drain`, not both at once. Pacing lives in this object: with
    several senders on one database, each would need its share of the rates (see the package notes).
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        port: BotPort,
        *,
        rate: float = 30.0,
        group_per_minute: int = 20,
        private_per_second: float = 1.0,
        composers: Mapping[str, Composer] | None = None,
        default: Composer | None = None,
        on_sent: OnSent | None = None,
        clock: Callable[[], datetime] = utc_now,
        timer: Callable[[], float] = time.monotonic,
        batch: int = 100,
        concurrency: int = 16,
        max_attempts: int = 20,
        persistent: Collection[str] = (),
        on_failed: OnFailed | None = None,
        recover_after: float = 0.0,
    ) -> None:
        self._sessions = sessions
        self._recover_after = recover_after  # > 0: another sender may still finish rows it left sending
        self.stats: Counter[str] = Counter()  # sent, retried, rate_limited, failed, dropped
        self._delivery = Delivery(
            sessions,
            port,
            dict(composers or {}),
            default or PayloadComposer(),
            on_sent,
            clock,
            max_attempts,
            self.stats,
            persistent,
            on_failed,
        )
        self._clock = clock
        self._timer = timer
        self._batch = batch
        self._concurrency = concurrency
        self._bucket = TokenBucket(rate, timer(), burst=rate * BURST_SECONDS)
        self._pacer = ChatPacer(private_per_second, group_per_minute)
        self._flying: dict[int, asyncio.Task[None]] = {}  # chat id -> its one send under way
        self._woken = asyncio.Event()  # new rows: look again now
        self._done = asyncio.Event()  # a send finished
        self._finished = 0
        self._active = False

    # -- public

    def wake(self) -> None:
        """New rows were committed: look for due rows now rather than at the next planned look."""
        self._woken.set()

    def sent_elsewhere(self) -> None:
        """The bot sent a message outside the outbox (a handler's answer): it counts against the overall
        rate, so the next rows wait for it and both together stay under Telegram's limit. Never waits.
        A surge of answers holds the outbox back by at most DEBT_SECONDS (an SOS alert must not wait
        for long: Telegram's limit is over about a second, older excess no longer matters)."""
        self._bucket.spend(self._timer(), most=self._bucket.rate * DEBT_SECONDS)

    async def recover(self, ids: list[int] | None = None) -> int:
        """Rows left "sending" (all, or those of `ids`) by a sender that stopped go back to pending
        (see the package notes)."""
        async with self._sessions() as session, session.begin():
            count = await store.recover(session, self._clock(), ids)
        if count:
            log.warning(
                "%d outbox rows were being sent when the last sender stopped: sending them again", count
            )
        return count

    async def _recover_later(self, stop: asyncio.Event) -> None:
        """Taking over from another sender, which may still be finishing the rows it left "sending"
        (see bot.services.leader): those rows go back to pending only after `recover_after` seconds.
        Their chats wait meanwhile (a chat's row being sent holds its next ones); the others go."""
        try:
            async with self._sessions() as session:
                found = await store.sending(session)
            if not found:
                return
            log.warning(
                "%d outbox rows are marked sending: they go again in %.0f s unless their sender ends them",
                len(found),
                self._recover_after,
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._recover_after)
            if not stop.is_set() and await self.recover(found):
                self.wake()
        except Exception:
            log.exception("Outbox rows left sending could not be put back; they go at the next start")

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set; sends under way then finish (at most STOP_GRACE seconds)."""
        self._enter()
        later: asyncio.Task[None] | None = None
        try:
            if self._recover_after > 0:
                later = asyncio.create_task(self._recover_later(stop), name="outbox-recovery")
            else:
                await self.recover()
            while not stop.is_set():
                try:
                    _, delay = await self._pass(stop)
                except Exception:
                    log.exception("The outbox sender could not look for rows; trying again in a second")
                    delay = 1.0
                delay = IDLE_LOOK if delay is None else min(delay, IDLE_LOOK)
                await self._until(delay, stop, self._woken, self._done)
        finally:
            if later is not None:
                later.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await later
            await self._settle(STOP_GRACE)
            self._active = False

    async def send_due(self) -> int:
        """Send every due row that may go right now (pausing only for the overall rate); skip chats that
        must wait, and rows not due. Returns how many rows were sent."""
        self._enter()
        before = self.stats["sent"]
        try:
            while True:
                launched, _ = await self._pass(asyncio.Event())
                await self._settle(None)
                if not launched:
                    return self.stats["sent"] - before
        finally:
            self._active = False

    async def drain(self, timeout: float) -> None:  # noqa: ASYNC109 - a budget, not a cancel scope
        """Send what is due, waiting for the chats' turns, until nothing due is left or `timeout` passed."""
        self._enter()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        stop = asyncio.Event()
        handle = loop.call_later(timeout, stop.set)
        try:
            while not stop.is_set():
                _, delay = await self._pass(stop)
                async with self._sessions() as session:
                    due = await store.due_count(session, self._clock())
                if not due and not self._flying:
                    break
                await self._until(delay, stop, self._woken, self._done)
        finally:
            handle.cancel()
            await self._settle(max(0.0, deadline - loop.time()))
            self._active = False

    # -- choosing and launching

    def _enter(self) -> None:
        if self._active:
            raise RuntimeError("the sender is already running")
        self._active = True

    async def _pass(self, stop: asyncio.Event) -> tuple[int, float | None]:
        """Launch the due rows that may go, in order; (how many, seconds until the next look or None)."""
        self._woken.clear()
        self._done.clear()
        finished = self._finished
        started = self._timer()
        waiting, chat_ready = self._pacer.waiting(started)
        now = self._clock()
        async with self._sessions() as session:
            rows = await store.candidates(session, now, {*waiting, *self._flying}, self._batch)
            upcoming = await store.next_due(session, now)
        launched = 0
        for row_id, chat_id in rows:
            if not await self._slot(stop) or not await self._token(stop):
                return launched, 0.0  # stopped, or new rows to look at first
            t = self._timer()
            if chat_id in self._flying or self._pacer.ready_at(chat_id, t) > t:
                continue
            self._bucket.take(t)
            self._pacer.started(chat_id, t)
            self._flying[chat_id] = asyncio.create_task(self._deliver(row_id, chat_id))
            launched += 1
        if len(rows) >= self._batch or self._finished != finished:
            return launched, 0.0
        delays = []
        if chat_ready is not None:
            delays.append(chat_ready - started)
        if upcoming is not None:
            delays.append((upcoming - now).total_seconds())
        return launched, max(0.0, min(delays)) if delays else None

    async def _slot(self, stop: asyncio.Event) -> bool:
        """Wait for room among the sends under way; False when stopped or woken meanwhile."""
        while len(self._flying) >= self._concurrency:
            self._done.clear()
            if await self._until(None, stop, self._woken, self._done) is not self._done:
                return False
        return True

    async def _token(self, stop: asyncio.Event) -> bool:
        """Wait for the overall rate to allow one more; False when stopped or woken meanwhile."""
        while (wait := self._bucket.wait(self._timer())) > 0:
            if await self._until(wait, stop, self._woken) is not None:
                return False
        return True

    @staticmethod
    async def _until(seconds: float | None, *events: asyncio.Event) -> asyncio.Event | None:
        """Wait until one of the events is set (that event) or `seconds` passed (None; None: no limit)."""
        for event in events:
            if event.is_set():
                return event
        if seconds is not None and seconds <= 0:
            return None
        waiters = {asyncio.ensure_future(event.wait()): event for event in events}
        try:
            done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED, timeout=seconds)
        finally:
            for waiter in waiters:
                waiter.cancel()
        return next((waiters[w] for w in done), None)

    async def _settle(self, grace: float | None) -> None:
        """Let the sends under way finish; past `grace` seconds, cancel them (their rows stay "sending")."""
        tasks = list(self._flying.values())
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=grace)
        for task in late:
            task.cancel()
        if late:
            log.warning("%d sends did not finish in time; their rows go again at the next start", len(late))
            await asyncio.wait(late)

    # -- one row

    async def _deliver(self, row_id: int, chat_id: int) -> None:
        outcome = Tried(requested=False)
        try:
            outcome = await self._delivery.send(row_id, chat_id)
        finally:
            t = self._timer()
            if outcome.requested:
                self._pacer.finished(chat_id, t)
            else:
                self._pacer.cancelled(chat_id)
                self._bucket.refund()
            if outcome.retry_after is not None:
                self._pacer.pause(chat_id, t + outcome.retry_after)
                if not ChatPacer.is_group(chat_id):
                    self._bucket.pause(t + outcome.retry_after)  # may be the overall limit: all wait
            del self._flying[chat_id]
            self._finished += 1
            self._done.set()
