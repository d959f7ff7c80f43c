"""The queue of updates waiting for the bot, shared by getUpdates and webhook delivery."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass
from typing import Any

# What Telegram sends when allowed_updates was never given (or given as an empty list).
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
FIRST_UPDATE_ID = 1000


@dataclass(frozen=True, slots=True, eq=False)
class PendingUpdate:
    update_id: int
    kind: str  # "message", "edited_message", "callback_query", "my_chat_member"
    payload: dict[str, Any]
    chat_id: int | None  # updates of one chat are delivered one at a time, in order
    raw: dict[str, Any] | None = None  # a raw update as given (tests of malformed updates)

    def to_dict(self) -> dict[str, Any]:
        if self.raw is not None:
            return {"update_id": self.update_id, **copy.deepcopy(self.raw)}
        return {"update_id": self.update_id, self.kind: copy.deepcopy(self.payload)}


class UpdateQueue:
    def __init__(self) -> None:
        self._pending: list[PendingUpdate] = []
        self._next_id = FIRST_UPDATE_ID
        self.allowed: list[str] | None = None
        self._waiters: list[asyncio.Future[None]] = []
        self.created: list[PendingUpdate] = []  # every update ever queued, for inspection

    def reset(self) -> None:
        self._pending.clear()
        self.created.clear()
        self.allowed = None
        self._next_id = FIRST_UPDATE_ID
        self.notify()

    def wants(self, kind: str) -> bool:
        if not self.allowed:
            return kind not in DEFAULT_EXCLUDED
        return kind in self.allowed

    def add(self, kind: str, payload: dict[str, Any], chat_id: int | None) -> PendingUpdate | None:
        """Queue an update unless allowed_updates filters it out (as Telegram does at creation)."""
        if not self.wants(kind):
            return None
        update = PendingUpdate(self._next_id, kind, copy.deepcopy(payload), chat_id)
        self._next_id += 1
        self._pending.append(update)
        self.created.append(update)
        self.notify()
        return update

    def add_raw(self, body: dict[str, Any], chat_id: int | None = None) -> PendingUpdate:
        """Queue any JSON object as an update, unchecked and unfiltered (only update_id is set here, as
        Telegram always sets it): a test's way to hand the bot missing fields, wrong types, unknown kinds."""
        raw = {k: v for k, v in body.items() if k != "update_id"}
        update = PendingUpdate(self._next_id, "raw", {}, chat_id, copy.deepcopy(raw))
        self._next_id += 1
        self._pending.append(update)
        self.created.append(update)
        self.notify()
        return update

    def notify(self) -> None:
        """Wake everyone waiting for a change (long polls, the webhook sender)."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_changed(self, seconds: float) -> None:
        """Returns on the next change, or after `seconds`."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        timer = loop.call_later(max(0.0, seconds), _wake, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    @property
    def pending(self) -> list[PendingUpdate]:
        return list(self._pending)

    def confirm(self, offset: int | None) -> None:
        """getUpdates' offset: forget updates with smaller ids; negative: keep only the last -offset."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u.update_id >= offset]

    def remove(self, update: PendingUpdate) -> None:
        if update in self._pending:
            self._pending.remove(update)
            self.notify()

    def drop_all(self) -> None:
        self._pending.clear()
        self.notify()


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
