"""The report's figures on a real SQLite database: the day's edges in the mission's time zone, the
stages, the SOS, the flights and what waits on whom, exactly; then its words in both languages, its
chart and its PDF."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Catalogs
from bot.services.sitrep import CAPTION_LIMIT, Figures, caption, figures, text, utf16_length
from bot.services.sitrep_draw import chart_png, pdf
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from tests.sitrep import scene
from tests.support.databases import database_url


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url(tmp_path, "sitrep"))
    await upgrade(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def made(sessions: async_sessionmaker[AsyncSession]) -> Figures:
    await scene.build(sessions)
    async with sessions() as session:
        return await figures(session, scene.DAY, scene.NOW, scene.ZONE)


async def test_the_day_s_figures_are_exact(made: Figures) -> None:
    assert made.new_reports == scene.NEW_REPORTS
    assert made.new_sos == scene.NEW_SOS
    assert made.stages == scene.STAGES
    assert made.open_by_priority == scene.OPEN
    assert {name: getattr(made.waiting, name) for name in scene.WAITING} == scene.WAITING
    assert [n for _, n in made.per_day[-3:]] == scene.PER_DAY_LAST3
    assert len(made.per_day) == 14 and made.per_day[-1][0] == scene.DAY
    assert made.complete


async def test_flights_departed_that_day_and_planned_the_week_after(made: Figures) -> None:
    [departed] = made.departed
    assert (departed.number, departed.destination, departed.passengers, departed.boarded) == (
        "GA 867",
        "Jakarta",
        3,
        2,
    )
    [planned] = made.planned  # the convoy in ten days and the cancelled flight are not in it
    assert (planned.number, planned.passengers, planned.coming) == ("QZ 271", 2, 1)


async def test_the_day_so_far_says_so(sessions: async_sessionmaker[AsyncSession]) -> None:
    await scene.build(sessions)
    async with sessions() as session:
        today = await figures(session, scene.DAY.replace(day=4), scene.NOW, scene.ZONE)
    assert today.new_reports == 1 and not today.complete
    assert "so far" in text(today, Catalogs(scene.ZONE)["en"])


async def test_the_text_in_both_languages_names_no_one(made: Figures) -> None:
    catalogs = Catalogs(scene.ZONE)
    english = text(made, catalogs["en"], "KBRI Phnom Penh")
    assert "Daily report: December 3, 2026" in english
    assert "New reports: 4 · SOS: 2" in english
    assert "Open cases: 8 (P1 1 · P2 2 · P3 5)" in english
    assert "SOS not acknowledged: 2" in english
    assert "GA 867 to Jakarta, 3 passengers, 2 boarded" in english
    assert "Secret Name" not in english and "PNH-" not in english
    indonesian = text(made, catalogs["id"], "KBRI Phnom Penh")
    assert "3 Desember 2026" in indonesian  # Babel's date in Indonesian, whatever the catalogue holds
    for words in (english, indonesian):
        assert len(words) < 4096
        short = caption(made, catalogs["en"])
        assert utf16_length(short) <= CAPTION_LIMIT and "New reports: 4" in short


async def test_numbers_follow_each_language(sessions: async_sessionmaker[AsyncSession]) -> None:
    from dataclasses import replace

    await scene.build(sessions)
    async with sessions() as session:
        made = await figures(session, scene.DAY, scene.NOW, scene.ZONE)
    big = replace(made, new_reports=12345)
    catalogs = Catalogs(scene.ZONE)
    assert "12,345" in text(big, catalogs["en"]) and "12.345" in text(big, catalogs["id"])


async def test_the_chart_is_a_picture_a_phone_shows(made: Figures) -> None:
    png = chart_png(made, Catalogs(scene.ZONE)["id"])
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG" and picture.size == (1200, 900)


async def test_the_pdf_reads_back_with_the_day_s_figures(made: Figures) -> None:
    document = PdfReader(io.BytesIO(pdf(made, Catalogs(scene.ZONE)["en"], "KBRI Phnom Penh")))
    words = " ".join(page.extract_text() for page in document.pages)
    assert "Daily report: December 3, 2026" in words
    assert "Waiting on immigration (document ready)" in words
    assert "GA 867" in words and "Secret Name" not in words
