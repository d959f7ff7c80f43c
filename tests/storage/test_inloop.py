"""SQLite in the event loop's thread (storage.inloop): writers of one process take turns, so that
none waits inside SQLite (which would stop the loop, and the writer it waits for, with it)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import make_engine
from tests.support.databases import sqlite_only

pytestmark = sqlite_only


async def table(tmp_path: Path) -> tuple[AsyncEngine, AsyncEngine]:
    """Two engines on one file, as a test's and the bot's are: SQLite's lock is the file's."""
    url = f"sqlite+aiosqlite:///{tmp_path}/turns.db"
    first, second = make_engine(url), make_engine(url)
    async with first.begin() as conn:
        await conn.execute(text("CREATE TABLE t (x INTEGER)"))
    return first, second


async def test_writers_that_pause_mid_transaction_take_turns_and_lose_nothing(tmp_path: Path) -> None:
    engines = await table(tmp_path)
    assert engines[0].dialect.driver == "inloop"

    async def write(n: int) -> None:
        async with engines[n % 2].begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": n})
            await asyncio.sleep(0.01)  # the others run meanwhile, and want to write too
            await conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": -n})

    try:
        await asyncio.wait_for(asyncio.gather(*(write(n) for n in range(1, 21))), 10)
        async with engines[1].connect() as conn:
            rows = (await conn.execute(text("SELECT x FROM t"))).scalars().all()
        assert sorted(rows) == sorted([*range(1, 21), *range(-20, 0)])
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_rolled_back_writer_gives_its_turn_back(tmp_path: Path) -> None:
    first, second = await table(tmp_path)
    try:
        with pytest.raises(RuntimeError):
            async with first.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (1)"))
                raise RuntimeError("the update failed")
        async with asyncio.timeout(5):
            async with second.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (2)"))
        async with first.connect() as conn:
            assert (await conn.execute(text("SELECT x FROM t"))).scalars().all() == [2]
    finally:
        await first.dispose()
        await second.dispose()


async def test_a_reader_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    first, second = await table(tmp_path)
    try:
        async with first.begin() as writing:
            await writing.execute(text("INSERT INTO t VALUES (1)"))
            async with asyncio.timeout(2), second.connect() as reading:
                seen = (await reading.execute(text("SELECT count(*) FROM t"))).scalar_one()
            assert seen == 0  # the writer has not committed yet
        async with second.connect() as reading:
            assert (await reading.execute(text("SELECT count(*) FROM t"))).scalar_one() == 1
    finally:
        await first.dispose()
        await second.dispose()
