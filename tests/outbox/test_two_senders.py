"""Two senders on one PostgreSQL database (two processes' worth: an engine each) never claim one row:
the claim locks the row with FOR UPDATE SKIP LOCKED, and the other sender passes it by at once."""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import Action, SendMessage
from bot.services.outbox import SENT, Sender, store
from storage.db import make_engine, make_sessionmaker
from tests.outbox.conftest import FakePort, Moment, put, rows
from tests.support.databases import database_url, on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="row locks between connections: PostgreSQL only")

Sessions = async_sessionmaker[AsyncSession]


class SlowPort(FakePort):
    """Telegram takes a moment to answer, so that the two senders' claims overlap."""

    async def perform(self, action: Action) -> int | None:
        await asyncio.sleep(0.002)
        return await super().perform(action)


@pytest.fixture
async def other(sessions: Sessions, tmp_path: Path) -> AsyncIterator[Sessions]:
    """A second engine on the same database, as another worker process has."""
    engine = make_engine(database_url(tmp_path, "o"))
    yield make_sessionmaker(engine)
    await engine.dispose()


async def test_a_row_one_sender_claimed_is_passed_by_the_other_at_once(
    sessions: Sessions, other: Sessions, moment: Moment
) -> None:
    row_id = await put(sessions, moment, 1001, "Kumpul jam 8")
    async with sessions() as first, first.begin():
        assert await store.claim(first, row_id) is not None  # locked until this unit of work ends
        async with other() as second, second.begin():
            # without SKIP LOCKED this would wait for the first sender's commit
            assert await asyncio.wait_for(store.claim(second, row_id), 2) is None
    async with other() as second, second.begin():
        assert await store.claim(second, row_id) is None  # now "sending": not pending any more


async def test_two_senders_send_each_row_once(sessions: Sessions, other: Sessions, moment: Moment) -> None:
    chats = range(20001, 20301)
    for chat_id in chats:
        await put(sessions, moment, chat_id, f"Instruksi {chat_id}")
    ports = [SlowPort(moment), SlowPort(moment)]
    senders = [
        Sender(made, port, rate=math.inf, private_per_second=math.inf, clock=moment.now, timer=moment.timer)
        for made, port in zip([sessions, other], ports, strict=True)
    ]
    sent = await asyncio.gather(*(sender.send_due() for sender in senders))
    performed = Counter(a.chat_id for port in ports for a in port.performed if isinstance(a, SendMessage))
    assert performed == Counter(chats)  # every chat once, none twice
    assert sum(sent) == len(chats) and min(sent) > 0  # both senders took a share
    assert {r.status for r in await rows(sessions)} == {SENT}
