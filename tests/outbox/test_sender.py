"""The sender's rules with a recording port: order, per-chat turns, errors, restarts, composers, hooks."""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import Action, EditMessage, SendMessage
from bot.core.port import DeliveryError
from bot.services.outbox import (
    DROPPED,
    FAILED,
    HELD,
    PENDING,
    SENDING,
    SENT,
    Sender,
    backoff,
    enqueue,
)
from storage.models import Citizen, OutboxMessage, Report
from tests.outbox.conftest import FakePort, Moment, put, row, rows

Sessions = async_sessionmaker[AsyncSession]
GROUP = -100500


def fast(sessions: Sessions, port: FakePort, moment: Moment, **options: Any) -> Sender:
    """A sender with no overall rate and no private-chat turns unless asked: the rules alone."""
    settings: dict[str, Any] = {"rate": math.inf, "private_per_second": math.inf, "concurrency": 1} | options
    return Sender(sessions, port, clock=moment.now, timer=moment.timer, **settings)


async def test_priority_first_then_id(sessions: Sessions, moment: Moment, port: FakePort) -> None:
    await put(sessions, moment, 1, "broadcast 1", priority=9)
    await put(sessions, moment, 2, "relay", priority=3)
    await put(sessions, moment, 3, "broadcast 2", priority=9)
    await put(sessions, moment, GROUP, "SOS", priority=0)
    await put(sessions, moment, 4, "relay 2", priority=3)
    assert await fast(sessions, port, moment).send_due() == 5
    assert port.texts() == ["SOS", "relay", "relay 2", "broadcast 1", "broadcast 2"]


