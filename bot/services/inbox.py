"""Nothing Telegram hands over is lost: each update is stored when it arrives and dropped once it is
handled; what a stop, a crash or a database outage left behind is handled later.

The runtime confirms an update to Telegram (the polling offset moves on, the webhook answers) only
once `receive` has stored it: if storing fails (the database is down), Telegram keeps it and
delivers it again (polling asks again; the webhook answers 503). An update is handled once even if
it comes twice (bot.services.seen), so handling a stored update again is harmless: after a stop,
what was received but not handled is handled at the next start (`waiting`), and an update whose
handling failed (the database gone mid-way) is tried again, here and by a sweep in every worker.

Dropping a handled update is batched (`done`, then `flush` a moment later): one DELETE for many.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from storage import inbox as store

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.5  # handled updates are dropped from the inbox this long after, together
LEFT_BEHIND = timedelta(seconds=60)  # an update kept this long without being handled: a worker lost it
MOST_ATTEMPTS = 20  # an update whose handling failed this often stays in the inbox for an operator
BATCH = 200


class NotStored(Exception):
    """The updates could not be stored (the database is down): they must not be confirmed to Telegram."""


class Inbox:
    def __init__(self, engine: AsyncEngine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock
        self._done: set[int] = set()
        self._flushing: asyncio.Task[None] | None = None

    async def receive(self, updates: list[dict[str, Any]]) -> None:
        """Store these updates (the Bot API's JSON shape); NotStored when the database cannot."""
        rows = [(u["update_id"], u) for u in updates if isinstance(u.get("update_id"), int)]
        try:
            async with self.engine.begin() as conn:
                await store.put(conn, rows, self.clock())
        except Exception as exc:
            raise NotStored(f"{len(rows)} update(s) not stored: {type(exc).__name__}: {exc}") from exc

    def done(self, update_id: int | None) -> None:
        """This update was handled (or will never be): it leaves the inbox with the next flush."""
        if update_id is None:
            return
        self._done.add(update_id)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush_soon(), name="inbox-flush")

    async def _flush_soon(self) -> None:
        await asyncio.sleep(FLUSH_SECONDS)
        await self.flush()

    async def flush(self) -> None:
        """Drop the handled updates now; if the database cannot, they are handled again later (once)."""
        ids, self._done = self._done, set()
        try:
            async with self.engine.begin() as conn:
                await store.drop(conn, ids)
        except Exception as exc:
            log.warning("%d handled update(s) stay in the inbox for now: %s", len(ids), exc)

    async def failed(self, update_id: int) -> None:
        with contextlib.suppress(Exception):
            async with self.engine.begin() as conn:
                await store.failed(conn, update_id)

    async def waiting(
        self, exclude: Collection[int] = (), left_for: timedelta = LEFT_BEHIND
    ) -> list[dict[str, Any]]:
        """Updates stored but not handled for `left_for` (by a stop, a crash, an outage), oldest first,
        except those being handled here (`exclude`)."""
        async with self.engine.connect() as conn:
            return await store.kept(
                conn, self.clock() - left_for, {*exclude, *self._done}, MOST_ATTEMPTS, BATCH
            )

    async def close(self) -> None:
        if self._flushing is not None and not self._flushing.done():
            self._flushing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flushing
        await self.flush()
