"""An inbox in memory, for the runtime tests' stand-in hotlines (the real one is bot.services.inbox)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any


class MemoryInbox:
    def __init__(self) -> None:
        self.kept: dict[int, dict[str, Any]] = {}
        self.failures: dict[int, int] = {}
        self.refuse = False  # True: storing fails, as with the database down

    async def receive(self, updates: list[dict[str, Any]]) -> None:
        if self.refuse:
            raise RuntimeError("the inbox is down")
        for update in updates:
            if isinstance(update.get("update_id"), int):
                self.kept.setdefault(update["update_id"], update)

    def done(self, update_id: int | None) -> None:
        if update_id is not None:
            self.kept.pop(update_id, None)

    async def failed(self, update_id: int) -> None:
        self.failures[update_id] = self.failures.get(update_id, 0) + 1

    async def waiting(
        self, exclude: Collection[int] = (), left_for: timedelta = timedelta(0)
    ) -> list[dict[str, Any]]:
        return [body for uid, body in sorted(self.kept.items()) if uid not in exclude]
