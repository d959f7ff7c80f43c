"""The console in a real browser (headless Chromium from the system's packages, driven by
Playwright), with the bot and the emulator running: a staff member opens the link the bot gave,
finds a case, answers the citizen, and sees a new SOS appear on Today without reloading; ten cases
are tagged and broadcast to, the progress reaching 10/10 on its own; officers are kept out; the
console opens as a Mini App, and forged init data is refused.

Screenshots of each screen go to the test's folder; with HOTLINE_SCREENSHOTS=update they are
written to docs/screenshots/ too (the README shows them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, ViewportSize, async_playwright, expect

from emulator import DEFAULT_TOKEN, Emulator
from tests.console.test_broadcasts import OFFICER as OFFICER_B
from tests.console.test_broadcasts import POIPET as B_POIPET
from tests.console.test_broadcasts import STAFF as STAFF_B
from tests.console.test_broadcasts import TEXT_EN as B_TEXT_EN
from tests.console.test_broadcasts import TEXT_ID as B_TEXT_ID
from tests.console.test_broadcasts import got as b_got
from tests.console.test_broadcasts import link, office
from tests.console.test_login_and_cases import CITIZEN, GROUP, OFFICER, READ, STAFF, link_for
from tests.console.test_mini_app import AGAIN, OTHER_BOT
from tests.e2e.conftest import Clock, Running, free_port, officer_desk
from tests.e2e.phone import Phone
from tests.support.webapp import launch_fragment, person, signed

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
# as root on a machine with no network but loopback: no sandbox, nothing fetched in the background
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]  # fmt: skip


__all__ = ["office"]  # a fixture of test_broadcasts' (the staff's office with twelve people in Poipet)


@pytest.fixture
def framework() -> str:
    return "aiogram"  # the console does not depend on the framework; tests/console/test_login… runs both


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(
        emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, Clock(emu), console_port=free_port(),
        map_tiles="",  # no tile server here: the markers on a plain background
    ) as r:  # fmt: skip
        yield r


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM}: .ci/run installs the system's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


async def snapshot(page: Page, tmp_path: Path, name: str) -> None:
    shot = tmp_path / f"{name}.png"
    await page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("HOTLINE_SCREENSHOTS") == "update":
        folder = ROOT / "docs" / "screenshots"
        folder.mkdir(exist_ok=True)
        shutil.copyfile(shot, folder / shot.name)


async def test_a_staff_member_answers_a_citizen_and_sees_an_sos_arrive(
    desk: Running, browser: Browser, tmp_path: Path
) -> None:
    emu = desk.emu
    phone = Phone(emu, CITIZEN, "en", desk.hotline.catalogs)
    await phone.skipping_report("yes", READ)
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=10)
    link = await link_for(desk, STAFF, "Dewi")
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    refused: list[str] = []  # what the browser refused (the CSP) or failed on
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: refused.append(str(e)))

    await page.goto(link)
    await snapshot(page, tmp_path, "login")
    await page.get_by_role("button", name="Open the console").click()
    await expect(page.get_by_role("heading", name="Cases by status")).to_be_visible()
    await snapshot(page, tmp_path, "today")

    await page.get_by_role("link", name="Cases", exact=True).click()
    await page.get_by_label("Search").fill("pnh-1")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.get_by_text("Cases found: 1")).to_be_visible()
    await snapshot(page, tmp_path, "cases")
    await page.get_by_role("link", name="PNH-000001").click()
    await expect(page.get_by_role("heading", name="PNH-000001")).to_be_visible()

    after = phone.last_id()
    await page.locator("textarea[name=text]").fill("Besok jam 9 ke KBRI, bawa KTP kalau ada.")
    await page.get_by_role("button", name="Send").click()
    await expect(page.get_by_text("Your answer is on its way to the citizen.")).to_be_visible()
    await expect(page.locator("ol.thread")).to_contain_text("Besok jam 9 ke KBRI")
    await expect(page.locator("#map")).to_have_attribute("data-shown", "1")  # where they are
    await snapshot(page, tmp_path, "case")
    message = await phone.expect("🏛 Message from {mission}:", after, mission="KBRI Phnom Penh")
    assert "Besok jam 9 ke KBRI" in (message.text or "")

    # Today is open; a second citizen presses SOS: it shows without a reload, within seconds
    await page.get_by_role("link", name="Today").click()
    await expect(page.get_by_text("Every SOS has been acknowledged.")).to_be_visible()
    rina = Phone(emu, CITIZEN + 1, "en", desk.hotline.catalogs)
    await rina.command("sos", "🆘 The officers on duty have been alerted. If you can, send your location.")
    await expect(page.locator("#sos").get_by_role("link", name="PNH-000002")).to_be_visible(timeout=8000)
    await snapshot(page, tmp_path, "today-sos")

    # tick both cases, tag them for the next flight: a confirmation names the count first
    await page.get_by_role("link", name="Cases", exact=True).click()
    await page.get_by_label("PNH-000001").check()
    await page.get_by_label("PNH-000002").check()
    await page.locator("#bulk input[name=tag]").fill("wave-1")
    await page.get_by_role("button", name="Add the tag").click()
    await expect(page.get_by_role("heading", name="Tag 2 cases with wave-1?")).to_be_visible()
    await snapshot(page, tmp_path, "bulk-confirm")
    await page.get_by_role("button", name="Yes, change them").click()
    await expect(page.get_by_text("Cases changed: 2")).to_be_visible()
    await page.goto(f"{desk.settings.console_base}/cases?tag=wave-1")
    await expect(page.get_by_text("Cases found: 2")).to_be_visible()

    await page.get_by_role("link", name="Map").click()
    await expect(page.locator("#map")).to_have_attribute("data-shown", "1")  # Rina sent no location
    await expect(page.get_by_text("Cases on the map: 1")).to_be_visible()
    await snapshot(page, tmp_path, "map")
    await page.locator("#map path.leaflet-interactive").click()  # a marker opens its case
    await expect(page.get_by_role("heading", name="PNH-000001")).to_be_visible()

    await page.get_by_role("link", name="History").click()
    await expect(page.get_by_role("cell", name="officer_reply")).to_be_visible()
    await snapshot(page, tmp_path, "history")

    # on a phone's screen the pages still work
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.get_by_role("link", name="Cases", exact=True).click()
    await expect(page.get_by_role("link", name="PNH-000002")).to_be_visible()
    await snapshot(page, tmp_path, "cases-phone")
    assert refused == []  # no script refused by the CSP, no error
    await context.close()


async def test_the_console_opens_inside_telegram_and_forged_init_data_is_refused(
    desk: Running, browser: Browser, tmp_path: Path
) -> None:
    """What Telegram's client does when an officer taps the menu button: it opens /app with the
    launch parameters in the fragment. The page's own script logs in; nothing comes from Telegram."""
    assert desk.clock is not None
    base, at = desk.settings.console_base, desk.clock().timestamp()
    phone_screen: ViewportSize = {"width": 390, "height": 844}
    context = await browser.new_context(viewport=phone_screen)
    page = await context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: refused.append(str(e)))
    outside: list[str] = []  # every request the page makes: all to the console itself
    page.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))
    genuine = signed(DEFAULT_TOKEN, person(STAFF, "Dewi"), at)
    await page.goto(f"{base}/app{launch_fragment(genuine)}")
    await expect(page.get_by_role("heading", name="Cases by status")).to_be_visible()
    assert page.url == f"{base}/"
    await expect(page.get_by_text("Dewi · staff")).to_be_visible()
    await snapshot(page, tmp_path, "mini-app-today")
    assert refused == [] and outside == []
    await context.close()

    context = await browser.new_context(viewport=phone_screen)
    page = await context.new_page()
    forged = signed(OTHER_BOT, person(STAFF, "Dewi"), at)
    await page.goto(f"{base}/app{launch_fragment(forged)}")
    await expect(page.get_by_role("alert")).to_contain_text(AGAIN)
    await snapshot(page, tmp_path, "mini-app-refused")
    assert "tgWebAppData" not in page.url  # the data leaves the address bar either way
    assert await context.cookies() == []  # no session
    await page.goto(f"{base}/")
    await expect(page).to_have_url(f"{base}/login")
    await context.close()


