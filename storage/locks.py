"""One chat at a time across worker processes, on PostgreSQL (on SQLite, one process: nothing to do).

Within one process, `bot.app.ChatLocks` keeps a chat's updates in order. With several webhook
workers behind one address, Telegram sends a chat's next update only after the previous one was
answered, and a worker answers only once the update is handled, replies sent. What is left is a
retry: Telegram gave up waiting for an answer and sent the same update again, to another worker,
while the first still handles it. Two locks cover it:

- `ChatHolds.hold(chat_id)`, around the whole handling (replies included): a session advisory
  lock, `pg_try_advisory_lock(chat_id)`, taken on one connection each worker keeps for its chats.
  The retry waits for it, then finds the update handled (the citizen's dedupe) and is answered
  only after the first worker's replies went out: the next update cannot overtake them. A lock of
  a worker that dies ends with its connection.
- `lock_chat(session, chat_id)`, first in a unit of work: a transaction advisory lock, so that the
  conversation's read-modify-write stays whole even if the first lock could not be had (its
  connection broke, or the wait ran out).

Key spaces: the holds use the one-key (bigint) form with the chat id; the unit-of-work locks the
two-key form under CHAT_SPACE (the chat id folded to 32 bits: a collision only makes two chats wait
for each other a moment); the worker election (bot.services.leader) the two-key form under its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

log = logging.getLogger(__name__)

CHAT_SPACE = 0x486F75  # the first key of the unit-of-work locks
POLL_SECONDS = 0.05  # a held chat is tried again this often
PATIENCE_SECONDS = 60.0  # after this long, go on without the hold (the unit-of-work lock still holds)
QUERY_SECONDS = 10.0  # a query that takes longer: the connection is dropped, and its holds with it


def shared(db: AsyncSession | AsyncConnection) -> bool:
    """Whether several processes may share this database (PostgreSQL)."""
    dialect = db.get_bind().dialect if isinstance(db, AsyncSession) else db.dialect
    return dialect.name == "postgresql"


def folded(chat_id: int) -> int:
    """The chat id in 31 bits, for the second key of the two-key form."""
    return (chat_id ^ (chat_id >> 31)) & 0x7FFFFFFF


async def lock_chat(db: AsyncSession | AsyncConnection, chat_id: int) -> None:
    """Wait until no other unit of work holds this chat, and hold it until this one ends."""
    if shared(db):
        await db.execute(select(func.pg_advisory_xact_lock(CHAT_SPACE, folded(chat_id))))


class ChatHolds:
    """The chats this worker is handling, held against the other workers (see the module notes)."""

    def __init__(
        self, engine: AsyncEngine, poll: float = POLL_SECONDS, patience: float = PATIENCE_SECONDS
    ) -> None:
        self.engine = engine
        self.shared = engine.dialect.name == "postgresql"
        self.poll = poll
        self.patience = patience
        self._conn: AsyncConnection | None = None
        self._driver: Any = None  # the asyncpg connection under self._conn
        self._io = asyncio.Lock()  # one query at a time on the connection

    @contextlib.asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        """Hold the chat for the block (the caller keeps one block per chat at a time in a process)."""
        held = self.shared and await self._take(chat_id)
        try:
            yield
        finally:
            if held:
                await self._give_back(chat_id)

    async def close(self) -> None:
        conn, self._conn, self._driver = self._conn, None, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.invalidate()  # never back to the pool with locks on it
            with contextlib.suppress(Exception):
                await conn.close()

    async def _take(self, chat_id: int) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.patience
        while True:
            try:
                if await self._query("SELECT pg_try_advisory_lock($1)", chat_id):
                    return True
            except Exception as exc:
                log.warning("Chat %s handled without the cross-worker hold: %r", chat_id, exc)
                await self.close()
                return False
            if loop.time() >= deadline:
                log.warning("Chat %s is still held by another worker; handling it anyway", chat_id)
                return False
            await asyncio.sleep(self.poll)

    async def _give_back(self, chat_id: int) -> None:
        try:
            await self._query("SELECT pg_advisory_unlock($1)", chat_id)
        except Exception as exc:
            log.warning(
                "The hold of chat %s could not be given back; dropping the connection: %s", chat_id, exc
            )
            await self.close()  # its locks end with it

    async def _query(self, sql: str, *args: object) -> Any:
        async with self._io:  # waiting for the connection's turn has no time limit; the query has
            async with asyncio.timeout(QUERY_SECONDS):
                if self._driver is None:
                    conn = await self.engine.connect()
                    try:
                        raw = await conn.get_raw_connection()
                    except BaseException:
                        await conn.close()
                        raise
                    self._conn, self._driver = conn, raw.driver_connection
                return await self._driver.fetchval(sql, *args)
