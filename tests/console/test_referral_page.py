"""The case page's referrals in a real browser (headless Chromium), with the bot and the emulator:
staff ask the citizen whether the case may go to IOM (the form, with its CSRF token), the citizen says
yes on their phone, the page then offers the partner's file (HTCDS JSON, downloaded); a second ask to
another partner is withdrawn before it is answered; a partner asked twice is refused in plain words.
The screenshot goes to docs/screenshots/referral.png with HOTLINE_SCREENSHOTS=update."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from emulator import Emulator
from tests.console.test_browser import browser, snapshot
from tests.console.test_login_and_cases import CITIZEN, GROUP, OFFICER, READ, STAFF, link_for
from tests.e2e.conftest import Running, free_port, officer_desk
from tests.e2e.phone import WAIT, Phone
from tests.referrals.partners import IOM, NGO, PARTNERS_FILE

__all__ = ["browser"]


@pytest.fixture
def framework() -> str:
    return "aiogram"  # the page does not depend on the framework; tests/e2e/test_referrals runs both


@pytest.fixture
async def desk(emu: Emulator, tmp_path: Path, framework: str) -> AsyncIterator[Running]:
    async with officer_desk(
        emu, tmp_path, framework, "polling", GROUP, OFFICER, STAFF, console_port=free_port(), map_tiles="",
        partners_file=str(PARTNERS_FILE),
    ) as r:  # fmt: skip
        yield r


async def test_staff_refer_a_case_and_take_the_partners_file_after_the_yes(
    desk: Running, browser: Browser, tmp_path: Path
) -> None:
    emu, base = desk.emu, desk.settings.console_base
    phone = Phone(emu, CITIZEN, "en", desk.hotline.catalogs)
    await phone.skipping_report("yes", READ)
    await emu.wait_for_bot_message(GROUP, contains="PNH-000001", timeout=WAIT)
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = await context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: refused.append(str(e)))
    await page.goto(await link_for(desk, STAFF, "Dewi"))
    await page.get_by_role("button", name="Open the console").click()
    await page.goto(f"{base}/cases/PNH-000001")
    section = page.locator("#referrals")
    await expect(section.get_by_role("heading", name="Referrals to partners")).to_be_visible()

    # ask the citizen about IOM, for shelter and care, with details for the partner
    await section.locator("select[name=partner]").select_option(label=IOM)
    await section.get_by_label("Additional services required").check()
    await section.get_by_label("Details for the partner").fill("Needs a shelter for two weeks")
    await section.get_by_role("button", name="Ask the citizen").click()
    await expect(page.get_by_text("The citizen is being asked.")).to_be_visible()
    row = page.locator("tr.referral").first
    await expect(row).to_contain_text("asking the citizen")
    await expect(row.get_by_role("button", name="Withdraw")).to_be_visible()
    await expect(row.get_by_role("button", name="File for the partner (HTCDS JSON)")).to_have_count(0)

    # asked twice about the same partner: refused, in plain words, with what was typed kept
    await section.locator("select[name=partner]").select_option(label=IOM)
    await section.get_by_role("button", name="Ask the citizen").click()
    await expect(page.locator("#refer-problem")).to_have_text(
        f"PNH-000001 is already being referred to {IOM}."
    )

    # the citizen says yes on their phone
    question = await emu.wait_for_bot_message(
        CITIZEN, contains=f"May we pass your case to {IOM}?", timeout=WAIT
    )
    await emu.press(phone.user, CITIZEN, question.message_id, "ref:1:yes")
    await emu.wait_for_bot_message(GROUP, contains="🤝 PNH-000001 agrees", timeout=WAIT)

    # another ask, to the NGO, withdrawn before the citizen answers
    await page.goto(f"{base}/cases/PNH-000001")
    await section.locator("select[name=partner]").select_option(label=NGO)
    await section.get_by_role("button", name="Ask the citizen").click()
    ngo = page.locator("tr.referral").nth(1)
    await ngo.get_by_role("button", name="Withdraw").click()
    await expect(page.get_by_text("Withdrawn: the citizen is no longer asked.")).to_be_visible()
    await expect(page.locator("tr.referral").nth(1)).to_contain_text("withdrawn")

    first = page.locator("tr.referral").first
    await expect(first).to_contain_text("the citizen agreed")
    await expect(
        page.get_by_role("heading", name="The way home: referred to IOM Cambodia (example)")
    ).to_be_visible()
    await snapshot(page, tmp_path, "referral")
    async with page.expect_download() as waiting:
        await first.get_by_role("button", name="File for the partner (HTCDS JSON)").click()
    download = await waiting.value
    assert download.suggested_filename == "PNH-000001-iom.json"
    case = json.loads(Path(await download.path()).read_text(encoding="utf-8"))["cases"][0]
    assert case["cas_ReferredOrganisation"] == IOM
    assert case["cas_ReasonForOutgoingReferral"] == "AdditionalServicesRequired"
    assert case["cas_OutgoingReferralDetails"] == "Needs a shelter for two weeks"
    await page.goto(f"{base}/cases/PNH-000001")
    await expect(page.locator("tr.referral").first).to_contain_text("referred: the file was taken")
    history = await page.locator("pre.history").inner_text()
    assert "exported" in history and "referral_sent" in history
    # nothing refused by the Content-Security-Policy, no script error (the ask twice answers 400 on purpose)
    assert [r for r in refused if "status of 400" not in r] == []
