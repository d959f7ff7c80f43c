"""Values as Telegram and the mission give them come back unchanged, on SQLite and PostgreSQL alike:
ids beyond 32 bits, supergroup ids, times in any zone (kept as the same instant, in UTC), JSON text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Citizen, OutboxMessage
from tests.support.databases import database_url

USER = 7_912_345_678  # user ids passed 2^32 in 2021
SUPERGROUP = -1_001_987_654_321  # "-100" and the channel id


async def test_big_ids_zones_and_json_come_back_as_given(tmp_path: Path) -> None:
    engine = make_engine(database_url(tmp_path, "types"))
    sessions = make_sessionmaker(engine)
    phnom_penh = datetime(2026, 1, 20, 9, 30, tzinfo=ZoneInfo("Asia/Phnom_Penh"))
    payload = {"text": "Kumpul di KBRI jam 08.00 🚌 — bawa SPLP", "chat_id": SUPERGROUP, "n": [1, None]}
    try:
        await upgrade(engine)
        async with sessions() as session, session.begin():
            session.add(Citizen(telegram_user_id=USER, chat_id=USER, consent_at=phnom_penh))
            session.add(OutboxMessage(chat_id=SUPERGROUP, kind="text", payload=payload, due_at=phnom_penh))
        async with sessions() as session:
            citizen = (await session.execute(select(Citizen))).scalar_one()
            row = (await session.execute(select(OutboxMessage))).scalar_one()
            due = await session.scalar(
                select(OutboxMessage.id).where(
                    OutboxMessage.due_at <= datetime(2026, 1, 20, 2, 30, tzinfo=UTC)
                )
            )
    finally:
        await engine.dispose()
    assert (citizen.telegram_user_id, citizen.chat_id) == (USER, USER)
    assert citizen.consent_at == phnom_penh and citizen.consent_at.utcoffset() is not None
    assert row.chat_id == SUPERGROUP and row.payload == payload
    assert row.due_at == datetime(2026, 1, 20, 2, 30, tzinfo=UTC)
    assert due == row.id  # compared as instants in the query too