async def test_one_chat_gets_its_rows_one_at_a_time_in_order(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    for n in range(4):
        await put(sessions, moment, GROUP, f"card {n}")
    await put(sessions, moment, GROUP, "SOS", priority=0)  # overtakes the backlog of its own chat
    sender = fast(sessions, port, moment, concurrency=8)
    assert await sender.send_due() == 5
    assert port.texts() == ["SOS", "card 0", "card 1", "card 2", "card 3"]


async def test_a_private_chat_waits_its_turn_without_holding_up_others(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    for n in range(3):
        await put(sessions, moment, 1001, f"relay {n}")
    await put(sessions, moment, 1002, "other")
    sender = fast(sessions, port, moment, private_per_second=1.0, concurrency=8)
    assert await sender.send_due() == 2
    assert sorted(port.texts()) == ["other", "relay 0"]
    assert await sender.send_due() == 0  # a second has not passed
    moment.advance(1.0)
    assert await sender.send_due() == 1
    moment.advance(1.0)
    assert await sender.send_due() == 1
    assert port.texts(1001) == ["relay 0", "relay 1", "relay 2"]


async def test_a_busy_group_does_not_hold_up_a_citizens_relay(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    for n in range(5):
        await put(sessions, moment, GROUP, f"card {n}")
    await put(sessions, moment, 1001, "officer's answer", priority=5)
    sender = fast(sessions, port, moment, group_per_minute=2, concurrency=4)
    assert await sender.send_due() == 3
    assert port.texts(1001) == ["officer's answer"]
    assert port.texts(GROUP) == ["card 0", "card 1"]
    moment.advance(30)
    assert await sender.send_due() == 0
    moment.advance(31)
    assert await sender.send_due() == 2
    moment.advance(61)
    assert await sender.send_due() == 1
    assert port.texts(GROUP) == [f"card {n}" for n in range(5)]


async def test_network_errors_back_off_then_give_up(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    row_id = await put(sessions, moment, 1001, "Halo")
    port.fail[1001] = [DeliveryError(0, "timed out")] * 25
    sender = fast(sessions, port, moment, max_attempts=20)
    waits = []
    for attempt in range(1, 21):
        assert await sender.send_due() == 0
        stored = await row(sessions, row_id)
        assert stored.attempts == attempt
        if attempt == 20:
            break
        assert (stored.status, stored.error) == (PENDING, "0: timed out")
        waits.append((stored.due_at - moment.now()).total_seconds())
        moment.advance(waits[-1] - 0.5)
        assert await sender.send_due() == 0  # not due yet
        moment.advance(0.5)
    assert waits[:8] == [1, 2, 4, 8, 16, 32, 60, 60] and set(waits[6:]) == {60}
    assert [backoff(n) for n in (1, 2, 3, 7, 30)] == [1, 2, 4, 60, 60]
    stored = await row(sessions, row_id)
    assert (stored.status, stored.error) == (FAILED, "0: timed out (gave up after 20 attempts)")
    assert len(port.at) == 20


async def test_a_retrying_row_keeps_the_rows_after_it_in_its_chat_waiting(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    await put(sessions, moment, GROUP, "card")
    await put(sessions, moment, GROUP, "card edit")
    await put(sessions, moment, GROUP, "SOS", priority=0, due_at=moment.now() + timedelta(seconds=5))
    await put(sessions, moment, 1001, "relay")
    port.fail[GROUP] = [DeliveryError(502, "Bad Gateway")]
    sender = fast(sessions, port, moment, concurrency=4)
    assert await sender.send_due() == 1
    assert port.texts() == ["relay"]  # the card waits for its retry, and its edit behind it
    moment.advance(1)
    assert await sender.send_due() == 2
    moment.advance(5)  # the SOS was scheduled for later: it never held up the others
    assert await sender.send_due() == 1
    assert port.texts(GROUP) == ["card", "card edit", "SOS"]


async def test_429_waits_as_told_and_is_not_a_failure(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    row_id = await put(sessions, moment, 1001, "Halo")
    port.fail[1001] = [DeliveryError(429, "Too Many Requests: retry after 7", retry_after=7)]
    sender = fast(sessions, port, moment)
    assert await sender.send_due() == 0
    stored = await row(sessions, row_id)
    assert (stored.status, stored.attempts) == (PENDING, 1)
    assert stored.due_at == moment.now() + timedelta(seconds=7)
    assert sender.stats["rate_limited"] == 1
    moment.advance(7)
    assert await sender.send_due() == 1
    assert (await row(sessions, row_id)).attempts == 2


async def test_a_citizen_who_blocked_the_bot_is_marked_unreachable(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    async with sessions() as session, session.begin():
        session.add(Citizen(telegram_user_id=1001, chat_id=1001, contact_pref="any", created_at=moment.now()))
        session.add(Citizen(telegram_user_id=1002, chat_id=1002, contact_pref="any", created_at=moment.now()))
    first = await put(sessions, moment, 1001, "one")
    await put(sessions, moment, 1001, "two")
    await put(sessions, moment, 1001, "later", held=True)
    await put(sessions, moment, 1002, "someone else")
    port.fail[1001] = [DeliveryError(403, "Forbidden: bot was blocked by the user")] * 5
    sender = fast(sessions, port, moment, concurrency=4)
    assert await sender.send_due() == 1
    moment.advance(3600)
    assert await sender.send_due() == 0
    assert len(port.at) == 2  # one refused call, no retries, no call for the other row
    states = [(r.status, r.error) for r in await rows(sessions)]
    assert states == [
        (FAILED, "403: Forbidden: bot was blocked by the user"),
        (FAILED, "blocked: Forbidden: bot was blocked by the user"),
        (HELD, None),
        (SENT, None),
    ]
    async with sessions() as session:
        blocked, other = await session.get(Citizen, 1), await session.get(Citizen, 2)
        assert blocked is not None and blocked.unreachable_at == moment.now() - timedelta(seconds=3600)
        assert other is not None and other.unreachable_at is None
    assert (await row(sessions, first)).attempts == 1


async def test_a_bad_request_fails_at_once_and_a_group_403_fails_one_row(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    bad = await put(sessions, moment, 1001, "x")
    kicked = await put(sessions, moment, GROUP, "card")
    after = await put(sessions, moment, GROUP, "card 2")
    port.fail[1001] = [DeliveryError(400, "Bad Request: chat not found")]
    port.fail[GROUP] = [DeliveryError(403, "Forbidden: bot was kicked from the group chat")]
    assert await fast(sessions, port, moment).send_due() == 1
    assert (await row(sessions, bad)).error == "400: Bad Request: chat not found"
    assert (await row(sessions, kicked)).status == FAILED
    assert (await row(sessions, after)).status == SENT


async def test_a_restart_sends_again_what_was_being_sent(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    crashed = await put(sessions, moment, 1001, "was in flight")
    await put(sessions, moment, 1002, "waiting")
    async with sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == crashed).values(status=SENDING, attempts=1)
        )
    sender = fast(sessions, port, moment)
    assert await sender.send_due() == 1  # a "sending" row is not touched while a sender may have it
    moment.advance(10)
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    for _ in range(200):
        if len(port.performed) == 2:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert sorted(port.texts()) == ["waiting", "was in flight"]
    stored = await row(sessions, crashed)
    assert (stored.status, stored.attempts, stored.sent_at) == (SENT, 2, moment.now())


async def test_run_sends_at_once_when_woken(sessions: Sessions, moment: Moment, port: FakePort) -> None:
    sender = fast(sessions, port, moment)
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    await asyncio.sleep(0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await put(sessions, moment, 1001, "new")
    sender.wake()
    for _ in range(600):
        if port.performed:
            break
        await asyncio.sleep(0.005)
    assert port.texts() == ["new"]
    assert loop.time() - started < 2.5  # well before the idle look (5 s), with room for a loaded machine
    stop.set()
    await asyncio.wait_for(task, 5)


class CardComposer:
    """Renders a case card from the report as it is at send time."""

    async def compose(self, session: AsyncSession, row: OutboxMessage) -> Action | None:
        report = await session.get(Report, row.payload["report_id"])
        if report is None:
            return None
        if row.payload.get("explode"):
            raise RuntimeError("template broken")
        text = f"Case {report.reference}: {report.status}"
        if report.card_message_id is None:
            return SendMessage(row.chat_id, text)
        return EditMessage(row.chat_id, report.card_message_id, text)


async def test_composers_render_at_send_time_and_on_sent_keeps_the_message_id(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    async with sessions() as session, session.begin():
        citizen = Citizen(telegram_user_id=1001, chat_id=1001, created_at=moment.now())
        session.add(citizen)
        await session.flush()
        report = Report(citizen_id=citizen.id, reference="PNH-000001", language="id", created_at=moment.now())
        session.add(report)
        await session.flush()
        for extra in ({}, {}, {"report_id": 99}, {"explode": True}):
            payload = {"report_id": report.id} | extra
            await enqueue(
                session, chat_id=GROUP, kind="card", payload=payload, report_id=report.id, now=moment.now()
            )

    seen: list[tuple[int, int | None, str]] = []

    async def keep_card(session: AsyncSession, row: OutboxMessage, message_id: int | None) -> None:
        seen.append((row.id, message_id, row.status))
        found = await session.get(Report, row.report_id)
        if found is not None and message_id is not None:
            found.card_message_id = message_id

    async with sessions() as session, session.begin():
        stored = await session.get(Report, 1)
        assert stored is not None
        stored.status = "acknowledged"  # changed after the rows were queued
    sender = fast(sessions, port, moment, composers={"card": CardComposer()}, on_sent=keep_card)
    assert await sender.send_due() == 2
    assert port.performed == [
        SendMessage(GROUP, "Case PNH-000001: acknowledged"),
        EditMessage(GROUP, 500, "Case PNH-000001: acknowledged"),
    ]
    assert seen == [(1, 500, SENT), (2, None, SENT)]
    states = [(r.status, r.error) for r in await rows(sessions)]
    assert states[2] == (FAILED, DROPPED)
    assert states[3] == (FAILED, "compose: RuntimeError: template broken")
    async with sessions() as session:
        stored = await session.get(Report, 1)
        assert stored is not None and stored.card_message_id == 500


async def test_a_failing_on_sent_still_marks_the_row_sent(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    row_id = await put(sessions, moment, 1001, "Halo")

    async def broken(session: AsyncSession, row: OutboxMessage, message_id: int | None) -> None:
        raise RuntimeError("hook broken")

    assert await fast(sessions, port, moment, on_sent=broken).send_due() == 1
    stored = await row(sessions, row_id)
    assert (stored.status, stored.message_id, stored.error) == (
        SENT,
        500,
        "on_sent: RuntimeError: hook broken",
    )


async def test_drain_waits_for_the_turns_then_returns(
    sessions: Sessions, moment: Moment, port: FakePort
) -> None:
    for n in range(3):
        await put(sessions, moment, 1001, f"relay {n}")
    sender = fast(sessions, port, moment, private_per_second=20.0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await sender.drain(timeout=3)
    assert port.texts() == ["relay 0", "relay 1", "relay 2"]
    assert 0.09 <= loop.time() - started < 2.5
    gaps = [b - a for a, b in zip(port.at, port.at[1:], strict=False)]
    assert min(gaps) >= 0.05
