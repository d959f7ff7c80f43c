"""How many updates are handled at once in a process, with a way in first for an SOS.

Under a surge the runtimes bring updates faster than they can be handled. Handling them all at
once helps nobody: every one of them then waits for the database and the processor behind all the
others, and so does the background work beside them (the outbox sender, whose SOS alerts must not
wait). So at most `limit` updates are handled at a time; the others wait their turn, first come
first served. An SOS never waits for a turn: it starts at once, whatever is being handled (and
`waiting(chat_id)` tells it whether it passed messages of its own chat still waiting in line).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, deque
from collections.abc import AsyncIterator


class Admission:
    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("at least one update must be handled at a time")
        self.limit = limit
        self._busy = 0  # updates being handled that took a turn (an SOS does not take one)
        self._queue: deque[asyncio.Future[None]] = deque()
        self._in_line: Counter[int] = Counter()  # chat -> its updates waiting for a turn

    @property
    def busy(self) -> int:
        return self._busy

    def waiting(self, chat_id: int) -> bool:
        """Whether updates of this chat wait for their turn."""
        return self._in_line[chat_id] > 0

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int, urgent: bool = False) -> AsyncIterator[None]:
        """Hold one of the turns while the block runs; `urgent` (an SOS): go at once, take none."""
        if urgent:
            yield
            return
        self._in_line[chat_id] += 1
        try:
            await self._take()
        finally:
            self._in_line[chat_id] -= 1
            if not self._in_line[chat_id]:
                del self._in_line[chat_id]
        try:
            yield
        finally:
            self._give_back()

    async def _take(self) -> None:
        if self._busy < self.limit and not self._queue:
            self._busy += 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append(future)
        try:
            await future  # _give_back counted us in before waking us
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._give_back()  # we were given the turn as we were cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):
                    self._queue.remove(future)
            raise

    def _give_back(self) -> None:
        while self._queue:
            future = self._queue.popleft()
            if not future.done():
                future.set_result(None)  # the turn passes straight to the next in line
                return
        self._busy -= 1
