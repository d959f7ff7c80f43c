"""The daily report in the console, in headless Chromium with the bot and the emulator running: a
staff member picks the day, reads its figures (in English, then in Indonesian), sees the chart load,
follows a count to the cases behind it, and downloads the PDF."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from pypdf import PdfReader

from emulator import Emulator
from storage.models import ScamReport
from tests.console.test_browser import browser, snapshot
from tests.console.test_login_and_cases import link_for
from tests.e2e.conftest import Clock, Running, free_port, officer_desk
from tests.sitrep import scene

GROUP, OFFICER, STAFF = -100778, 5301, 5302

__all__ = ["browser"]


@pytest.fixture
def framework() -> str:
    return "aiogram"  # the console does not depend on the framework


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    clock = Clock(emu)
    clock.advance((scene.NOW - clock()).total_seconds())  # the morning after the scene's day
    async with officer_desk(
        emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, clock, console_port=free_port(),
        sitrep_time="",  # no morning post meanwhile
    ) as r:  # fmt: skip
        await scene.build(r.hotline.sessions)
        yield r


async def scam_reports(desk: Running) -> None:
    """Two scam reports during the day, one the day before (issue 19: /verify's "report a scam")."""
    async with desk.hotline.sessions() as session, session.begin():
        for user, channel, at in ((1, "whatsapp", scene.local(3, 10)), (2, "telegram", scene.local(3, 22)),
                                  (3, "phone", scene.local(2, 22))):  # fmt: skip
            session.add(ScamReport(user_id=user, chat_id=user, language="id", channel=channel, created_at=at))


async def test_a_staff_member_reads_the_daily_report(desk: Running, browser: Browser, tmp_path: Path) -> None:
    await scam_reports(desk)
    link = await link_for(desk, STAFF, "Dewi")
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: refused.append(str(e)))
    await page.goto(link)
    await page.get_by_role("button", name="Open the console").click()
    await page.get_by_role("link", name="Daily report").click()
    await page.get_by_label("Day").fill("2026-12-03")
    await page.get_by_role("button", name="Show").click()

    await expect(page.get_by_role("heading", name="Daily report: December 3, 2026")).to_be_visible()
    await expect(page.locator("#scope")).to_contain_text("the full day of December 3, 2026")
    await expect(page.locator("#new tr", has_text="New reports")).to_contain_text("4")
    await expect(page.locator("#scams")).to_have_text("Scam reports: 2 (Telegram 1 · WhatsApp 1)")
    await expect(page.locator("#stages tr", has_text="Cleared by immigration")).to_contain_text("2")
    await expect(page.locator("#waiting tr", has_text="SOS not acknowledged")).to_contain_text("2")
    await expect(page.locator("#flights")).to_contain_text("GA 867 to Jakarta, 3 passengers, 2 boarded")
    chart = page.locator("img.sitrep-chart")
    await expect(chart).to_be_visible()
    assert await chart.evaluate("img => img.complete && img.naturalWidth") == 1200
    await snapshot(page, tmp_path, "sitrep")
    assert "Secret Name" not in await page.content()

    pdf = await page.request.get(f"{desk.settings.console_base}/sitrep.pdf?date=2026-12-03")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(await pdf.body())).pages)
    assert "Daily report: December 3, 2026" in words and "GA 867" in words
    assert "Scam reports: 2 (Telegram 1 · WhatsApp 1)" in words

    await page.locator("#stages a", has_text="Cleared by immigration").click()
    assert "stage=cleared" in page.url

    await page.goto(f"{desk.settings.console_base}/sitrep?date=2026-12-03")
    await page.get_by_role("button", name="Bahasa Indonesia").click()
    await expect(page.locator("h1")).to_contain_text("3 Desember 2026")
    assert refused == []
