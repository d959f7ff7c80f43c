"""The flights' tests: five travellers on a SQLite database of their own (`world`); the console and
end-to-end tests run the bot against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Catalogs
from bot.services.flights import Flights, checkin_key
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from tests.e2e.conftest import emu, framework
from tests.flights.seed import seeded
from tests.support.databases import database_url

__all__ = ["World", "emu", "framework", "world"]

World = tuple[Flights, async_sessionmaker[AsyncSession], dict[int, str]]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    from tests.flights.test_service import NOW, TRAVELLERS, ZONE  # which imports World from here

    engine = make_engine(database_url(tmp_path, "flights"))
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    refs = await seeded(sessions, TRAVELLERS, NOW)
    flights = Flights(sessions, "PNH", lambda: NOW, Catalogs(ZONE), "KBRI Phnom Penh", ZONE,
                      console_url="http://console", key=checkin_key("123:abc"))  # fmt: skip
    yield flights, sessions, refs
    await engine.dispose()
