"""Recipients into the outbox batch by batch: resumable, once each, held and blocked as they asked;
and a stop that leaves nothing of the broadcast to go."""

from __future__ import annotations

from bot.services.broadcasts import Filters, feed_batch, figures, stop
from bot.services.broadcasts.states import SENDING, STOPPED
from bot.services.outbox import FAILED, HELD, PENDING
from tests.broadcasts.conftest import Sessions, broadcast, feed_all, outbox, recipients, start
from tests.broadcasts.seed import Person, seed
from tests.outbox.conftest import Moment


async def test_each_recipient_is_queued_once_even_when_the_feeding_starts_over(
    sessions: Sessions, moment: Moment
) -> None:
    await seed(sessions, [Person(u, tags=["wave-3"]) for u in range(100, 111)], moment.now())
    broadcast_id = await start(sessions, moment, Filters({"tag": ("wave-3",)}))
    for _ in range(2):  # two batches, then the process "dies"
        async with sessions() as session, session.begin():
            assert await feed_batch(session, broadcast_id, moment.now(), size=4)
    assert len(await recipients(sessions, broadcast_id)) == 8
    assert await feed_all(sessions, moment, broadcast_id, size=4) == 1  # a new worker goes on from there
    assert [r.citizen_id for r in await recipients(sessions, broadcast_id)] == list(range(1, 12))
    rows = await outbox(sessions)
    assert sorted(r.chat_id for r in rows) == list(range(100, 111))
    assert {(r.kind, r.priority, r.status) for r in rows} == {("broadcast", 8, PENDING)}
    found = await broadcast(sessions, broadcast_id)
    assert (found.status, found.total, found.cursor) == (SENDING, 11, 11)


async def test_the_blocked_are_never_queued_and_on_reply_citizens_are_held(
    sessions: Sessions, moment: Moment
) -> None:
    await seed(sessions, [Person(1), Person(2, unreachable=True), Person(3, pref="on_reply")], moment.now())
    broadcast_id = await start(sessions, moment)
    await feed_all(sessions, moment, broadcast_id)
    rows = await outbox(sessions)
    assert [(r.chat_id, r.status) for r in rows] == [(1, PENDING), (3, HELD)]
    assert [
        (r.citizen_id, r.skipped, r.outbox_id is None) for r in await recipients(sessions, broadcast_id)
    ] == [
        (1, None, False),
        (2, "blocked", True),
        (3, None, False),
    ]
    async with sessions() as session:
        found = await figures(session, await broadcast(sessions, broadcast_id))
    assert (found.total, found.waiting, found.held, found.blocked) == (3, 1, 1, 1)


async def test_a_stop_cancels_what_waits_and_ends_the_feeding(sessions: Sessions, moment: Moment) -> None:
    await seed(sessions, [Person(u, pref="on_reply" if u == 1 else "any") for u in range(1, 9)], moment.now())
    broadcast_id = await start(sessions, moment)
    async with sessions() as session, session.begin():
        assert await feed_batch(session, broadcast_id, moment.now(), size=3)
    async with sessions() as session, session.begin():
        assert await stop(session, broadcast_id, moment.now())
        assert not await stop(session, broadcast_id, moment.now())  # once is enough
    async with sessions() as session, session.begin():
        assert not await feed_batch(session, broadcast_id, moment.now(), size=3)
    rows = await outbox(sessions)
    assert [(r.status, r.error) for r in rows] == [(FAILED, "stopped")] * 3
    found = await broadcast(sessions, broadcast_id)
    async with sessions() as session:
        counted = await figures(session, found)
    assert found.status == STOPPED
    assert (counted.total, counted.stopped, counted.waiting, counted.sent) == (8, 8, 0, 0)
