"""Scam reports in storage: encrypted at rest, counted by the mission's day in the daily report,
not posted once their reporter erased them, deleted by retention, limited per account."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import SendMessage
from bot.i18n import Catalogs
from bot.services import scams
from bot.services.retention import erase_expired
from bot.services.sitrep import figures, scam_line
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Citizen, OutboxMessage, Report, ScamReport
from tests.support.databases import database_url

ZONE = ZoneInfo("Asia/Phnom_Penh")
NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # 10:00 in Phnom Penh
CATALOGS = Catalogs(ZONE)
GROUP = -100123


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url(tmp_path, "scams"))
    await upgrade(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def add(
    sessions: async_sessionmaker[AsyncSession], user: int, at: datetime, channel: str | None = "telegram"
) -> int:
    async with sessions() as session, session.begin():
        found = await scams.record(
            session, user_id=user, chat_id=user, language="id", channel=channel, who="Pak Budi +62 812",
            asked_for="money,nonsense", detail="minta transfer", officer_chat_id=GROUP, now=at,
        )  # fmt: skip
        return found.id


async def test_who_and_detail_are_encrypted_at_rest_and_the_card_names_no_reporter(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add(sessions, 7, NOW)
    async with sessions() as session:
        raw = (await session.execute(text("SELECT who, detail, asked_for FROM scam_reports"))).one()
        assert b"Pak Budi" not in bytes(raw[0]) and b"transfer" not in bytes(raw[1])
        assert raw[2] == "money"  # an unknown answer is not kept
        row = await session.scalar(select(OutboxMessage))
        assert row is not None and row.kind == scams.KIND and row.chat_id == GROUP
        action = await scams.ScamComposer(CATALOGS, "en").compose(session, row)
    assert isinstance(action, SendMessage) and "Pak Budi +62 812" in action.text
    assert "Money or a transfer" in action.text
    assert "Reported by someone without a case." in action.text and "10:00" in action.text


async def test_a_report_erased_before_its_card_went_is_not_posted(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add(sessions, 7, NOW)
    async with sessions() as session, session.begin():
        await scams.erase_of(session, 7)
    async with sessions() as session:
        row = await session.scalar(select(OutboxMessage))
        assert row is not None
        assert await scams.ScamComposer(CATALOGS, "en").compose(session, row) is None
        stored = await session.scalar(select(ScamReport))
    assert stored is not None and stored.who is None and stored.detail is None and stored.user_id == 0


async def test_the_daily_report_counts_the_days_scam_reports_by_channel(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day = NOW.astimezone(ZONE).date()
    await add(sessions, 1, NOW, "whatsapp")
    await add(sessions, 2, NOW, "whatsapp")
    await add(sessions, 3, NOW, None)
    await add(sessions, 4, NOW - timedelta(hours=11))  # 23:00 in Phnom Penh: the day before
    async with sessions() as session:
        counted = await figures(session, day, NOW, ZONE)
        before = await figures(session, day - timedelta(days=1), NOW, ZONE)
    assert counted.scams == {"whatsapp": 2, "": 1} and counted.scam_reports == 3
    assert scam_line(counted, CATALOGS["en"]) == "Scam reports: 3 (WhatsApp 2 · not said 1)"
    assert before.scams == {"telegram": 1}


async def test_retention_deletes_old_scam_reports_and_the_limit_counts_a_day(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add(sessions, 5, NOW - timedelta(days=200))
    await add(sessions, 5, NOW - timedelta(hours=30))
    await add(sessions, 5, NOW - timedelta(hours=2))
    async with sessions() as session:
        conn = await session.connection()
        assert await scams.sent_lately(conn, 5, NOW) == 1
    await erase_expired(sessions, "PNH", NOW, 180)
    async with sessions() as session:
        left = list(await session.scalars(select(ScamReport.created_at)))
    assert len(left) == 2


async def test_the_console_lists_the_newest_first_with_the_reporters_case_only(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        citizen = Citizen(telegram_user_id=8, chat_id=8)
        session.add(citizen)
        await session.flush()
        session.add(Report(citizen_id=citizen.id, language="id", reference="PNH-000042"))
    await add(sessions, 8, NOW - timedelta(hours=1), "facebook")
    await add(sessions, 9, NOW)
    async with sessions() as session, session.begin():
        await scams.erase_of(session, 9)
    listed = await scams.ScamReports(sessions).recent()
    assert [(s.channel, s.reference, s.erased, s.who) for s in listed] == [
        ("telegram", None, True, None),
        ("facebook", "PNH-000042", False, "Pak Budi +62 812"),
    ]
    assert listed[1].asked_for == ("money",)
