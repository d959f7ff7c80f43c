"""Several worker processes on one PostgreSQL database: one of them sends, the others stand by.

Every worker takes updates (webhook); the background work (the outbox sender, the SOS watch, the
broadcast worker) runs in one of them only, the "sender", elected with a PostgreSQL advisory lock
(`pg_try_advisory_lock`, two-key form) held on a connection of its own. Why one sender rather than
a sender in each worker sharing the rows:

- Telegram's overall limit (HOTLINE_SEND_RATE) is one budget. One sender paces it exactly, with no
  share to negotiate between processes, and the per-chat and per-group limits stay in one place.
- No message goes twice: only the sender claims rows (the claim's FOR UPDATE SKIP LOCKED still
  guards against a second one), and a new sender puts back rows left "sending" only after
  TAKEOVER_GRACE (see below), never rows a live sender is still sending.
- Takeover is automatic: the lock ends with the sender's connection (a crash, a kill, a network
  cut), and a standby, which tries every HEARTBEAT seconds, takes over.

The sender checks its connection every HEARTBEAT seconds; when it is gone, the lock may be someone
else's, so it stops its work at once (sends under way finish within the outbox's STOP_GRACE). A new
sender therefore puts rows it found "sending" back only after TAKEOVER_GRACE, longer than that. On
a crash those rows (at most one per chat under way) go that much later; nothing goes twice.

Signals between the workers, by LISTEN/NOTIFY on the election's connection: an update handled by a
standby wakes the sender for the rows it committed (`OUTBOX`, a new broadcast: `BROADCASTS`), and
counts every message it sent itself against the sender's overall rate (`SENT_ELSEWHERE`): the standbys'
answers to citizens and the outbox together stay under Telegram's limit. A signal that cannot be
delivered is lost without harm: the sender also looks for due rows every few seconds.

On SQLite there is one process: it is the sender, and signals are calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

OUTBOX, BROADCASTS, SENT_ELSEWHERE = "outbox", "broadcasts", "sent_elsewhere"
STARTING, SENDER, STANDBY, STOPPED = "starting", "sender", "standby", "stopped"
CHANNEL = "hotline_workers"
LOCK_KEY = (0x486F74, 1)  # two-key form, a first key of its own (storage.locks: the chats' keys)
HEARTBEAT = 2.0  # seconds between the sender's checks of its connection, and a standby's tries
CHECK_SECONDS = 3.0  # a check or a query that takes longer counts as a lost connection
STOP_GRACE = 10.0  # the outbox sender's own grace for sends under way (outbox.sender.STOP_GRACE)
TAKEOVER_GRACE = HEARTBEAT + CHECK_SECONDS + STOP_GRACE + 2.0

Lead = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


class Leadership:
    """Runs the background work in the elected worker; `signal` reaches it from any worker."""

    def __init__(self, engine: AsyncEngine, heartbeat: float = HEARTBEAT) -> None:
        self.engine = engine
        self.shared = engine.dialect.name == "postgresql"
        self.heartbeat = heartbeat
        self.takeover_grace = TAKEOVER_GRACE if self.shared else 0.0
        self.role = STARTING
        self._local: dict[str, Callable[[], None]] = {}
        self._pending: Counter[str] = Counter()
        self._publish = asyncio.Event()
        self._conn: AsyncConnection | None = None
        self._driver: Any = None  # the asyncpg connection under self._conn
        self._io = asyncio.Lock()  # asyncpg runs one query at a time on a connection

    # -- any worker

    def signal(self, kind: str) -> None:
        """Tell the sender (OUTBOX, BROADCASTS or SENT_ELSEWHERE), here or in another worker; never waits."""
        handler = self._local.get(kind)
        if handler is not None:
            handler()
        elif self._driver is not None:
            self._pending[kind] += 1
            self._publish.set()

    def serve(self, handlers: Mapping[str, Callable[[], None]]) -> None:
        """Called by the work once it runs: the signals of every worker go to these handlers."""
        self._local = dict(handlers)

    async def health(self) -> dict[str, str]:
        """Whether the database answers (within CHECK_SECONDS), and this worker's role."""
        try:
            async with asyncio.timeout(CHECK_SECONDS), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            reachable = "reachable"
        except Exception as exc:
            log.warning("Health: the database cannot be reached: %s", exc)
            reachable = "unreachable"
        return {"database": reachable, "role": self.role}

    async def run(self, lead: Lead, stop: asyncio.Event) -> None:
        """Run `lead` (the background work) whenever this worker is the sender, until `stop` is set."""
        if not self.shared:
            self.role = SENDER
            try:
                await lead(stop)
            finally:
                self._local = {}
                self.role = STOPPED
            return
        publisher = asyncio.create_task(self._publisher(), name="hotline-signals")
        try:
            while not stop.is_set():
                try:
                    await self._connect()
                    if await self._query("SELECT pg_try_advisory_lock($1, $2)", *LOCK_KEY):
                        await self._lead(lead, stop)  # then a heartbeat's pause: a standby may take over
                    self.role = STANDBY
                except Exception as exc:
                    log.warning("The worker election cannot reach the database: %s", exc)
                    self.role = STANDBY
                    await self._disconnect()
                await _wait(stop, self.heartbeat)
        finally:
            publisher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await publisher
            await self._disconnect()
            self.role = STOPPED

    # -- the sender

    async def _lead(self, lead: Lead, stop: asyncio.Event) -> None:
        """Elected: run the work, checking the connection (the lock) every heartbeat; on its loss, stop."""
        self.role = SENDER
        log.info("This worker is the sender now")
        lead_stop = asyncio.Event()
        task = asyncio.create_task(lead(lead_stop), name="hotline-lead")
        try:
            async with self._io:
                await self._driver.add_listener(CHANNEL, self._heard)
            while not stop.is_set() and not task.done():
                beat = asyncio.ensure_future(_wait(stop, self.heartbeat))
                try:
                    await asyncio.wait({task, beat}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    beat.cancel()
                if not stop.is_set() and not task.done():
                    await self._query("SELECT 1")
        except Exception as exc:
            log.error("The sender lost its database connection, and with it the election: %s", exc)
        finally:
            lead_stop.set()
            self._local = {}
            self.role = STANDBY
            try:
                await asyncio.wait({task})
            except asyncio.CancelledError:
                task.cancel()
                raise
            finally:
                await self._disconnect()  # the lock ends with the connection
        if not task.cancelled() and task.exception() is not None:
            log.error("The sender's work stopped; it starts again", exc_info=task.exception())

    def _heard(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        for part in payload.split(","):
            kind, _, count = part.partition("=")
            handler = self._local.get(kind)
            if handler is None:
                continue
            for _ in range(int(count) if count.isdigit() else 1):
                handler()

    # -- the connection

    async def _connect(self) -> None:
        if self._conn is not None:
            return
        conn = await self.engine.connect()
        try:
            raw = await conn.get_raw_connection()
            self._driver = raw.driver_connection
            self._conn = conn
        except BaseException:
            await conn.close()
            raise

    async def _disconnect(self) -> None:
        conn, self._conn, self._driver = self._conn, None, None
        self._pending.clear()
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.invalidate()  # never back to the pool: closed, its advisory lock with it
            with contextlib.suppress(Exception):
                await conn.close()

    async def _query(self, sql: str, *args: object) -> Any:
        driver = self._driver
        if driver is None:
            raise ConnectionError("not connected")
        async with asyncio.timeout(CHECK_SECONDS), self._io:
            return await driver.fetchval(sql, *args)

    async def _publisher(self) -> None:
        """Send a standby's signals, gathered while the previous NOTIFY was under way."""
        while True:
            await self._publish.wait()
            self._publish.clear()
            pending, self._pending = self._pending, Counter()
            if not pending:
                continue
            payload = ",".join(f"{kind}={count}" for kind, count in pending.items())
            try:
                await self._query("SELECT pg_notify($1, $2)", CHANNEL, payload)
            except Exception as exc:
                log.debug("Signals %s not sent (the sender looks on its own): %s", payload, exc)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
