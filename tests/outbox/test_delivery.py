"""End to end: the sender through each real runtime's port, over HTTP, to the emulator with Telegram's
limits on. Nothing may be answered 429 under normal pacing; every message arrives exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import Hotline
from bot.config import load_settings
from bot.core.actions import SendMessage
from bot.core.clock import utc_now
from bot.core.port import BotPort
from bot.runtime import build_runtime
from bot.services.outbox import FAILED, SENT, Sender, enqueue
from emulator import DEFAULT_TOKEN, Emulator, EmuUser, Limits
from storage.migrate import upgrade
from storage.models import Citizen, OutboxMessage
from tests.support.databases import database_url
from tests.support.settle import settled

GROUP = -100777


class Clock:
    """Real time plus jumps the test makes, for the sender (timer and dates) and the emulator alike."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.shift = 0.0

    def timer(self) -> float:
        return time.monotonic() + self.shift

    def advance(self, seconds: float) -> None:
        self.shift += seconds
        self.emu.advance(seconds)


@dataclass
class World:
    emu: Emulator
    hotline: Hotline
    port: BotPort
    clock: Clock

    def sender(self, **options: Any) -> Sender:
        return Sender(self.hotline.sessions, self.port, timer=self.clock.timer, **options)

    async def users(self, first: int, count: int) -> list[EmuUser]:
        """Users who have written to the bot (a bot cannot write first)."""
        made = [self.emu.user(first + n) for n in range(count)]
        for user in made:
            await self.emu.send_text(user, "halo")
        return made

    async def put(self, chat_id: int, text: str) -> None:
        await self.put_many([(chat_id, text)])

    async def put_many(self, messages: list[tuple[int, str]]) -> None:
        now = utc_now()
        async with self.hotline.sessions() as session, session.begin():
            for chat_id, text in messages:
                await enqueue(
                    session, action=SendMessage(chat_id, text), chat_id=chat_id, kind="text", now=now
                )

    async def statuses(self) -> list[str]:
        async with self.hotline.sessions() as session:
            return list(
                (await session.execute(select(OutboxMessage.status).order_by(OutboxMessage.id))).scalars()
            )

    async def until_settled(self, count: int, within: float) -> float:
        """Wait until `count` rows are sent or failed; the seconds it took."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        while True:
            statuses = await self.statuses()
            if sum(s in (SENT, FAILED) for s in statuses) >= count:
                return loop.time() - started
            if loop.time() - started > within:
                raise TimeoutError(f"after {within}s: {statuses.count(SENT)} sent, {statuses}")
            await asyncio.sleep(0.02)


@pytest.fixture(params=["aiogram", "ptb"])
async def world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    emu = Emulator(token=DEFAULT_TOKEN, limits=Limits(per_chat_per_s=1.0, global_per_s=30.0, group_per_min=5))
    await emu.start(host="127.0.0.1", port=0)
    settings = load_settings(
        bot_token=DEFAULT_TOKEN, telegram_api=emu.api_url, database_url=database_url(tmp_path, "o")
    )
    hotline = Hotline.from_settings(settings)
    await upgrade(hotline.engine)
    runtime = build_runtime(str(request.param), hotline, settings)
    await runtime.open()
    try:
        yield World(emu, hotline, runtime.port, Clock(emu))
    finally:
        await runtime.close()
        await hotline.close()
        await emu.stop()


@contextlib.asynccontextmanager
async def running(sender: Sender) -> AsyncIterator[Sender]:
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    try:
        yield sender
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def test_two_hundred_citizens_at_thirty_a_second(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    users = await world.users(5000, 200)
    await world.put_many([(u.id, f"Instruksi untuk {u.id}") for u in users])
    sender = world.sender(rate=30.0)
    async with running(sender):
        elapsed = await world.until_settled(200, within=20)
    emu = world.emu
    assert [len(emu.bot_messages(u.id)) for u in users] == [1] * 200
    assert emu.count("sendMessage") == 200
    assert emu.errors_sent[429] == 0 and not emu.errors_sent
    floor = 199 / 30  # the first message goes at once, then one every 1/30 s
    assert elapsed >= 0.8 * floor, "the sender went faster than the rate"
    assert elapsed <= 2 * floor + 2, "the sender is far from the rate"
    with capsys.disabled():
        rates = f"{200 / elapsed:.1f}/s ({199 / elapsed:.1f}/s from the first to the last)"
        print(f"\n200 messages in {elapsed:.2f} s: {rates} at rate 30")


async def test_a_group_gets_its_minute_and_a_citizen_does_not_wait_for_it(world: World) -> None:
    [officer, citizen] = await world.users(7000, 2)
    world.emu.create_group(GROUP, "Piket KBRI", [officer])
    await world.put_many([(GROUP, f"card {n}") for n in range(7)])
    await world.put(citizen.id, "Petugas: kami akan menghubungi Anda")
    sender = world.sender(group_per_minute=5)
    async with running(sender):
        await world.until_settled(6, within=10)
        await asyncio.sleep(0.5)  # real time: a card over the group's minute would go at once
        assert len(world.emu.bot_messages(GROUP)) == 5
        assert len(world.emu.bot_messages(citizen.id)) == 1
        world.clock.advance(61)  # a minute later, for the sender and the emulator alike
        sender.wake()
        await world.until_settled(8, within=10)
    assert [e.text for e in world.emu.bot_messages(GROUP)] == [f"card {n}" for n in range(7)]
    assert not world.emu.errors_sent


async def test_a_429_is_waited_out_and_the_message_arrives_once(world: World) -> None:
    [user] = await world.users(8000, 1)
    world.emu.inject_fault(method="sendMessage", count=1, kind="error", code=429, retry_after=1)
    await world.put(user.id, "Halo")
    async with running(world.sender()):
        elapsed = await world.until_settled(1, within=10)
    assert elapsed >= 0.9
    assert [e.text for e in world.emu.bot_messages(user.id)] == ["Halo"]
    assert world.emu.errors_sent == {429: 1}
    assert world.emu.count("sendMessage") == 2


async def test_a_server_error_and_a_dropped_connection_are_retried(world: World) -> None:
    users = await world.users(8100, 2)
    world.emu.inject_fault(method="sendMessage", count=1, kind="error", code=500)
    world.emu.inject_fault(method="sendMessage", count=1, kind="drop")
    await world.put_many([(u.id, f"Halo {u.id}") for u in users])
    async with running(world.sender()):
        await world.until_settled(2, within=10)
    for user in users:
        assert [e.text for e in world.emu.bot_messages(user.id)] == [f"Halo {user.id}"]
    assert world.emu.count("sendMessage") == 4
    assert world.emu.count("sendMessage", status=200) == 2
    async with world.hotline.sessions() as session:
        attempts = list((await session.execute(select(OutboxMessage.attempts))).scalars())
    assert attempts == [2, 2]


async def test_a_blocked_citizen_is_marked_unreachable_without_a_retry_storm(world: World) -> None:
    [blocked, other] = await world.users(8200, 2)
    async with world.hotline.sessions() as session, session.begin():
        session.add(Citizen(telegram_user_id=blocked.id, chat_id=blocked.id, contact_pref="any"))
    world.emu.block(blocked.id)
    await world.put_many([(blocked.id, "one"), (blocked.id, "two"), (other.id, "three")])
    async with running(world.sender()):
        await world.until_settled(3, within=10)
        await settled(world.hotline, world.emu, polling=False)  # a retry, were there one, would be under way
    assert await world.statuses() == [FAILED, FAILED, SENT]
    assert world.emu.count("sendMessage", status=403) == 1
    assert world.emu.count("sendMessage") == 2
    async with world.hotline.sessions() as session:
        citizen = (await session.execute(select(Citizen))).scalar_one()
    assert citizen.unreachable_at is not None
