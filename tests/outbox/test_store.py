"""The sender's look stays cheap however much a chat was sent before (the officer group gets every card)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.outbox import store
from tests.outbox.conftest import Moment, put
from tests.support.databases import sqlite_only

GROUP = -100500


@sqlite_only
async def test_the_look_reads_only_the_pending_and_sending_rows_of_a_chat(
    sessions: async_sessionmaker[AsyncSession], moment: Moment
) -> None:
    first = await put(sessions, moment, GROUP, "card 1")
    second = await put(sessions, moment, GROUP, "card 2")
    await put(sessions, moment, 42, "hello")
    engine: AsyncEngine = sessions.kw["bind"]
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "outbox AS other" in statement:
            seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    async with sessions() as session:
        found = await store.candidates(session, moment.now(), {42}, 50)
    event.remove(engine.sync_engine, "before_cursor_execute", capture)
    assert found == [(first, GROUP)]  # the group's first card heads it; chat 42 was left out
    assert second not in {row_id for row_id, _ in found}

    ((statement, parameters),) = seen
    async with engine.connect() as conn:
        plan = [
            str(line[-1])
            for line in await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        ]
    lookups = [line for line in plan if line.startswith("SEARCH other")]
    assert len(lookups) == 2, plan
    assert all("ix_outbox_chat_status (chat_id=? AND status=?)" in line for line in lookups), plan
