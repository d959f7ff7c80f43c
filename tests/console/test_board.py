"""The way home in the console, over HTTP with the bot running: the board's count at each stage,
each a link to those cases; many cases moved to one stage after a confirmation naming the count;
a case moved from its page, bad facts said plainly with what was typed kept; the case's moves
listed with who and when. And the board in a real browser (Chromium)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator import Emulator
from storage.models import Report
from tests.broadcasts.seed import Person
from tests.console.office import office as staff_office
from tests.console.test_broadcasts import link
from tests.console.test_browser import browser, snapshot
from tests.console.test_login_and_cases import browser as http_client
from tests.console.test_login_and_cases import csrf_of, log_in
from tests.e2e.conftest import Running

__all__ = ["browser"]
GROUP, OFFICER, STAFF = -1001000000031, 9391, 9392
PEOPLE = range(7601, 7611)  # ten cases: three cleared, two referred, five just reported
NOW = datetime.now(UTC)


@pytest.fixture
def framework() -> str:
    return "aiogram"  # the board is the console's, the same on both runtimes


async def _prepare(sessions: async_sessionmaker[AsyncSession], refs: dict[int, str]) -> None:
    async with sessions() as session, session.begin():
        cleared = [refs[u] for u in PEOPLE[:3]]
        referred = [refs[u] for u in PEOPLE[3:5]]
        await session.execute(
            update(Report)
            .where(Report.reference.in_(cleared))
            .values(stage="cleared", status="in_progress", journey={"fine": "paid"})
        )
        await session.execute(
            update(Report)
            .where(Report.reference.in_(referred))
            .values(stage="referred", status="referred", journey={"referred_to": "IOM"})
        )


@pytest.fixture
async def office(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    people = [Person(u) for u in PEOPLE]
    async with staff_office(
        emu, tmp_path, framework, people, NOW, GROUP, OFFICER, STAFF, prepare=_prepare
    ) as r:
        yield r


def counts(html: str) -> dict[str, int]:
    found = re.findall(r'data-stage="(\w+)">\s*<span class="n">(\d+)</span>', html)
    return {stage: int(n) for stage, n in found}


async def _get(http: aiohttp.ClientSession, url: str, **query: str) -> str:
    async with http.get(url, params=query) as page:
        assert page.status == 200
        return await page.text()


async def test_the_board_counts_and_many_cases_move_at_once(office: Running) -> None:
    base = office.settings.console_base
    async with http_client() as http:
        assert (await log_in(http, await link(office, STAFF, "Dewi"))).status == 303
        html = await _get(http, f"{base}/board")
        assert 'href="/board" aria-current="page"' in html
        assert counts(html) == {
            "reported": 5, "identity_verified": 0, "document_ready": 0, "cleared": 3, "on_flight": 0,
            "departed": 0, "arrived": 0, "referred": 2, "staying": 0, "closed": 0,
        }  # fmt: skip
        assert 'href="/cases?stage=cleared"' in html
        table = await _get(http, f"{base}/cases", stage="cleared")
        assert "Cases found: 3" in table and "cleared by immigration" in table
        token = csrf_of(table)

        # every cleared case arrived: a bad fact first, then the confirmation naming the count
        ask = {"csrf": token, "back": "stage=cleared", "all": "1", "what": "stage", "stage": "arrived"}
        async with http.post(f"{base}/cases/bulk", data=ask | {"fact": ""}) as refused:
            assert refused.status == 400 and "Say where they arrived" in await refused.text()
        async with http.post(f"{base}/cases/bulk", data=ask | {"fact": "Soekarno-Hatta"}) as asked:
            html = await asked.text()
        assert "Move 3 cases to: arrived at Soekarno-Hatta?" in html
        assert counts(await _get(http, f"{base}/board"))["arrived"] == 0  # nothing yet
        confirm = ask | {"fact": "Soekarno-Hatta", "confirm": "1", "count": "3"}
        async with http.post(f"{base}/cases/bulk", data=confirm) as done:
            assert "Cases changed: 3" in await done.text()
        board = counts(await _get(http, f"{base}/board"))
        assert board["arrived"] == 3 and board["cleared"] == 0
        assert "Cases found: 3" in await _get(http, f"{base}/cases", status="repatriated")

        # a stage whose facts differ per case is not offered for many at once
        per_case = ask | {"back": "", "stage": "document_ready", "fact": "B1234567"}
        async with http.post(f"{base}/cases/bulk", data=per_case) as refused:
            assert refused.status == 400 and "Choose a stage." in await refused.text()


async def test_a_case_moves_from_its_page_and_lists_its_moves(office: Running) -> None:
    base = office.settings.console_base
    reference = "PNH-000010"  # just reported
    async with http_client() as http:
        assert (await log_in(http, await link(office, STAFF, "Dewi"))).status == 303
        token = csrf_of(await _get(http, f"{base}/cases/{reference}"))
        form = {"csrf": token, "stage": "document_ready", "document": "splp", "document_number": "hello",
                "document_date": "2026-01-02"}  # fmt: skip
        async with http.post(f"{base}/cases/{reference}/stage", data=form) as refused:
            html = await refused.text()
        assert refused.status == 400
        assert "An SPLP number is a few letters then digits, such as B1234567." in html
        assert 'value="hello"' in html and 'value="2026-01-02"' in html  # what was typed is kept
        day = NOW.date().isoformat()
        moves = [
            {"stage": "identity_verified", "identity": "ktp"},
            {
                "stage": "document_ready",
                "document": "splp",
                "document_number": "B1234567",
                "document_date": day,
            },
        ]
        for move in moves:
            async with http.post(f"{base}/cases/{reference}/stage", data={"csrf": token} | move) as done:
                assert done.status == 200 and "Saved." in await done.text()
        html = await _get(http, f"{base}/cases/{reference}")
        way = html[html.index('id="way-home"') :]
        assert "The way home: SPLP issued B1234567" in way
        listed = way[way.index('<ol class="way">') :]
        assert listed.index("identity verified (KTP)") < listed.index("SPLP issued B1234567")
        assert listed[: listed.index("</ol>")].count("officer:9392") == 2  # who moved it, each time
        assert "in progress" in html  # the status in step


async def test_the_board_in_a_browser(office: Running, browser: Browser, tmp_path: Path) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(await link(office, STAFF, "Dewi"))
    await page.get_by_role("button", name="Open the console").click()
    await page.get_by_role("link", name="Board", exact=True).click()
    cleared = page.locator('a[data-stage="cleared"]')
    await expect(cleared).to_contain_text("3")
    await expect(page.locator('a[data-stage="referred"]')).to_contain_text("2")
    await snapshot(page, tmp_path, "board")
    await cleared.click()
    await expect(page.get_by_text("Cases found: 3")).to_be_visible()
    await expect(page.get_by_label("Stage").first).to_have_value("cleared")
    assert errors == []
    await context.close()
