"""From a parsed update to the hotline: convert it, then handle it as its own task.

Each update runs as a task so that chats are handled concurrently (the hotline keeps one chat in
order itself). The tasks are kept referenced here, and `drain` lets them finish on a graceful stop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from bot.core.incoming import Incoming
from bot.core.port import BotPort, DeliveryError
from bot.runtime.base import ALLOWED_UPDATES, HotlineLike
from bot.runtime.convert import MalformedUpdate, to_incoming

log = logging.getLogger(__name__)


class Dispatch:
    def __init__(self, hotline: HotlineLike, port: BotPort) -> None:
        self.hotline = hotline
        self.port = port
        self.bot_username: str | None = None  # learnt from getMe when the runtime opens
        self._tasks: set[asyncio.Task[None]] = set()
        self._by_update: dict[int, asyncio.Task[None]] = {}  # for the webhook, which answers when done

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    def submit(self, update: Mapping[str, Any]) -> asyncio.Task[None] | None:
        """Start handling one update (the Bot API's JSON shape); never raises."""
        try:
            inp = to_incoming(update, self.bot_username)
        except MalformedUpdate as exc:
            log.warning("Update %r skipped, it is malformed: %s", _update_id(update), exc)
            return None
        except Exception:
            log.exception("Update %r skipped, it could not be read", _update_id(update))
            return None
        if inp is None:
            log.debug("Update %r is not for the hotline", _update_id(update))
            return None
        task = asyncio.create_task(self._handle(inp), name=f"hotline-update-{inp.update_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if inp.update_id is not None:
            update_id = inp.update_id
            self._by_update[update_id] = task
            task.add_done_callback(lambda t: self._forget(update_id, t))
        return task

    def _forget(self, update_id: int, task: asyncio.Task[None]) -> None:
        if self._by_update.get(update_id) is task:
            del self._by_update[update_id]

    async def handled(self, update_id: object) -> None:
        """Wait until the update with this id, if one is being handled, is done (never cancels it).

        The webhook answers Telegram only then: Telegram sends a chat's next update after the answer,
        so with several workers behind one address a chat's updates are still handled in order."""
        task = self._by_update.get(update_id) if isinstance(update_id, int) else None
        if task is not None:
            await asyncio.wait({task})

    async def _handle(self, inp: Incoming) -> None:
        try:
            await self.hotline.handle(inp, self.port)
        except DeliveryError as exc:
            log.warning(
                "Update %s of chat %s: Telegram refused an answer: %s", inp.update_id, inp.chat_id, exc
            )
        except Exception:
            log.exception("Update %s of chat %s failed", inp.update_id, inp.chat_id)

    async def drain(self, seconds: float) -> None:
        """Let the updates being handled finish, for at most `seconds`; cancel the rest."""
        if not self._tasks:
            return
        log.info("Waiting for %d update(s) being handled", len(self._tasks))
        _, pending = await asyncio.wait(set(self._tasks), timeout=seconds)
        if not pending:
            return
        log.warning("Cancelling %d update(s) still being handled after %.0f s", len(pending), seconds)
        for task in pending:
            task.cancel()
        await asyncio.wait(pending, timeout=2.0)


def wanted(update: Mapping[str, Any]) -> bool:
    """Whether the update is of a kind the hotline takes (a webhook may bring others)."""
    if any(kind in update for kind in ALLOWED_UPDATES):
        return True
    log.info("Update %r skipped: not a kind the hotline takes", _update_id(update))
    return False


def _update_id(update: Mapping[str, Any]) -> object:
    try:
        return update.get("update_id")
    except Exception:
        return None
