"""A migrated SQLite file with seeded citizens, the outbox's recording port and clocks, and a sender
that knows the broadcast kinds."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Catalogs
from bot.services.broadcasts import KINDS, BroadcastComposer, Filters, Plan, feed_batch, launch
from bot.services.broadcasts.states import ENQUEUING
from bot.services.outbox import Sender
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Broadcast, BroadcastRecipient, OutboxMessage
from tests.outbox.conftest import FakePort, Moment
from tests.support.databases import database_url

Sessions = async_sessionmaker[AsyncSession]
STAFF = 9300
ZONE = ZoneInfo("Asia/Phnom_Penh")


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Sessions]:
    engine = make_engine(database_url(tmp_path, "b"))
    await upgrade(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def moment() -> Moment:
    return Moment()


@pytest.fixture
def port(moment: Moment) -> FakePort:
    return FakePort(moment)


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs(ZONE)


def sender(sessions: Sessions, port: FakePort, moment: Moment, catalogs: Catalogs, **options: Any) -> Sender:
    composer = BroadcastComposer(catalogs, "en", "KBRI Phnom Penh", 30.0, moment.now)
    settings: dict[str, Any] = {"rate": math.inf, "private_per_second": math.inf} | options
    return Sender(
        sessions, port, composers=dict.fromkeys(KINDS, composer), clock=moment.now, timer=moment.timer,
        **settings,
    )  # fmt: skip


async def start(
    sessions: Sessions,
    moment: Moment,
    filters: Filters | None = None,
    texts: tuple[str | None, str | None] = ("Kumpul jam 8", "Gather at 8"),
    buttons: str = "attend",
    progress: int | None = None,
) -> int:
    """A confirmed broadcast, enqueuing now; its id."""
    async with sessions() as session, session.begin():
        plan = Plan(filters or Filters(), texts[0], texts[1], buttons, None)
        broadcast = await launch(session, plan, STAFF, STAFF, progress, moment.now())
        broadcast.status = ENQUEUING
        return broadcast.id


async def feed_all(sessions: Sessions, moment: Moment, broadcast_id: int, size: int = 200) -> int:
    """Enqueue every batch; how many batches it took."""
    batches, more = 0, True
    while more:
        async with sessions() as session, session.begin():
            more = await feed_batch(session, broadcast_id, moment.now(), size)
        batches += 1
    return batches


async def broadcast(sessions: Sessions, broadcast_id: int) -> Broadcast:
    async with sessions() as session:
        found = await session.get(Broadcast, broadcast_id)
        assert found is not None
        return found


async def recipients(sessions: Sessions, broadcast_id: int) -> list[BroadcastRecipient]:
    async with sessions() as session:
        query = select(BroadcastRecipient).where(BroadcastRecipient.broadcast_id == broadcast_id)
        return list((await session.execute(query.order_by(BroadcastRecipient.citizen_id))).scalars())


async def outbox(sessions: Sessions) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())
