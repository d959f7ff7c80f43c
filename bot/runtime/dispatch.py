"""From updates to the hotline: keep them, convert them, then handle each as its own task.

`take` stores the updates in the hotline's inbox first (bot.services.inbox), and only then may the
runtime confirm them to Telegram; each is dropped from the inbox once handled. Each update runs as a
task so that chats are handled concurrently (the hotline keeps one chat in order itself). The tasks
are kept referenced here; `drain` lets them finish on a graceful stop, and what does not finish stays
in the inbox for the next start (`replay`). An update whose handling failed (the database gone
mid-way) is tried again after a while, and `sweep` picks up what any worker left behind.
A button tap that came by webhook is answered in the webhook's reply (see reply.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from bot.core.actions import AnswerCallback
from bot.core.incoming import Incoming
from bot.core.port import BotPort, DeliveryError
from bot.runtime.base import ALLOWED_UPDATES, SWEEP_SECONDS, HotlineLike
from bot.runtime.convert import MalformedUpdate, to_incoming
from bot.runtime.reply import ReplyingPort, ReplySlot, as_method
from bot.services.inbox import LEFT_BEHIND

log = logging.getLogger(__name__)
RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)  # a failed handling is tried again after these; then the sweep


class Dispatch:
    def __init__(self, hotline: HotlineLike, port: BotPort) -> None:
        self.hotline = hotline
        self.port = port
        self.bot_username: str | None = None  # learnt from getMe when the runtime opens
        self._tasks: set[asyncio.Task[None]] = set()
        self._by_update: dict[int, asyncio.Task[None]] = {}  # for the webhook, which answers when done
        self._answerable: set[int] = set()  # updates whose webhook request waits: a tap's answer can go in it
        self._slots: dict[int, ReplySlot] = {}
        self._bodies: dict[int, Mapping[str, Any]] = {}  # updates being handled or waiting for a retry
        self._failures: dict[int, int] = {}

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def take(self, updates: list[dict[str, Any]]) -> None:
        """Keep these updates in the inbox, then start handling each. When they cannot be kept (the
        inbox raises), nothing is started: the caller must not confirm them to Telegram."""
        await self.hotline.inbox.receive(updates)
        for update in updates:
            self.submit(update)

    async def replay(self) -> int:
        """At start: handle what the last run left in the inbox (a stop, a crash). How many."""
        return await self._resubmit(left_for=timedelta(0))

    async def sweep(self, stop: asyncio.Event, every: float = SWEEP_SECONDS) -> None:
        """Until `stop`: now and then handle what was left in the inbox for a while (by a worker that
        died, or a database outage), but what is being handled here."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
            if not stop.is_set():
                await self._resubmit(left_for=LEFT_BEHIND)

    async def _resubmit(self, left_for: timedelta) -> int:
        try:
            waiting = await self.hotline.inbox.waiting(set(self._bodies), left_for)
        except Exception as exc:
            log.warning("The inbox could not be read (%s); it is looked at again later", exc)
            return 0
        started = sum(1 for update in waiting if self.submit(update) is not None)
        if waiting:
            log.info("%d update(s) left in the inbox: handling them now", len(waiting))
        return started

    def submit(self, update: Mapping[str, Any]) -> asyncio.Task[None] | None:
        """Start handling one update (the Bot API's JSON shape); never raises."""
        update_id = _update_id(update)
        if isinstance(update_id, int) and update_id in self._by_update:
            return None  # already being handled here
        try:
            inp = to_incoming(update, self.bot_username)
        except MalformedUpdate as exc:
            log.warning("Update %r skipped, it is malformed: %s", update_id, exc)
            self._drop(update_id)
            return None
        except Exception:
            log.exception("Update %r skipped, it could not be read", update_id)
            self._drop(update_id)
            return None
        if inp is None:
            log.debug("Update %r is not for the hotline", update_id)
            self._drop(update_id)
            return None
        port = self.port
        if inp.update_id in self._answerable and inp.callback_id:
            slot = self._slots[inp.update_id] = ReplySlot(inp.callback_id)
            port = ReplyingPort(self.port, slot)
        task = asyncio.create_task(self._handle(inp, port), name=f"hotline-update-{inp.update_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if inp.update_id is not None:
            known = inp.update_id
            self._by_update[known] = task
            self._bodies[known] = update
            task.add_done_callback(lambda t: self._forget(known, t))
        return task

    def settled(self, update_id: object) -> None:
        """The runtime is done with this update: unless it waits for a retry here, it leaves the inbox
        (a framework may have skipped it without handing it on)."""
        if isinstance(update_id, int) and update_id not in self._bodies:
            self.hotline.inbox.done(update_id)

    def _drop(self, update_id: object) -> None:
        """Not for the hotline (or unreadable): out of the inbox at once."""
        if isinstance(update_id, int):
            self.hotline.inbox.done(update_id)

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
        except DeliveryError as exc:  # handled (and stored); a reply could not go
            log.warning(
                "Update %s of chat %s: Telegram refused an answer: %s", inp.update_id, inp.chat_id, exc
            )
        except Exception:
            log.exception("Update %s of chat %s failed; it is tried again", inp.update_id, inp.chat_id)
            await self._later(inp.update_id)
            return
        self._handled(inp.update_id)

    def _handled(self, update_id: int | None) -> None:
        if update_id is None:
            return
        self._bodies.pop(update_id, None)
        self._failures.pop(update_id, None)
        self.hotline.inbox.done(update_id)

    async def _later(self, update_id: int | None) -> None:
        """The handling failed (the database gone mid-way): the update stays in the inbox, and is
        submitted again after a while; past the last retry it is the sweep's."""
        if update_id is None:
            return
        failures = self._failures[update_id] = self._failures.get(update_id, 0) + 1
        await self.hotline.inbox.failed(update_id)
        if failures > len(RETRY_SECONDS):
            self._bodies.pop(update_id, None)
            self._failures.pop(update_id, None)
            return
        body = self._bodies.get(update_id)
        if body is not None:
            loop = asyncio.get_running_loop()
            loop.call_later(RETRY_SECONDS[failures - 1], self._retry, update_id, body)

    def _retry(self, update_id: int, body: Mapping[str, Any]) -> None:
        if update_id not in self._by_update and update_id in self._bodies:
            self.submit(body)

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