async def test_ten_cases_tagged_then_broadcast_to_and_officers_kept_out(
    office: Running, browser: Browser, tmp_path: Path
) -> None:
    emu, base = office.emu, office.settings.console_base
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: refused.append(str(e)))
    await page.goto(await link(office, STAFF_B, "Dewi"))
    await page.get_by_role("button", name="Open the console").click()
    await page.get_by_role("link", name="Cases", exact=True).click()
    await page.get_by_label("City").select_option("poipet")
    await page.get_by_label("Sort").select_option("reference")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.get_by_text("Cases found: 12")).to_be_visible()
    boxes = page.locator("input[name=ids]")
    for n in range(10):
        await boxes.nth(n).check()
    await page.locator("#bulk input[name=tag]").fill("wave-1")
    await page.get_by_role("button", name="Add the tag").click()
    await page.get_by_role("button", name="Yes, change them").click()
    await expect(page.get_by_text("Cases changed: 10")).to_be_visible()

    await page.get_by_role("link", name="Broadcasts").click()
    await page.get_by_role("link", name="New broadcast").click()
    count = page.locator("#audience-count")
    await expect(count).to_contain_text("16 citizens")  # nothing ticked: everyone who agreed
    await page.get_by_label("wave-1").check()
    await expect(count).to_contain_text("👥 10 citizens: 5 in Indonesian, 5 in English")  # counted live
    await page.get_by_label("In Indonesian").fill(B_TEXT_ID)
    await page.get_by_label("In English").fill(B_TEXT_EN)
    await page.get_by_label("“I will come” / “I cannot come”").check()
    await snapshot(page, tmp_path, "broadcast-compose")
    await page.get_by_role("button", name="Preview").click()
    await expect(page.get_by_text("As a citizen reading English sees it")).to_be_visible()
    await snapshot(page, tmp_path, "broadcast-preview")
    await page.get_by_role("button", name="Send to 10 citizens").click()
    await expect(page.locator("#sent")).to_have_text("✉️ Sent: 10 of 10", timeout=15000)  # refreshes itself
    await expect(page.locator(".state")).to_have_text("Finished", timeout=10000)
    await snapshot(page, tmp_path, "broadcast-progress")
    ten = list(B_POIPET[:10])
    assert all(len(b_got(emu, u)) == 1 for u in ten)
    assert all(b_got(emu, u) == [] for u in B_POIPET[10:])
    assert refused == []
    await context.close()

    officer = await browser.new_context()
    page = await officer.new_page()
    await page.goto(await link(office, OFFICER_B, "Budi"))
    await page.get_by_role("button", name="Open the console").click()
    await expect(page.get_by_role("heading", name="Cases by status")).to_be_visible()
    await expect(page.get_by_role("link", name="Broadcasts")).to_have_count(0)
    await page.goto(f"{base}/broadcasts/new")
    await expect(page.get_by_text("Only the embassy's staff send broadcasts.")).to_be_visible()
    await officer.close()


