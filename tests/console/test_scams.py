"""The console's scam reports, in headless Chromium with the bot and the emulator running: a citizen
reports an impostor through /verify, a staff member reads it on /scams (as the officers' card shows
it, no reporter named); an officer is refused the page and does not see its link."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from emulator import Emulator
from tests.console.test_browser import browser, snapshot
from tests.console.test_login_and_cases import link_for
from tests.e2e.conftest import Running, free_port, officer_desk
from tests.e2e.phone import Phone
from tests.e2e.test_verify import act, tick

GROUP, OFFICER, STAFF = -100779, 5311, 5312

__all__ = ["browser"]


@pytest.fixture
def framework() -> str:
    return "aiogram"  # the console does not depend on the framework


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(
        emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, console_port=free_port(), sitrep_time=""
    ) as r:
        yield r


async def test_a_staff_member_reads_the_scam_reports_and_an_officer_cannot(
    desk: Running, browser: Browser, tmp_path: Path
) -> None:
    phone = Phone(desk.emu, 5313, "en", desk.hotline.catalogs, name="Wulan")
    await act(phone, "command", "verify", "How to know you are talking to the real")
    await act(phone, "tap", "vf:report", "How did they contact you?")
    await act(phone, "tap", "vf:how:whatsapp", "Who contacted you?")
    await act(phone, "text", "Pak Hendra 'KBRI' +62 813 1111 2222", "What did they ask you for?")
    await tick(phone, "vf:asked:money")
    await tick(phone, "vf:asked:documents")
    await act(phone, "tap", "vf:asked:done", "Anything else we should know?")
    await act(phone, "text", "Asked for 3 juta to speed up my SPLP", "Your scam report:")
    await act(phone, "tap", "vf:send", "Thank you. Your report has gone")

    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    refused: list[str] = []
    page.on("pageerror", lambda e: refused.append(str(e)))
    await page.goto(await link_for(desk, STAFF, "Dewi"))
    await page.get_by_role("button", name="Open the console").click()
    await page.get_by_role("link", name="Scam reports").click()
    row = page.locator("#scams tbody tr").first
    await expect(row).to_contain_text("WhatsApp")
    await expect(row).to_contain_text("Pak Hendra 'KBRI' +62 813 1111 2222")
    await expect(row).to_contain_text("Money or a transfer, Documents or passport")
    await expect(row).to_contain_text("Asked for 3 juta to speed up my SPLP")
    assert "Wulan" not in await page.content()  # the reporter is not named
    await snapshot(page, tmp_path, "scams")
    assert refused == []

    officer = await (await browser.new_context()).new_page()
    await officer.goto(await link_for(desk, OFFICER, "Budi"))
    await officer.get_by_role("button", name="Open the console").click()
    await expect(officer.get_by_role("link", name="Cases")).to_be_visible()
    assert await officer.get_by_role("link", name="Scam reports").count() == 0
    answer = await officer.goto(f"{desk.settings.console_base}/scams")
    assert answer is not None and answer.status == 403
    assert "Pak Hendra" not in await officer.content()
