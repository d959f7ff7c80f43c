"""The morning's report, end to end on both runtimes through the emulator, with the hotline's clock
moved instead of waited for: nothing before HOTLINE_SITREP_TIME; then the chart with its caption in
the officer group and in a supervisor's chat (one who never started the bot does not stop the
others); never twice, not on a second look, not after a restart the same day; again the next day.
And two workers looking at once: one report."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from bot.i18n import Catalogs
from bot.services.sitreps import Sitreps
from emulator import Emulator
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.models import Citizen, Report, SosAlert
from tests.e2e.conftest import Clock, Running, officer_desk, running
from tests.sitrep import scene
from tests.support.databases import database_url

GROUP, OFFICER, STAFF = -100777, 5101, 5102
SUPERVISOR, SILENT = 5201, 5202  # SILENT never started the bot: Telegram refuses to write to them
ZONE = ZoneInfo("Asia/Phnom_Penh")


def photos(emu: Emulator, chat_id: int) -> list[bytes]:
    return [e.document for e in emu.bot_messages(chat_id) if e.kind == "photo" and e.document]


def captions(emu: Emulator, chat_id: int) -> list[str]:
    return [e.caption or "" for e in emu.bot_messages(chat_id) if e.kind == "photo"]


def morning(clock: Clock, hour: int, minute: int, days: int = 1) -> datetime:
    """Move the clock to hour:minute in Phnom Penh, `days` after today there."""
    now = clock()
    local = now.astimezone(ZONE)
    target = datetime.combine(local.date() + timedelta(days=days), time(hour, minute), ZONE)
    clock.advance((target - now).total_seconds())
    return target


async def yesterday_s_cases(r: Running, when: datetime) -> None:
    """Three reports and an SOS the day before `when` (mission time)."""
    day_before = when - timedelta(days=1)
    async with r.hotline.sessions() as session, session.begin():
        for n in range(3):
            citizen = Citizen(telegram_user_id=8_000_000 + n, chat_id=8_000_000 + n, language="id")
            session.add(citizen)
            await session.flush()
            report = Report(
                reference=f"PNH-{n + 1:06d}", citizen_id=citizen.id, submitted=True, language="id",
                created_at=day_before.astimezone(UTC), full_name="Secret Name",
            )  # fmt: skip
            session.add(report)
            await session.flush()
        session.add(SosAlert(report_id=report.id, raised_at=day_before.astimezone(UTC)))


async def workers(r: Running) -> None:
    """Until the bot's workers run (and the daily report's first look is done)."""
    await r.emu.wait_for(lambda: r.hotline._port is not None, timeout=10)
    await r.settled()


async def test_the_morning_report_goes_once_a_day(emu: Emulator, tmp_path: Path, framework: str) -> None:
    clock = Clock(emu)
    morning(clock, 6, 50)  # before the bot starts: its first look finds nothing due
    settings = {"supervisor_ids": (SILENT, SUPERVISOR), "sitrep_time": "07:00"}
    await emu.send_command(emu.user(SUPERVISOR, first_name="Sari"), "start")  # a private chat with the bot
    async with officer_desk(
        emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, clock, **settings
    ) as r:
        await workers(r)
        await yesterday_s_cases(r, clock().astimezone(ZONE))
        assert await r.hotline.sitrep_once() is None
        await r.settled()
        assert photos(emu, GROUP) == []

        morning(clock, 7, 1, days=0)
        await r.hotline.sitrep_once()
        await emu.wait_for(lambda: len(photos(emu, SUPERVISOR)) == 1, timeout=15)
        [picture] = photos(emu, GROUP)
        assert Image.open(io.BytesIO(picture)).size == (1200, 900)
        [caption] = captions(emu, GROUP)
        assert "New reports: 3 · SOS: 1" in caption  # the officer group reads English here
        assert "Secret Name" not in caption and "PNH-" not in caption
        assert captions(emu, SUPERVISOR) == [caption]

        assert await r.hotline.sitrep_once() is None  # a second look
        await r.settled()
        assert len(photos(emu, GROUP)) == 1
        same = r.settings
    # a restart the same day: its first look finds the report made
    async with running(same, emu, clock) as r:
        await workers(r)
        assert await r.hotline.sitrep_once() is None
        await r.settled()
        assert len(photos(emu, GROUP)) == 1 and len(photos(emu, SUPERVISOR)) == 1

        morning(clock, 7, 0, days=1)  # the next morning
        await r.hotline.sitrep_once()
        await emu.wait_for(lambda: len(photos(emu, SUPERVISOR)) == 2, timeout=15)
        assert len(photos(emu, GROUP)) == 2
        assert "New reports: 0 · SOS: 0" in captions(emu, GROUP)[-1]


async def test_two_workers_looking_at_once_make_one_report(tmp_path: Path) -> None:
    engine = make_engine(database_url(tmp_path, "two"))
    await upgrade(engine)
    try:
        sessions = make_sessionmaker(engine)
        workers = [Sitreps(sessions, lambda: scene.NOW, Catalogs(ZONE), ZONE) for _ in range(2)]
        day = workers[0].due(time(7, 0))
        assert day == scene.DAY
        claimed = await asyncio.gather(*(w.claim(day) for w in workers))
        assert sorted(claimed) == [False, True]
        assert workers[0].due(time(8, 0)) is None  # 07:30 there: not yet
    finally:
        await engine.dispose()


async def test_a_report_telegram_did_not_take_is_posted_later(
    emu: Emulator, tmp_path: Path, framework: str
) -> None:
    """Telegram refuses everything at 07:00: no report is marked posted; ten minutes later the bot
    takes the day again and the report arrives, once."""
    clock = Clock(emu)
    morning(clock, 6, 50)
    settings = {"sitrep_time": "07:00"}
    async with officer_desk(
        emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, clock, **settings
    ) as r:
        await workers(r)
        morning(clock, 7, 1, days=0)
        emu.inject_fault("sendPhoto", count=10, code=400, description="Bad Request: chat not found")
        assert await r.hotline.sitrep_once() is None
        await r.settled()
        assert photos(emu, GROUP) == []
        day = clock().astimezone(ZONE).date() - timedelta(days=1)
        assert await r.hotline.sitreps.posted(day) is None
        emu.clear_faults()

        clock.advance(5 * 60)  # too soon: the claim may still be sending
        assert await r.hotline.sitrep_once() is None
        clock.advance(6 * 60)
        assert await r.hotline.sitrep_once() == day
        await emu.wait_for(lambda: len(photos(emu, GROUP)) == 1, timeout=15)
        assert await r.hotline.sitreps.posted(day) is not None
        assert await r.hotline.sitrep_once() is None
        await r.settled()
        assert len(photos(emu, GROUP)) == 1