async def test_a_reused_or_expired_link_and_a_form_without_its_token_are_refused(
    desk: Running, browser: Browser
) -> None:
    link = await link_for(desk, STAFF, "Dewi")
    first = await browser.new_context()
    page = await first.new_page()
    await page.goto(link)
    await page.get_by_role("button", name="Open the console").click()
    await expect(page.get_by_role("heading", name="Cases by status")).to_be_visible()

    # a form whose CSRF token was taken out changes nothing
    await page.goto(f"{desk.settings.console_base}/cases")
    await page.locator("#bulk input[name=csrf]").evaluate("input => input.remove()")
    await page.locator("#bulk input[name=tag]").fill("wave-9")
    await page.get_by_role("button", name="Add the tag").click()
    await expect(page.get_by_text("This form is out of date.")).to_be_visible()

    second = await browser.new_context()  # someone else with the same link: it was used
    other = await second.new_page()
    await other.goto(link)
    await other.get_by_role("button", name="Open the console").click()
    await expect(other.locator(".problem")).to_be_visible()
    await expect(other.get_by_role("heading", name="Cases by status")).to_have_count(0)

    late = await link_for(desk, OFFICER, "Budi")
    assert isinstance(desk.clock, Clock)
    desk.clock.advance(6 * 60)  # older than 5 minutes
    await other.goto(late)
    await other.get_by_role("button", name="Open the console").click()
    await expect(other.locator(".problem")).to_be_visible()
    await first.close()
    await second.close()
