"""From a parsed update to the hotline: convert it, then handle it as its own task.

Each update runs as a task so that chats are handled concurrently (the hotline keeps one chat in
order itself). The tasks are kept referenced here, and `drain` lets them finish on a graceful stop.
A button tap that came by webhook is answered in the webhook's reply (see reply.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from bot.core.actions import AnswerCallback
from bot.core.incoming import Incoming
from bot.core.port import BotPort, DeliveryError
from bot.runtime.base import ALLOWED_UPDATES, HotlineLike
from bot.runtime.convert import MalformedUpdate, to_incoming
from bot.runtime.reply import ReplyingPort, ReplySlot, as_method

log = logging.getLogger(__name__)


class Dispatch:
    def __init__(self, hotline: HotlineLike, port: BotPort) -> None:
        self.hotline = hotline
        self.port = port
        self.bot_username: str | None = None  # learnt from getMe when the runtime opens
        self._tasks: set[asyncio.Task[None]] = set()
        self._by_update: dict[int, asyncio.Task[None]] = {}  # for the webhook, which answers when done
        self._answerable: set[int] = set()  # updates whose webhook request waits: a tap's answer can go in it
        self._slots: dict[int, ReplySlot] = {}

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
        port = self.port
        if inp.update_id in self._answerable and inp.callback_id:
            slot = self._slots[inp.update_id] = ReplySlot(inp.callback_id)
            port = ReplyingPort(self.port, slot)
        task = asyncio.create_task(self._handle(inp, port), name=f"hotline-update-{inp.update_id}")
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

    def expect_reply(self, update_id: object) -> None:
        """This update came in a webhook request that will be answered when it is handled: the answer
        to its button tap, if it is one, waits for that reply (`reply`, or `answer_apart`)."""
        if isinstance(update_id, int):
            self._answerable.add(update_id)

    def reply(self, update_id: object) -> dict[str, Any] | None:
        """The Bot API call for the webhook's reply to this update (its tap's answer), if any."""
        action = self._close(update_id)
        return as_method(action) if action is not None else None

    def answer_apart(self, update_id: object) -> None:
        """The webhook request was not answered (a stop, an error): a tap's answer kept for it goes
        as a request of its own."""
        action = self._close(update_id)
        if action is not None:
            task = asyncio.create_task(self._answer(action), name=f"hotline-answer-{update_id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _close(self, update_id: object) -> AnswerCallback | None:
        if not isinstance(update_id, int):
            return None
        self._answerable.discard(update_id)
        slot = self._slots.pop(update_id, None)
        return slot.close() if slot is not None else None

    async def _answer(self, action: AnswerCallback) -> None:
        try:
            await self.port.perform(action)
        except DeliveryError as exc:
            log.info("A button tap could not be answered: %s", exc)

    async def _handle(self, inp: Incoming, port: BotPort) -> None:
        try:
            await self.hotline.handle(inp, port)
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
