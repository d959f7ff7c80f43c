"""A surge waits in line, first come first served; an SOS never waits for a turn."""

from __future__ import annotations

import asyncio

import pytest

from bot.services.admission import Admission

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)


async def test_at_most_limit_at_once_and_in_the_order_they_came() -> None:
    admission = Admission(2)
    release = asyncio.Event()
    started: list[int] = []
    most = 0

    async def update(n: int) -> None:
        nonlocal most
        async with admission.turn(chat_id=n):
            started.append(n)
            most = max(most, admission.busy)
            await release.wait()

    tasks = [asyncio.create_task(update(n)) for n in range(6)]
    await asyncio.sleep(0.01)
    assert started == [0, 1] and admission.waiting(2) and not admission.waiting(0)
    release.set()
    await asyncio.gather(*tasks)
    assert started == [0, 1, 2, 3, 4, 5] and most == 2 and admission.busy == 0


async def test_an_sos_starts_at_once_and_knows_it_passed_its_chats_waiting_messages() -> None:
    admission = Admission(1)
    release = asyncio.Event()
    order: list[str] = []

    async def update(name: str, chat_id: int, urgent: bool = False) -> None:
        async with admission.turn(chat_id, urgent):
            order.append(name)
            if name == "first":
                await release.wait()

    busy = asyncio.create_task(update("first", 1))
    waiting = asyncio.create_task(update("chat 7 text", 7))
    await asyncio.sleep(0.01)
    assert admission.waiting(7)  # what an SOS of chat 7 would pass
    await update("chat 7 sos", 7, urgent=True)
    assert order == ["first", "chat 7 sos"]
    release.set()
    await asyncio.gather(busy, waiting)
    assert order == ["first", "chat 7 sos", "chat 7 text"] and not admission.waiting(7)


async def test_a_cancelled_wait_gives_no_turn_away() -> None:
    admission = Admission(1)
    release = asyncio.Event()
    done: list[int] = []

    async def update(n: int) -> None:
        async with admission.turn(n):
            await release.wait()
            done.append(n)

    first = asyncio.create_task(update(1))
    gone = asyncio.create_task(update(2))
    last = asyncio.create_task(update(3))
    await asyncio.sleep(0.01)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    release.set()
    await asyncio.gather(first, last)
    assert done == [1, 3] and admission.busy == 0 and not admission.waiting(2)


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Admission(0)
