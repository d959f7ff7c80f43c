"""The case page's screening in headless Chromium: the citizen's answers labelled and the indicators
they point to (for an interview, not a verdict), and the officer's decision recorded with a note
through the form (CSRF), which the card in the officer group then shows. Its screenshot goes to
docs/screenshots/screening.png with HOTLINE_SCREENSHOTS=update."""

from __future__ import annotations

import os
import shutil
from functools import partial
from pathlib import Path

from playwright.async_api import Browser, expect
from sqlalchemy import select

from storage.models import Report
from tests.console.test_browser import ROOT, browser, desk, framework
from tests.console.test_login_and_cases import CITIZEN, GROUP, READ, STAFF, link_for
from tests.e2e.conftest import Running
from tests.e2e.phone import WAIT, Phone

__all__ = ["browser", "desk", "framework"]  # the console does not depend on the framework: one run


async def answer(phone: Phone, data: str, expect: str) -> None:
    after = phone.last_id()
    await phone.tap(data, None)
    await phone.emu.wait_for_bot_message(phone.chat_id, contains=expect, timeout=WAIT, after=after)


async def ticked(phone: Phone, data: str) -> None:
    message_id = phone.button_message(data)
    assert message_id is not None
    await phone.emu.press(phone.user, phone.chat_id, message_id, data)
    await phone.emu.wait_for(partial(phone.ticked, data), timeout=WAIT)


def card(desk: Running) -> str:
    return next((e.text or "" for e in desk.emu.bot_messages(GROUP) if "PNH-000001" in (e.text or "")), "")


async def test_the_screening_view_and_the_decision_form(
    desk: Running, browser: Browser, tmp_path: Path
) -> None:
    phone = Phone(desk.emu, CITIZEN, "en", desk.hotline.catalogs)
    await phone.skipping_report("yes", READ)
    await answer(phone, "scr:start", "How did you hear about the job?")
    await ticked(phone, "scr:a:recruited:online_chat")
    await answer(phone, "scr:a:recruited:done", "Which app was it on?")
    await ticked(phone, "scr:a:app:facebook")
    await answer(phone, "scr:a:app:done", "Was the work what you were promised?")
    await answer(phone, "scr:a:promised:other_work", "Could you leave the place")
    await answer(phone, "scr:a:leave:permission", "Did anyone ask you or your family for money")
    await answer(phone, "scr:a:ransom:yes", "Did anyone threaten or hurt you?")
    await answer(phone, "scr:a:harm:-", "Were you paid what you were promised?")
    await answer(phone, "scr:stop", "Alright, we stop here.")
    await desk.settled()

    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: refused.append(str(e)))
    await page.goto(await link_for(desk, STAFF, "Dewi"))
    await page.get_by_role("button", name="Open the console").click()
    await page.goto(f"{desk.settings.console_base}/cases/PNH-000001")
    section = page.locator("#screening")
    indicators = (
        "🔎 Indicators present: 4 (deception, restriction of movement, intimidation and threats, "
        "debt bondage)"
    )
    await expect(section.get_by_text(indicators)).to_be_visible()
    await expect(section).to_contain_text("they are not a decision")
    answers = section.locator("dl.screening-answers")
    for line in ("How did you hear about the job?", "Someone I met online", "Facebook",
                 "No, the work was different", "Only with permission", "Skipped"):  # fmt: skip
        await expect(answers).to_contain_text(line)
    await expect(section.locator("p.decision")).to_have_count(0)  # no decision yet

    # a form posted without the session's token changes nothing
    forged = await context.request.post(
        f"{desk.settings.console_base}/cases/PNH-000001/screening", form={"decision": "victim"}
    )
    assert forged.status == 403

    await section.locator("select[name=decision]").select_option("possible_victim")
    note = "Interviewed at the shelter; ransom paid by family."
    await section.get_by_role("textbox", name="Note on the decision").fill(note)
    await section.get_by_role("button", name="Record the decision").click()
    await expect(page.locator("#screening").get_by_text("Saved.")).to_be_visible()
    decided = page.locator("#screening p.decision")
    await expect(decided).to_contain_text("possible victim of trafficking")
    await expect(page.locator("#screening pre.details")).to_contain_text("ransom paid by family")
    shot = tmp_path / "screening.png"
    await page.locator("#screening").screenshot(path=str(shot))
    if os.environ.get("HOTLINE_SCREENSHOTS") == "update":
        shutil.copyfile(shot, ROOT / "docs" / "screenshots" / shot.name)

    await desk.emu.wait_for(lambda: "⚖️ Screening decision: possible victim" in card(desk), timeout=WAIT)
    async with desk.hotline.sessions() as session:
        report = (await session.execute(select(Report))).scalar_one()
    assert report.screening_decision == "possible_victim" and report.screening_by == STAFF
    assert refused == []
    await context.close()
