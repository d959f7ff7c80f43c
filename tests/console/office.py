"""An embassy's office for the console's tests: an officer group with one officer, one staff member,
citizens seeded straight into the database, the bot running with its console."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator import Emulator
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from tests.broadcasts.seed import Person, seed
from tests.e2e.conftest import Running, e2e_settings, free_port, running

Prepare = Callable[[async_sessionmaker[AsyncSession], dict[int, str]], Awaitable[None]]


@contextlib.asynccontextmanager
async def office(
    emu: Emulator, tmp_path: Path, framework: str, people: list[Person], now: datetime,
    group: int, officer: int, staff: int, prepare: Prepare | None = None, greet: bool = False,
) -> AsyncIterator[Running]:  # fmt: skip
    """`prepare` changes the seeded cases (given user id -> reference) before the bot starts; with
    `greet`, each citizen has written to the bot once, so that it may write to them."""
    emu.create_group(group, "Duty officers", [emu.user(officer, first_name="Budi")])
    settings = e2e_settings(emu, tmp_path, framework, "polling").model_copy(
        update={"officer_chat_id": group, "staff_ids": (staff,), "officer_language": "en",
                "console_port": free_port()}
    )  # fmt: skip
    engine = make_engine(settings.database_url)
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    refs = await seed(sessions, people, now)
    if prepare is not None:
        await prepare(sessions, refs)
    await engine.dispose()
    users = [p.user_id for p in people]
    if greet:
        for user_id in users:
            await emu.send_text(emu.user(user_id, language_code="id"), "halo")
    async with running(settings, emu) as r:
        if greet:
            await emu.wait_for(lambda: all(emu.bot_messages(u) for u in users), timeout=15)
        yield r
