"""Long polling, the same for both frameworks: a batch is confirmed to Telegram only once it is kept.

getUpdates with an offset confirms every update before it. So the offset moves past a batch only
after the batch is stored in the inbox (`Dispatch.take`): a stop or a crash at any moment loses
nothing, since what was confirmed is kept and what was not comes again. With the database down,
the same batch is asked for again until it can be kept. Each framework gives `fetch` (one
getUpdates, as the Bot API's JSON) and `confirm` (one last getUpdates, on stop).

Errors never stop the loop: it waits and asks again (Telegram's retry_after on a 429; a growing
pause otherwise). A wrong token (401) is said loudly, again and again, and shown by /health until it
passes, rather than the process staying up without hearing anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.port import DeliveryError
from bot.runtime.dispatch import Dispatch

log = logging.getLogger(__name__)

Fetch = Callable[[int | None, int], Awaitable[list[dict[str, Any]]]]  # (offset, timeout) -> updates
Confirm = Callable[[int], Awaitable[None]]
MOST_PAUSE = 15.0  # seconds between two tries at most, after errors
UNAUTHORIZED_PAUSE = 60.0


class Poller:
    def __init__(self, fetch: Fetch, confirm: Confirm, dispatch: Dispatch, poll_seconds: int) -> None:
        self._fetch = fetch
        self._confirm = confirm
        self._dispatch = dispatch
        self._poll_seconds = poll_seconds
        self.offset: int | None = None
        self.failing: str | None = None  # why getUpdates fails now (for /health), None when it works
        self.failing_since: float | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="polling")

    async def stop(self) -> None:
        """Stop asking; confirm what was kept, so that it does not come again after a restart."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.offset is not None:
            try:
                await asyncio.wait_for(self._confirm(self.offset), 5.0)
            except Exception as exc:  # kept all the same: given again, it is handled once
                log.info("The last offset was not confirmed (%s); those updates come once more", exc)

    async def _run(self) -> None:
        pause = 0.0
        while True:
            try:
                updates = await self._fetch(self.offset, self._poll_seconds)
            except Exception as exc:
                pause = self._failed(exc, pause)
                await asyncio.sleep(pause)
                continue
            self._works()
            pause = 0.0
            if not updates:
                continue
            try:
                await self._dispatch.take(updates)
            except Exception as exc:  # not kept: not confirmed; Telegram gives them again
                pause = min(max(pause * 2, 1.0), MOST_PAUSE)
                log.warning(
                    "%d update(s) could not be kept (%s); asking again in %.0f s", len(updates), exc, pause
                )
                await asyncio.sleep(pause)
                continue
            ids = [u["update_id"] for u in updates if isinstance(u.get("update_id"), int)]
            if ids:
                self.offset = max(self.offset or 0, max(ids) + 1)

    def _failed(self, exc: Exception, pause: float) -> float:
        pause = min(max(pause * 2, 0.5), MOST_PAUSE)
        if isinstance(exc, DeliveryError) and exc.code == 429 and exc.retry_after:
            pause = exc.retry_after
        if isinstance(exc, DeliveryError) and exc.code in (401, 404):
            pause = UNAUTHORIZED_PAUSE
            log.error(
                "Telegram refuses the bot token (%s): no update arrives until HOTLINE_BOT_TOKEN is "
                "fixed; asking again in %.0f s",
                exc.code,
                pause,
            )
        else:
            log.warning("getUpdates failed (%s); trying again in %.1f s", exc, pause)
        if self.failing is None:
            self.failing_since = time.monotonic()
        self.failing = (
            f"{exc.code}: {exc.description}" if isinstance(exc, DeliveryError) else type(exc).__name__
        )
        return pause

    def _works(self) -> None:
        if self.failing is not None:
            log.info("getUpdates works again")
        self.failing, self.failing_since = None, None
