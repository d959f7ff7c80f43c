"""A migrated SQLite file, a time the tests move, and a BotPort that records and fails on request."""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import Action, SendLocation, SendMessage
from bot.core.port import DeliveryError
from bot.services.outbox import enqueue
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import OutboxMessage
from tests.support.databases import database_url

BASE = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)


class Moment:
    """The sender's two clocks: `now` stands still until moved; `timer` runs with real time plus the moves."""

    def __init__(self) -> None:
        self.shift = 0.0

    def now(self) -> datetime:
        return BASE + timedelta(seconds=self.shift)

    def timer(self) -> float:
        return time.monotonic() + self.shift

    def advance(self, seconds: float) -> None:
        self.shift += seconds


@dataclass
class FakePort:
    """Records each action with the moment's time; `fail[chat_id]` lists errors for the next calls."""

    moment: Moment
    performed: list[Action] = field(default_factory=list)
    at: list[float] = field(default_factory=list)
    fail: dict[int, list[DeliveryError]] = field(default_factory=lambda: defaultdict(list))
    ids: Any = field(default_factory=lambda: itertools.count(500))

    async def perform(self, action: Action) -> int | None:
        chat_id: int = getattr(action, "chat_id", 0)
        self.at.append(self.moment.timer())
        if self.fail[chat_id]:
            raise self.fail[chat_id].pop(0)
        self.performed.append(action)
        if isinstance(action, SendMessage | SendLocation):
            return int(next(self.ids))
        return None

    async def member_status(self, chat_id: int, user_id: int) -> str:
        return "member"

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [
            a.text
            for a in self.performed
            if isinstance(a, SendMessage) and (chat_id is None or a.chat_id == chat_id)
        ]


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url(tmp_path, "o"))
    await upgrade(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def moment() -> Moment:
    return Moment()


@pytest.fixture
def port(moment: Moment) -> FakePort:
    return FakePort(moment)


async def put(
    sessions: async_sessionmaker[AsyncSession], moment: Moment, chat_id: int, text: str, **options: Any
) -> int:
    """Enqueue one text message in a unit of work of its own; the row's id."""
    async with sessions() as session, session.begin():
        row = await enqueue(
            session,
            action=SendMessage(chat_id, text),
            chat_id=chat_id,
            kind="text",
            now=moment.now(),
            **options,
        )
        assert row is not None
        await session.flush()
        return row.id


async def rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def row(sessions: async_sessionmaker[AsyncSession], row_id: int) -> OutboxMessage:
    async with sessions() as session:
        found = await session.get(OutboxMessage, row_id)
        assert found is not None
        return found
