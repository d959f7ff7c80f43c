"""Likely duplicates in the console, in headless Chromium with the bot and the emulator running: the
list of pairs by score, two cases side by side (personal values on a click), a merge with its
confirmation (the merged reference opens the kept case, which shows both histories and both chats),
its undo, and "not the same person" (not proposed again after a re-scan). The pair page's screenshot
is docs/screenshots/duplicates.png (HOTLINE_SCREENSHOTS=update)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.duplicate_scan import scan
from emulator import Emulator
from storage.models import Report, ReportEvent
from tests.broadcasts.seed import Person
from tests.console.office import office as staff_office
from tests.console.test_broadcasts import link
from tests.console.test_browser import browser, snapshot
from tests.e2e.conftest import Running

__all__ = ["browser"]
GROUP, OFFICER, STAFF = -1001000000191, 9911, 9912
NOW = datetime.now(UTC)
PEOPLE: dict[int, dict[str, Any]] = {
    8301: {"full_name": "Siti Aminah", "birth_date": date(1995, 8, 17), "nik": "3501015708950001",
           "place": "Kompleks Jin Bei"},
    8302: {"full_name": "Sity Aminah binti Abdullah", "nik": "3501015708950001", "place": "Shelter KBRI"},
    8303: {"full_name": "Budi Santoso", "birth_date": date(1990, 1, 1)},
    8304: {"full_name": "Boedi Santosa", "birth_date": date(1990, 1, 1)},
}  # fmt: skip


@pytest.fixture
def framework() -> str:
    return "aiogram"  # the console does not depend on the framework; tests/e2e/test_duplicates runs both


@pytest.fixture
async def office(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async def ready(sessions: async_sessionmaker[AsyncSession], refs: dict[int, str]) -> None:
        async with sessions() as session, session.begin():
            for user, values in PEOPLE.items():
                report = await session.scalar(select(Report).where(Report.reference == refs[user]))
                assert report is not None
                for key, value in values.items():
                    setattr(report, key, value)
                said = f"Saya {values['full_name']}, tolong bantu."
                session.add(ReportEvent(report_id=report.id, actor="citizen", kind="citizen_message",
                                        detail={"text": said}, at=NOW))  # fmt: skip
        await scan(sessions, NOW)

    people = [Person(user) for user in PEOPLE]
    async with staff_office(emu, tmp_path, framework, people, NOW, GROUP, OFFICER, STAFF, ready) as r:
        yield r


async def test_officers_merge_undo_and_tell_apart(office: Running, browser: Browser, tmp_path: Path) -> None:
    base = office.settings.console_base
    page = await (await browser.new_context(viewport={"width": 1280, "height": 800})).new_page()
    refused: list[str] = []  # what the browser refused (the CSP) or failed on
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: refused.append(str(e)))
    await page.goto(await link(office, STAFF, "Dewi"))
    await page.get_by_role("button", name="Open the console").click()

    await page.get_by_role("link", name="Duplicates", exact=True).click()
    pairs = page.locator("#pairs tbody tr")
    await expect(pairs).to_have_count(2)
    await expect(pairs.first).to_contain_text("PNH-000001 · PNH-000002")  # the same NIK scores highest
    await expect(pairs.first).to_contain_text("same NIK")
    await expect(pairs.nth(1)).to_contain_text("like name, same date of birth")

    await page.get_by_role("link", name="PNH-000001 · PNH-000002").click()
    table = page.locator("#side-by-side")
    await expect(table).to_contain_text("Sity Aminah binti Abdullah")
    await expect(table).not_to_contain_text("3501015708950001")  # personal values on a click only
    await page.get_by_role("button", name="Show date of birth, NIK, passport and phone of both").click()
    await expect(table).to_contain_text("3501015708950001")
    await snapshot(page, tmp_path, "duplicates")

    await page.get_by_role("button", name="Merge: keep PNH-000001").click()
    await expect(page.get_by_role("heading", name="Merge PNH-000002 into PNH-000001?")).to_be_visible()
    await page.get_by_role("button", name="Yes, merge").click()
    await expect(page.locator("#done")).to_contain_text("Merged.")

    # the merged reference opens the kept case, which shows both histories and both chats
    await page.goto(f"{base}/cases/PNH-000002")
    await expect(page).to_have_url(f"{base}/cases/PNH-000001?merged=PNH-000002")
    await expect(page.locator("#merged-notice")).to_contain_text("PNH-000002 was merged into this case")
    merged = page.locator("#merged-PNH-000002")
    await expect(merged).to_contain_text("Saya Sity Aminah binti Abdullah, tolong bantu.")
    await expect(merged).to_contain_text("merged")  # its history: the merge itself
    await expect(page.locator(".grid.case ol.thread")).to_contain_text("Saya Siti Aminah, tolong bantu.")

    await merged.get_by_role("button", name="Undo merge").click()
    await expect(page.locator("#done")).to_contain_text("The merge is undone")
    await page.goto(f"{base}/cases/PNH-000002")
    await expect(page).to_have_url(f"{base}/cases/PNH-000002")

    await page.goto(f"{base}/duplicates")
    await page.get_by_role("link", name="PNH-000001 · PNH-000002").click()
    await page.get_by_role("button", name="Not the same person").click()
    await expect(page.get_by_text("This pair is not proposed again.")).to_be_visible()
    await expect(pairs).to_have_count(1)

    done = await scan(office.hotline.sessions, NOW)
    assert done.pairs == 1 and done.new == 0
    await page.reload()
    await expect(pairs).to_have_count(1)
    await expect(pairs.first).to_contain_text("PNH-000003 · PNH-000004")
    assert not refused, refused
