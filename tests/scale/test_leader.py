"""The pieces that let several workers share PostgreSQL, on a real server: one sender elected, a
takeover when its connection dies, signals from a standby, the per-chat lock, the outbox claim."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.actions import SendMessage
from bot.services.leader import OUTBOX, SENDER, SENT_ELSEWHERE, STANDBY, Leadership
from bot.services.outbox import enqueue
from bot.services.outbox import store as outbox_store
from storage.crypto import Keyring, new_key, parse_keys
from storage.db import make_engine, make_sessionmaker
from storage.locks import ChatHolds, lock_chat
from storage.migrate import upgrade
from tests.scale.conftest import postgres_only
from tests.support.databases import database_url

pytestmark = postgres_only
NOW = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    made = make_engine(database_url(tmp_path, "workers"), Keyring(parse_keys(new_key()), "the test"))
    await upgrade(made)
    yield made
    await made.dispose()


class Worker:
    """One worker's leadership, with work that records when it runs and the signals it hears."""

    def __init__(self, engine: AsyncEngine, name: str) -> None:
        self.leader = Leadership(engine, heartbeat=0.2)
        self.name = name
        self.leading = asyncio.Event()
        self.heard: list[str] = []
        self.stop = asyncio.Event()
        self.starts = self.stops = 0
        self.task = asyncio.create_task(self.leader.run(self._work, self.stop))

    async def _work(self, stop: asyncio.Event) -> None:
        self.leader.serve(
            {
                OUTBOX: lambda: self.heard.append(OUTBOX),
                SENT_ELSEWHERE: lambda: self.heard.append(SENT_ELSEWHERE),
            }
        )
        self.starts += 1
        self.leading.set()
        await stop.wait()
        self.leading.clear()
        self.stops += 1

    async def end(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 20)


async def until(check: object, seconds: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not (check() if callable(check) else check):
        assert loop.time() < deadline, "waited too long"
        await asyncio.sleep(0.02)


async def test_one_sender_a_standby_and_a_takeover(engine: AsyncEngine) -> None:
    a = Worker(engine, "a")
    await until(lambda: a.leader.role == SENDER)
    b = Worker(engine, "b")
    await until(lambda: b.leader.role == STANDBY)
    await asyncio.sleep(0.6)  # several heartbeats: still one sender
    assert (a.leading.is_set(), b.leading.is_set()) == (True, False)
    assert (await b.leader.health()) == {"database": "reachable", "role": "standby"}

    b.leader.signal(OUTBOX)  # a standby's signals reach the sender's work
    b.leader.signal(SENT_ELSEWHERE)
    b.leader.signal(SENT_ELSEWHERE)
    await until(lambda: sorted(a.heard) == [OUTBOX, SENT_ELSEWHERE, SENT_ELSEWHERE])
    assert b.heard == []

    # the sender's connection dies (a killed backend, a cut network): its work stops at once, and
    # one sender (either) runs again soon after
    async with engine.connect() as conn:
        await conn.execute(
            text(
                "SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                "WHERE d.datname = current_database() AND l.locktype = 'advisory' AND l.objsubid = 2"
            )
        )
    await until(lambda: a.stops == 1)
    await until(lambda: a.leading.is_set() != b.leading.is_set())
    assert a.stops + b.stops == a.starts + b.starts - 1

    # the sender stops for good: the standby takes over
    first, second = (a, b) if a.leading.is_set() else (b, a)
    await first.end()
    await until(lambda: second.leader.role == SENDER and second.leading.is_set())
    assert (await second.leader.health()) == {"database": "reachable", "role": "sender"}
    await second.end()


async def test_the_chat_lock_holds_across_connections(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    order: list[str] = []
    first_has_it = asyncio.Event()

    async def first() -> None:
        async with sessions() as session, session.begin():
            await lock_chat(session, 4242)
            first_has_it.set()
            await asyncio.sleep(0.5)
            order.append("first done")

    async def second() -> None:
        await first_has_it.wait()
        async with sessions() as session, session.begin():
            await lock_chat(session, 4242)
            order.append("second in")

    async def other_chat() -> None:
        await first_has_it.wait()
        async with sessions() as session, session.begin():
            await lock_chat(session, 4343)
            order.append("other chat in")

    await asyncio.gather(first(), second(), other_chat())
    assert order == ["other chat in", "first done", "second in"]


async def test_two_senders_never_claim_one_row(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as session, session.begin():
        row = await enqueue(session, action=SendMessage(77, "hi"), chat_id=77, kind="relay_in", now=NOW)
        await session.flush()
        assert row is not None
        row_id = row.id
    claimed: list[object] = []
    holding = asyncio.Event()

    async def claimer(wait: bool) -> None:
        async with sessions() as session, session.begin():
            if wait:
                await holding.wait()
            found = await outbox_store.claim(session, row_id)
            claimed.append(found is not None)
            if not wait:
                holding.set()
                await asyncio.sleep(0.3)  # the other claims while this one still holds the row

    await asyncio.gather(claimer(False), claimer(True))
    assert claimed == [True, False]  # skipped at once, not waited for and taken a second time


async def test_a_chat_held_by_one_worker_waits_in_another_until_its_replies_are_out(
    engine: AsyncEngine,
) -> None:
    first, second = ChatHolds(engine, poll=0.01), ChatHolds(engine, poll=0.01)
    sessions = make_sessionmaker(engine)
    order: list[str] = []
    first_has_it = asyncio.Event()

    async def handling() -> None:  # a worker handles chat 4242, replies included
        async with first.hold(4242):
            first_has_it.set()
            async with sessions() as session, session.begin():
                await lock_chat(session, 4242)  # its own unit of work is not held up by its hold
            await asyncio.sleep(0.4)  # sending the replies
            order.append("first replied")

    async def retry() -> None:  # the same update again, at another worker
        await first_has_it.wait()
        async with second.hold(4242):
            order.append("retry in")

    async def other_chat() -> None:
        await first_has_it.wait()
        async with second.hold(4343):
            order.append("other chat in")

    try:
        await asyncio.wait_for(asyncio.gather(handling(), retry(), other_chat()), 10)
    finally:
        await first.close()
        await second.close()
    assert order == ["other chat in", "first replied", "retry in"]
