"""The hotline as the runtimes see it: one entry point for every update, handled per chat in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.core.incoming import Incoming
from bot.core.port import BotPort
from bot.handlers.citizen import CitizenHandler, Mission
from bot.i18n import Catalogs
from storage.db import make_engine, make_sessionmaker

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ChatLocks:
    """One lock per chat, so two quick taps never race on one draft; unused locks are dropped."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def run(self, chat_id: int, work: Callable[[], object]) -> None:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                result = work()
                if asyncio.iscoroutine(result):
                    await result
        finally:
            self._users[chat_id] -= 1
            if self._users[chat_id] == 0:
                del self._users[chat_id]
                del self._locks[chat_id]


class Hotline:
    """Built in main() from the settings; the runtimes call `handle` for every incoming value."""

    def __init__(
        self, settings: Settings, engine: AsyncEngine, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.sessions = make_sessionmaker(engine)
        self.catalogs = Catalogs(settings.zone)
        mission = Mission(
            name=settings.mission_name,
            prefix=settings.reference_prefix,
            phone=settings.hotline_phone,
            retention_days=settings.retention_days,
            zone=settings.zone,
        )
        self.citizens = CitizenHandler(self.sessions, self.catalogs, mission, clock)
        self.locks = ChatLocks()

    @classmethod
    def from_settings(cls, settings: Settings, clock: Callable[[], datetime] = utc_now) -> Hotline:
        return cls(settings, make_engine(settings.database_url), clock)

    async def handle(self, inp: Incoming, port: BotPort) -> None:
        if not inp.is_private:
            return  # the officer group comes with the officers' handlers
        await self.locks.run(inp.chat_id, lambda: self.citizens.handle(inp, port))

    async def close(self) -> None:
        await self.engine.dispose()
