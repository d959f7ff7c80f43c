"""Enqueuing adds rows in the caller's unit of work; dedupe keys and held rows."""

from __future__ import annotations

import math

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import EditMessage, SendMessage
from bot.core.serialize import to_payload
from bot.services.outbox import HELD, PENDING, SENT, Sender, enqueue, release_held
from tests.outbox.conftest import FakePort, Moment, put, rows

Sessions = async_sessionmaker[AsyncSession]


async def test_enqueue_adds_to_the_unit_of_work_and_never_commits(sessions: Sessions, moment: Moment) -> None:
    action = SendMessage(1001, "Halo", protect_content=True)
    async with sessions() as session:
        row = await enqueue(
            session, action=action, chat_id=1001, kind="relay", priority=2, report_id=None, now=moment.now()
        )
        assert row is not None and row in session.new
        await session.rollback()
    assert await rows(sessions) == []

    async with sessions() as session, session.begin():
        await enqueue(session, action=action, chat_id=1001, kind="relay", priority=2, now=moment.now())
    [stored] = await rows(sessions)
    assert (stored.status, stored.kind, stored.priority, stored.attempts) == (PENDING, "relay", 2, 0)
    assert stored.payload == to_payload(action)
    assert stored.due_at == moment.now() and stored.created_at == moment.now()


async def test_a_raw_payload_is_kept_for_the_composer(sessions: Sessions, moment: Moment) -> None:
    later = moment.now().replace(hour=9)
    async with sessions() as session, session.begin():
        await enqueue(
            session, chat_id=-100, kind="card_edit", payload={"report": 7}, due_at=later, now=moment.now()
        )
    [stored] = await rows(sessions)
    assert (stored.payload, stored.due_at) == ({"report": 7}, later)


async def test_enqueue_takes_an_action_or_a_payload_for_the_same_chat(
    sessions: Sessions, moment: Moment
) -> None:
    async with sessions() as session, session.begin():
        with pytest.raises(ValueError, match="not both"):
            await enqueue(
                session, action=SendMessage(1, "a"), payload={"a": 1}, chat_id=1, kind="x", now=moment.now()
            )
        with pytest.raises(ValueError, match="chat"):
            await enqueue(session, action=SendMessage(2, "a"), chat_id=1, kind="x", now=moment.now())
        # a kind composed at send time from its report needs no payload at all
        row = await enqueue(session, chat_id=-100, kind="sos_repeat", priority=0, now=moment.now())
        assert row is not None and row.payload == {}


async def test_a_dedupe_key_is_used_once(sessions: Sessions, moment: Moment) -> None:
    async with sessions() as session, session.begin():
        first = await enqueue(
            session,
            action=SendMessage(1, "a"),
            chat_id=1,
            kind="alert",
            dedupe_key="sos:7:1",
            now=moment.now(),
        )
        again = await enqueue(  # the same unit of work: the first row is flushed by the check
            session,
            action=SendMessage(1, "b"),
            chat_id=1,
            kind="alert",
            dedupe_key="sos:7:1",
            now=moment.now(),
        )
        assert first is not None and again is None
    async with sessions() as session, session.begin():
        later = await enqueue(
            session,
            action=SendMessage(1, "c"),
            chat_id=1,
            kind="alert",
            dedupe_key="sos:7:1",
            now=moment.now(),
        )
        assert later is None
        other = await enqueue(
            session,
            action=SendMessage(1, "d"),
            chat_id=1,
            kind="alert",
            dedupe_key="sos:7:2",
            now=moment.now(),
        )
        assert other is not None
    assert [r.payload["text"] for r in await rows(sessions)] == ["a", "d"]


async def test_held_rows_wait_until_the_citizen_writes(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    sender = Sender(
        sessions, port, rate=math.inf, private_per_second=math.inf, clock=moment.now, timer=moment.timer
    )
    await put(sessions, moment, 1001, "Instruksi kepulangan", held=True)
    await put(sessions, moment, 1002, "For someone else")
    assert await sender.send_due() == 1
    assert port.texts() == ["For someone else"]
    assert [r.status for r in await rows(sessions)] == [HELD, SENT]

    moment.advance(3600)
    async with sessions() as session, session.begin():
        assert await release_held(session, 1002, moment.now()) == 0
        assert await release_held(session, 1001, moment.now()) == 1
    held = (await rows(sessions))[0]
    assert (held.status, held.due_at) == (PENDING, moment.now())
    assert await sender.send_due() == 1
    assert port.texts(1001) == ["Instruksi kepulangan"]


async def test_an_edit_is_queued_as_an_action_too(sessions: Sessions, moment: Moment, port: FakePort) -> None:
    async with sessions() as session, session.begin():
        await enqueue(session, action=EditMessage(-5, 42, "Kartu"), chat_id=-5, kind="card", now=moment.now())
    sender = Sender(sessions, port, rate=math.inf, clock=moment.now, timer=moment.timer)
    assert await sender.send_due() == 1
    assert port.performed == [EditMessage(-5, 42, "Kartu")]
    [stored] = await rows(sessions)
    assert (stored.status, stored.message_id, stored.sent_at) == (SENT, None, moment.now())
