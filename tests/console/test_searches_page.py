"""The console's "Families looking", in headless Chromium: an officer sees a family's search with the
cases that may be the person (score, reasons, the case's link), says "Not this person" to one and
"Ask this person" to the other; the question waits for the citizen, who said "wait until I write"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from playwright.async_api import Browser, expect
from sqlalchemy import select

from bot.app import Hotline
from bot.services import duplicates, searches
from storage.models import Citizen, OutboxMessage, Report, SearchMatch
from tests.console.test_browser import browser, desk, framework, snapshot
from tests.console.test_login_and_cases import OFFICER, link_for
from tests.e2e.conftest import Running

__all__ = ["browser", "desk", "framework"]
BORN = date(1995, 8, 17)


async def case(
    hotline: Hotline, user: int, name: str, born: date | None, place: str | None, city: str
) -> str:
    now = datetime.now(UTC)
    async with hotline.sessions() as session, session.begin():
        citizen = Citizen(telegram_user_id=user, chat_id=user, contact_pref="on_reply", created_at=now)
        session.add(citizen)
        await session.flush()
        report = Report(citizen_id=citizen.id, language="en", full_name=name, birth_date=born, place=place,
                        city=city, submitted=True, created_at=now, updated_at=now)  # fmt: skip
        session.add(report)
        await session.flush()
        report.reference = f"PNH-{report.id:06d}"
        await duplicates.check(session, report, now)  # as a case is sent: its name keyed
        await searches.case_changed(session, report, now, None, hotline.catalogs["en"])
        return report.reference


async def test_an_officer_sees_the_matches_and_asks_the_right_person(
    desk: Running, browser: Browser, tmp_path: Path
) -> None:
    hotline = desk.hotline
    siti = await case(hotline, 6101, "Siti Nurhaliza", BORN, "Jin Bei", "sihanoukville")
    other = await case(hotline, 6102, "Siti Nurhalimah", None, None, "bavet")
    fields = {"name": "Siti Nurhalisa", "birth": BORN.isoformat(), "place": "Sihanoukville",
              "relation": "parent", "seeker": "Aminah", "contact": "+62 812 3456 7890"}  # fmt: skip
    async with hotline.sessions() as session, session.begin():
        mother = Citizen(telegram_user_id=6200, chat_id=6200)
        session.add(mother)
        await session.flush()
        made = await searches.submit(session, mother, "id", fields, datetime.now(UTC), 180, None,
                                     hotline.catalogs["en"])  # fmt: skip
        reference = made.reference

    link = await link_for(desk, OFFICER, "Budi")
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    await page.goto(link)
    await page.get_by_role("button", name="Open the console").click()
    await page.get_by_role("link", name="Families looking").click()
    await expect(page.get_by_role("heading", name="Families looking for someone")).to_be_visible()
    card = page.locator("section.card", has_text=str(reference))
    await expect(card).to_contain_text("Siti Nurhalisa")
    await expect(card).to_contain_text("Aminah (Mother or father)")
    rows = card.locator("table.matches tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text(siti)  # the best first
    await expect(rows.nth(0)).to_contain_text("same date of birth")
    await snapshot(page, tmp_path, "searches")

    await rows.filter(has_text=other).get_by_role("button", name="Not this person").click()
    await expect(page.get_by_text("Noted: not this person.")).to_be_visible()
    await rows.filter(has_text=siti).get_by_role("button", name="Ask this person").click()
    await expect(page.get_by_text("The person is asked through the bot.")).to_be_visible()
    await expect(card).to_contain_text("Asked: waiting for the answer")
    await expect(card.get_by_role("link", name=siti).first).to_be_visible()
    await expect(card.get_by_role("button", name="Ask this person")).to_have_count(0)
    assert refused == []

    async with hotline.sessions() as session:
        statuses = {m.report_id: m.status for m in await session.scalars(select(SearchMatch))}
        asks = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "found_ask")))
    assert sorted(statuses.values()) == ["asked", "rejected"]
    assert [(row.chat_id, row.status) for row in asks] == [(6101, "held")]  # she writes first
